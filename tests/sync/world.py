"""A whole playlist-sync world for a test: the emulator (seeded), a real OAuth grant, a fresh
Postgres database, a Temporal server, and helpers to import, categorise, sync and check."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle
from temporalio.service import RPCError
from temporalio.worker import Worker

from playlist_sync.categories.apply import apply_categories
from playlist_sync.config import Settings, load_settings
from playlist_sync.db.connection import create_pool
from playlist_sync.emulator import EmulatorOptions, RunningEmulator
from playlist_sync.emulator.admin_client import EmulatorAdmin
from playlist_sync.library.importer import import_library
from playlist_sync.quota_windows import QuotaReset
from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.starters.sync import start_sync
from playlist_sync.sync.payloads import SyncOptions
from playlist_sync.workers import build_worker
from playlist_sync.youtube.client import YouTubeClient, youtube_client_from_settings
from playlist_sync.youtube.oauth_flow import approve_in_background, authorize

ROOT = Path(__file__).resolve().parents[2]
# Re-reads of a lagging list, shortened for tests: 3.5 s outlasts the emulator lags they set.
# How long the tests' syncs allow YouTube's lists to trail a write: above the emulator's lag in
# the fault scenarios (up to 3 s), below the 8 s a real sync allows, to keep the tests short.
TEST_LAG_ALLOWANCE_SECONDS = 4.0
_queues = itertools.count()


def library(
    playlists: dict[str, list[str]],
    *,
    deleted: tuple[str, ...] = (),
    private: tuple[str, ...] = (),
    extra_videos: tuple[str, ...] = (),
) -> dict[str, Any]:
    """An emulator seed: playlists by title, each with its video ids."""
    video_ids = dict.fromkeys(
        [v for items in playlists.values() for v in items] + list(extra_videos)
    )
    status = {**dict.fromkeys(deleted, "deleted"), **dict.fromkeys(private, "private")}
    return {
        "channel": {"id": "UCtestchannel000000000000", "title": "Test Channel"},
        "videos": [
            {
                "id": v,
                "title": f"Video {v}",
                "channelTitle": "Someone",
                "status": status.get(v, "public"),
            }
            for v in video_ids
        ],
        "playlists": [
            {
                "id": f"PLseed{index:026d}",
                "title": title,
                "description": "",
                "privacyStatus": "private",
                "items": items,
            }
            for index, (title, items) in enumerate(playlists.items())
        ],
    }


def videos(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{n:09d}" for n in range(count)]


@dataclass
class SyncWorld:
    emulator: RunningEmulator
    settings: Settings
    pool: asyncpg.Pool
    client: Client
    youtube: YouTubeClient
    # Videos a viewer cannot watch (deleted, others' private): a playlist that holds one shows
    # "Deleted video" / "Private video". The sync never adds one, and leaves one where it is.
    hidden: frozenset[str] = frozenset()
    # What `start` syncs with unless told: reuse, the default a user gets.
    strategy: Strategy = Strategy.REUSE

    @property
    def admin(self) -> EmulatorAdmin:
        return EmulatorAdmin(self.emulator.url)

    @property
    def task_queue(self) -> str:
        return self.settings.temporal_task_queue

    async def import_library(self) -> None:
        await import_library(self.youtube, self.pool)

    async def apply(self, categories_yaml: str, tmp: Path) -> None:
        path = tmp / f"categories-{next(_queues)}.yaml"
        path.write_text(categories_yaml)
        await apply_categories(self.pool, path)

    async def start(
        self, strategy: Strategy | None = None, **options: float
    ) -> tuple[int, WorkflowHandle]:
        options.setdefault("lag_allowance_seconds", TEST_LAG_ALLOWANCE_SECONDS)
        return await start_sync(
            self.client,
            self.pool,
            self.settings,
            options=SyncOptions(**options),
            strategy=strategy or self.strategy,
        )

    @asynccontextmanager
    async def worker(self, *, build_id: str | None = None) -> AsyncIterator[Worker]:
        """A worker in this process; with `build_id`, versioned: it declares that build of
        the world's own deployment (named after its task queue, unique on the shared server)."""
        settings = self.settings
        if build_id is not None:
            settings = settings.model_copy(
                update={
                    "temporal_worker_build_id": build_id,
                    "temporal_deployment_name": self.deployment,
                }
            )
        worker = await build_worker(self.client, self.pool, settings)
        async with worker:
            yield worker

    @property
    def deployment(self) -> str:
        return f"deployment-{self.task_queue}"

    def worker_process(self, log: Path) -> subprocess.Popen[bytes]:
        """`worker.py` as a user runs it, in its own process (so it can be SIGKILLed)."""
        env = {**os.environ, **self.environment()}
        with open(log, "ab") as out:
            return subprocess.Popen(
                [sys.executable, str(ROOT / "worker.py")], env=env, stdout=out, stderr=out,
                cwd=ROOT,
            )  # fmt: skip

    def environment(self) -> dict[str, str]:
        s = self.settings
        return {
            "DATABASE_URL": s.database_url or "",
            "PLAYLIST_SYNC_DATA_DIR": str(s.data_dir),
            "TEMPORAL_ADDRESS": s.temporal_address,
            "TEMPORAL_NAMESPACE": s.temporal_namespace,
            "TEMPORAL_TASK_QUEUE": s.temporal_task_queue,
            "YOUTUBE_API_URL": s.youtube_api_url or "",
            "YOUTUBE_DAILY_QUOTA": str(s.youtube_daily_quota),
            "QUOTA_RESET": s.quota_reset_text,
            "YOUTUBE_PLAYLIST_CREATES_PER_DAY": str(s.youtube_playlist_creates_per_day),
        }

    def playlists_by_title(self) -> dict[str, list[str]]:
        """YouTube's (the emulator's) playlists now: title -> the videos a viewer sees in it,
        in order (hidden ones left out)."""
        found: dict[str, list[str]] = {}
        for playlist in self.admin.state()["playlists"]:
            assert playlist["title"] not in found, f"two playlists titled {playlist['title']!r}"
            items = sorted(playlist["items"], key=lambda item: item["position"])
            found[playlist["title"]] = [
                item["videoId"] for item in items if item["videoId"] not in self.hidden
            ]
        return found

    def emulator_units(self) -> int:
        return sum(window["used"] for window in self.admin.state()["quota"]["windows"])

    async def ledger_units(self) -> int:
        return int(
            await self.pool.fetchval("SELECT COALESCE(sum(units_used), 0) FROM quota_windows")
        )

    async def job(self, job_id: int) -> asyncpg.Record:
        return await self.pool.fetchrow("SELECT * FROM sync_jobs WHERE id = $1", job_id)

    async def wait_for(self, job_id: int, condition: str, within: float = 60) -> asyncpg.Record:
        """Poll the mirror until `condition` (SQL over sync_jobs) holds."""
        deadline = asyncio.get_running_loop().time() + within
        while True:
            row = await self.pool.fetchrow(
                f"SELECT * FROM sync_jobs WHERE id = $1 AND ({condition})", job_id
            )
            if row is not None:
                return row
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(
                    f"sync {job_id} never reached: {condition}; now {dict(await self.job(job_id))}"
                )
            await asyncio.sleep(0.1)


@asynccontextmanager
async def sync_world(
    *,
    seed: dict[str, Any],
    client: Client,
    database_url: str,
    data_dir: Path,
    daily_quota: int = 10_000,
    quota_reset: str = "pacific-midnight",
    emulator_quota: int | None = None,
    token_ttl: int = 3600,
    creates_per_day: int = 10,
) -> AsyncIterator[SyncWorld]:
    options = EmulatorOptions(
        daily_quota=emulator_quota or daily_quota,
        quota_reset=QuotaReset.parse(quota_reset),
        token_ttl=token_ttl,
        seed=seed,
    )
    with RunningEmulator(options) as emulator:
        secrets = data_dir / "client_secrets.json"
        data_dir.mkdir(parents=True, exist_ok=True)
        secrets.write_text(json.dumps(EmulatorAdmin(emulator.url).client_secrets()))
        await asyncio.to_thread(
            authorize, secrets, data_dir, open_browser=False, on_url=approve_in_background
        )
        settings = load_settings(
            DATABASE_URL=database_url,
            PLAYLIST_SYNC_DATA_DIR=str(data_dir),
            TEMPORAL_ADDRESS=client.service_client.config.target_host,
            TEMPORAL_TASK_QUEUE=f"sync-test-{os.getpid()}-{next(_queues)}",
            YOUTUBE_API_URL=emulator.url,
            YOUTUBE_DAILY_QUOTA=daily_quota,
            QUOTA_RESET=quota_reset,
            YOUTUBE_PLAYLIST_CREATES_PER_DAY=creates_per_day,
        )
        pool = await create_pool(database_url, max_size=20)
        try:
            youtube = await youtube_client_from_settings(settings, pool)
            channel = seed.get("channel", {}).get("id")
            hidden = frozenset(
                video["id"]
                for video in seed.get("videos", [])
                if video.get("status") == "deleted"
                or (video.get("status") == "private" and video.get("channelId") != channel)
            )
            yield SyncWorld(emulator, settings, pool, client, youtube, hidden)
        finally:
            await pool.close()


def items_on_youtube(world: SyncWorld) -> int:
    return sum(len(p["items"]) for p in world.admin.state()["playlists"])


# The activities that write to YouTube (the others mirror to Postgres or read the ledger).
_WRITERS = {
    "back_up_playlists",
    "create_category_playlists",
    "add_videos_to_playlist",
    "delete_old_playlists",
    "restore_playlist",
}


async def writes_landed(handle: WorkflowHandle) -> None:
    """Until no activity that writes to YouTube is in flight. Once a pause has taken effect
    (the row says so), this is the moment after which nothing may reach YouTube."""
    while True:
        pending = (await handle.describe()).raw_description.pending_activities
        if not any(activity.activity_type.name in _WRITERS for activity in pending):
            return
        await asyncio.sleep(0.05)


HISTORIES = Path(__file__).parent / "histories"


async def writes_made(pool: asyncpg.Pool, job_id: int) -> int:
    """The writes YouTube was sent for the job (each 50 units in the ledger, refunds aside)."""
    return int(
        await pool.fetchval(
            "SELECT count(*) FROM quota_events WHERE sync_job_id = $1 AND units = 50", job_id
        )
    )


async def record_history(handle: WorkflowHandle, name: str) -> None:
    """With PLAYLIST_SYNC_RECORD_HISTORIES=1, save the run's history for the replay test.

    Re-record only when a change to the workflow is meant to be incompatible, and then
    version it (workflow.patched) so that syncs already running keep replaying."""
    if os.environ.get("PLAYLIST_SYNC_RECORD_HISTORIES") == "1":
        history = await handle.fetch_history()
        (HISTORIES / f"{name}.json").write_text(history.to_json())


@asynccontextmanager
async def categorised_world(
    client: Client,
    database_url: str,
    tmp_path: Path,
    seed: dict[str, Any],
    *,
    categories: str,
    strategy: Strategy = Strategy.REUSE,
    **options: Any,
) -> AsyncIterator[SyncWorld]:
    """A sync_world whose library is imported and whose categories are applied: ready to
    sync with `strategy`. Syncs it leaves running are terminated when it closes."""
    async with sync_world(
        seed=seed,
        client=client,
        database_url=database_url,
        data_dir=tmp_path / "data",
        **options,
    ) as world:
        world.strategy = strategy
        try:
            await world.import_library()
            await world.apply(categories, tmp_path)
            yield world
        finally:
            await terminate_running_syncs(world)


async def terminate_running_syncs(world: SyncWorld) -> None:
    """A sync that a failing test leaves running would go on (timers, retries) on the shared
    Temporal server, holding its workflow id, long after its world is gone."""
    for (workflow_id,) in await world.pool.fetch(
        "SELECT workflow_id FROM sync_jobs WHERE workflow_id IS NOT NULL"
    ):
        handle = world.client.get_workflow_handle(workflow_id)
        with contextlib.suppress(RPCError):
            if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
                await handle.terminate("the test is over")
