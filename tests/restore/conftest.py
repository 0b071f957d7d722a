"""Restore tests: a real sync deletes playlists, then a restore brings them back.

The world is the sync tests' (emulator, real OAuth grant, fresh Postgres, dev server, worker);
these helpers add what a restore needs: a snapshot from a finished sync, and YouTube's
playlists in full (description and privacy, not just items).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowHandle

from playlist_sync.restore.models import RestoreJobRecord, RestorePlan
from playlist_sync.restore.payloads import RestoreOptions
from playlist_sync.restore.planning import plan_restore
from playlist_sync.starters.restore import start_restore
from tests.sync.conftest import DELETED, DINNERS, GUITAR, KEEP, PRIVATE, RECIPES
from tests.sync.world import SyncWorld, library, videos

UNAVAILABLE = {DELETED, PRIVATE}

# The sync tests' library, with descriptions and privacy a restore must bring back as they were.
SNIPPETS = {
    "Recipes": ("All my recipes, tried and true", "public"),
    "Dinners": ("Weeknight dinners", "unlisted"),
    "Guitar": ("", "private"),
    "Misc": ("odds & ends (mixed)", "unlisted"),
}

# A small library for the tests that are about how, not how much.
ALPHA, BETA = videos("alp", 6), videos("bet", 5)
SMALL_CATEGORIES = """
categories:
  - name: Everything
    from_playlists: [Alpha, Beta]
keep_playlists: [Gamma]
"""


@pytest.fixture
def seed() -> dict[str, Any]:
    return with_snippets(
        library(
            {
                "Recipes": RECIPES,
                "Dinners": DINNERS,
                "Guitar": GUITAR,
                "Keep me": KEEP,
                "Misc": RECIPES[:3] + GUITAR[:3],
            },
            deleted=(DELETED,),
            private=(PRIVATE,),
        ),
        SNIPPETS,
    )


@pytest.fixture
def small_seed() -> dict[str, Any]:
    return with_snippets(
        library(
            {"Alpha": ALPHA, "Beta": BETA, "Gamma": videos("gam", 2)},
            deleted=(ALPHA[2],),
        ),
        {"Alpha": ("first & best", "public"), "Beta": ("second", "unlisted")},
    )


def with_snippets(seed: dict[str, Any], snippets: dict[str, tuple[str, str]]) -> dict[str, Any]:
    for playlist in seed["playlists"]:
        if playlist["title"] in snippets:
            playlist["description"], playlist["privacyStatus"] = snippets[playlist["title"]]
    return seed


async def run_sync(world: SyncWorld, categories: str, tmp_path: Path) -> int:
    """Import, apply the categories and sync to the end; the sync's backup snapshot id."""
    await world.import_library()
    await world.apply(categories, tmp_path)
    async with world.worker():
        _, handle = await world.start()
        result = await handle.result()
    assert result.stage == "completed"
    assert result.backup_snapshot_id is not None
    return result.backup_snapshot_id


async def plan(world: SyncWorld, snapshot_id: int, *, keep_new: bool = False) -> RestorePlan:
    return await plan_restore(
        world.youtube,
        world.pool,
        snapshot_id,
        daily_quota=world.settings.youtube_daily_quota,
        reset=world.settings.quota_reset,
        keep_new=keep_new,
    )


async def restore(
    world: SyncWorld, snapshot_id: int, *, keep_new: bool = False, **options: float
) -> tuple[int, WorkflowHandle[Any, RestoreJobRecord]]:
    return await start_restore(
        world.client,
        world.pool,
        world.settings,
        await plan(world, snapshot_id, keep_new=keep_new),
        options=RestoreOptions(**options),
    )


async def backed_up(world: SyncWorld, snapshot_id: int) -> dict[str, dict[str, Any]]:
    """The snapshot's playlists by title."""
    playlists = await world.pool.fetchval(
        "SELECT playlists FROM backup_snapshots WHERE id = $1", snapshot_id
    )
    return {playlist["title"]: playlist for playlist in playlists}


def on_youtube(world: SyncWorld) -> dict[str, dict[str, Any]]:
    """YouTube's (the emulator's) playlists by title: id, description, privacy, video ids."""
    found: dict[str, dict[str, Any]] = {}
    for playlist in world.admin.state()["playlists"]:
        assert playlist["title"] not in found, f"two playlists titled {playlist['title']!r}"
        items = sorted(playlist["items"], key=lambda item: item["position"])
        found[playlist["title"]] = {
            "id": playlist["id"],
            "description": playlist["description"],
            "privacyStatus": playlist["privacyStatus"],
            "items": [item["videoId"] for item in items],
        }
    return found


def as_restored(backup: dict[str, Any]) -> dict[str, Any]:
    """What YouTube must hold for a restored playlist: as backed up, less unavailable videos."""
    return {
        "description": backup["description"],
        "privacyStatus": backup["privacyStatus"],
        "items": [v for v in backup["items"] if v not in UNAVAILABLE | {ALPHA[2]}],
    }


def available(playlist: dict[str, Any]) -> dict[str, Any]:
    """A playlist on YouTube as `as_restored` describes it: snippet and available videos."""
    return {
        "description": playlist["description"],
        "privacyStatus": playlist["privacyStatus"],
        "items": [v for v in playlist["items"] if v not in UNAVAILABLE | {ALPHA[2]}],
    }


async def wait_for_restore(
    world: SyncWorld, restore_job_id: int, condition: str, within: float = 30
) -> Any:
    """Poll the mirror until `condition` (SQL over restore_jobs) holds."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        row = await world.pool.fetchrow(
            f"SELECT * FROM restore_jobs WHERE id = $1 AND ({condition})", restore_job_id
        )
        if row is not None:
            return row
        if asyncio.get_running_loop().time() > deadline:
            now = await world.pool.fetchrow(
                "SELECT * FROM restore_jobs WHERE id = $1", restore_job_id
            )
            raise AssertionError(f"restore {restore_job_id} never reached: {condition}; {now}")
        await asyncio.sleep(0.1)


HISTORIES = Path(__file__).parent / "histories"


async def record_history(handle: WorkflowHandle, name: str) -> None:
    """With PLAYLIST_SYNC_RECORD_HISTORIES=1, save the run's history for the replay test (as the
    sync's tests do; re-record only for a change meant to be incompatible, then version it)."""
    if os.environ.get("PLAYLIST_SYNC_RECORD_HISTORIES") == "1":
        HISTORIES.mkdir(exist_ok=True)
        history = await handle.fetch_history()
        (HISTORIES / f"{name}.json").write_text(history.to_json())
