"""One bench world: the emulator seeded with a library, a real OAuth grant, a fresh database,
the Temporal dev server of the stack, and the ways to run a sync in it (the ideas of the
tests' sync world, not its code: the bench imports nothing from tests/)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import asyncpg
from temporalio.client import Client
from temporalio.worker import Worker

from bench.stack import BenchStack
from playlist_sync.categories.apply import apply_categories
from playlist_sync.config import Settings, load_settings
from playlist_sync.db.connection import create_pool
from playlist_sync.emulator import EmulatorAdmin, EmulatorOptions, RunningEmulator
from playlist_sync.library.importer import import_library
from playlist_sync.quota_windows import QuotaReset
from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.starters.sync import start_sync
from playlist_sync.sync.payloads import SyncOptions
from playlist_sync.workers import build_worker
from playlist_sync.youtube.client import YouTubeClient, youtube_client_from_settings
from playlist_sync.youtube.oauth_flow import approve_in_background, authorize
from playlist_sync.youtube.rate_limiter import RateLimiter

ROOT = Path(__file__).resolve().parents[1]
# "Quota to spare": more than any bench spends in one window.
PLENTY = 100_000_000


class Library(Protocol):
    """A library to seed the emulator with, and the categories a user makes of it."""

    @property
    def categories(self) -> dict[str, list[str]]: ...

    def seed(self) -> dict[str, Any]: ...

    def categories_yaml(self) -> str: ...


@dataclass(frozen=True)
class SyncRun:
    job_id: int
    workflow_id: str
    first_run_id: str
    seconds: float
    stage: str


@dataclass
class BenchWorld:
    stack: BenchStack
    emulator: RunningEmulator
    settings: Settings
    pool: asyncpg.Pool
    # paced as the worker's client is (RateLimiter's default) unless the world says otherwise
    youtube: YouTubeClient
    paced: bool

    @property
    def client(self) -> Client:
        return self.stack.temporal.client

    @property
    def admin(self) -> EmulatorAdmin:
        return self.emulator.admin

    async def prepare(self, library: Library) -> None:
        """`import` then `categories apply`, as a user does before `sync`."""
        await import_library(self.youtube, self.pool)
        path = self.settings.data_dir / "categories.yaml"
        path.write_text(library.categories_yaml())
        await apply_categories(self.pool, path)

    async def sync(
        self,
        within: float = 900,
        strategy: Strategy = Strategy.RECREATE,
        options: SyncOptions | None = None,
    ) -> SyncRun:
        """Start a sync and wait for its end (the worker must be running); a sync that has not
        ended `within` seconds is terminated and reported as unfinished, never waited on forever.

        The machinery's rows (throughput, history, faults, windows) sync with `recreate`: their
        libraries are old playlists renamed, which `reuse` would settle in a few updates."""
        began = time.perf_counter()
        job_id, handle = await start_sync(
            self.client, self.pool, self.settings, strategy=strategy, options=options
        )
        try:
            stage = str((await asyncio.wait_for(handle.result(), within)).stage)
        except TimeoutError:
            # The latest run, wherever continue-as-new has got to.
            latest = self.client.get_workflow_handle(handle.id)
            await latest.terminate("bench: the sync did not finish in time")
            stage = f"unfinished after {within:.0f} s"
        return SyncRun(
            job_id=job_id,
            workflow_id=handle.id,
            first_run_id=handle.first_execution_run_id or handle.result_run_id or "",
            seconds=time.perf_counter() - began,
            stage=stage,
        )

    @asynccontextmanager
    async def worker(self) -> AsyncIterator[Worker]:
        # Unpaced: the client's safety cap off, to show what the workflow itself costs.
        limiter = None if self.paced else RateLimiter(None)
        worker = await build_worker(self.client, self.pool, self.settings, limiter=limiter)
        async with worker:
            yield worker

    def worker_process(self, log: Path) -> subprocess.Popen[bytes]:
        """`worker.py` as a user runs it, in its own process, so its RSS and CPU are its own."""
        env = {**os.environ, **self.environment()}
        with open(log, "ab") as out:
            return subprocess.Popen(
                [sys.executable, str(ROOT / "worker.py")], env=env, stdout=out, stderr=out, cwd=ROOT
            )

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
        }

    def state(self) -> dict[str, Any]:
        return self.admin.state()


@asynccontextmanager
async def bench_world(
    stack: BenchStack,
    library: Library,
    *,
    daily_quota: int = PLENTY,
    quota_reset: str = "pacific-midnight",
    paced: bool = True,
    playlist_creates_per_window: int | None = 10,
) -> AsyncIterator[BenchWorld]:
    """A world whose emulator is freshly seeded with `library`; nothing imported yet.

    YouTube lets a channel make about 10 playlists a day: a bench that makes more in one
    window must say so (None: no limit), or its sync would meet the 429."""
    options = EmulatorOptions(
        daily_quota=daily_quota,
        quota_reset=QuotaReset.parse(quota_reset),
        seed=library.seed(),
    )
    data_dir = stack.scratch("world")
    with RunningEmulator(options) as emulator:
        emulator.admin.set_faults(playlist_creates_per_window=playlist_creates_per_window)
        secrets = data_dir / "client_secrets.json"
        secrets.write_text(json.dumps(emulator.admin.client_secrets()))
        await asyncio.to_thread(
            authorize, secrets, data_dir, open_browser=False, on_url=approve_in_background
        )
        database_url = await stack.fresh_database()
        settings = load_settings(
            DATABASE_URL=database_url,
            PLAYLIST_SYNC_DATA_DIR=str(data_dir),
            TEMPORAL_ADDRESS=stack.temporal.client.service_client.config.target_host,
            TEMPORAL_TASK_QUEUE=f"bench-{data_dir.name}",
            YOUTUBE_API_URL=emulator.url,
            YOUTUBE_DAILY_QUOTA=daily_quota,
            QUOTA_RESET=quota_reset,
            # The app keeps to the same allowance as the emulator (None: as many as asked).
            YOUTUBE_PLAYLIST_CREATES_PER_DAY=playlist_creates_per_window or len(library.categories),
        )
        pool = await create_pool(database_url, max_size=20)
        try:
            youtube = await youtube_client_from_settings(
                settings, pool, limiter=None if paced else RateLimiter(None)
            )
            yield BenchWorld(stack, emulator, settings, pool, youtube, paced)
        finally:
            await pool.close()
