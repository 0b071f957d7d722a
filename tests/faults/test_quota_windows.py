"""The quota runs out in every stage, window after window: the sync sleeps, says so, and goes on."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

import asyncpg
from temporalio.testing import WorkflowEnvironment

from playlist_sync.reconcile.assignment import Strategy
from tests.faults.checks import assert_ledger_matches_youtube, assert_youtube_matches
from tests.faults.scenario import (
    SMALL_CATEGORIES,
    SMALL_EXPECTED,
    SMALL_SEED,
    SMALL_WRITES,
)
from tests.sync.world import categorised_world

WINDOW = 2  # seconds: QUOTA_RESET=every:2s
# Three writes and some reads per window: shorter than making (4) or deleting (4) playlists.
BUDGET = 170


async def watch_mirror(pool: asyncpg.Pool, job_id: int, seen: list[asyncpg.Record]) -> None:
    """What `starter.py status` would have shown, every 50 ms."""
    while True:
        seen.append(
            await pool.fetchrow(
                "SELECT stage, pause_reason, next_resume_at, now() AS at FROM sync_jobs "
                "WHERE id = $1",
                job_id,
            )
        )
        await asyncio.sleep(0.05)


async def test_quota_exhausted_in_every_stage_sleeps_and_resumes_by_itself(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, SMALL_SEED, categories=SMALL_CATEGORIES,
        daily_quota=BUDGET, quota_reset=f"every:{WINDOW}s", strategy=Strategy.RECREATE,
    ) as world, world.worker():  # fmt: skip
        keep = await world.pool.fetchval(
            "SELECT youtube_playlist_id FROM playlists WHERE title = 'Keep me'"
        )
        # Fresh window, then leave 3 units in it: the backup (6 reads) is cut short too.
        await asyncio.sleep(WINDOW - time.time() % WINDOW + 0.05)
        for _ in range(3):
            await world.youtube.update_playlist(keep, "Keep me")  # changes nothing, costs 50
        while await world.youtube.ledger.remaining() > 3:
            await world.youtube.find_playlist(keep)
        job_id, handle = await world.start()
        seen: list[asyncpg.Record] = []
        watcher = asyncio.create_task(watch_mirror(world.pool, job_id, seen))
        try:
            result = await handle.result()
        finally:
            watcher.cancel()
        assert result.stage == "completed"
        assert_youtube_matches(world, SMALL_EXPECTED)
        await assert_ledger_matches_youtube(world)

        # Each stage met an exhausted window and went on in a later one.
        windows = dict(
            await world.pool.fetch(
                """SELECT operation, count(DISTINCT window_start) FROM quota_events
                   WHERE sync_job_id = $1 AND units > 0 GROUP BY operation""",
                job_id,
            )
        )
        assert windows["playlists.list"] >= 2, windows  # backup (nothing else lists them)
        assert windows["playlists.insert"] >= 2, windows
        assert windows["playlistItems.insert"] >= 3, windows
        assert windows["playlists.delete"] >= 2, windows

        # While asleep the mirror said so, with the reset it waited for...
        asleep = [r for r in seen if r["pause_reason"] == "quota_exhausted"]
        assert all(r["stage"] == "paused" for r in asleep)
        resumes = {r["next_resume_at"] for r in asleep}
        assert len(resumes) >= SMALL_WRITES * 50 // BUDGET, resumes
        for resume in resumes:
            assert resume.timestamp() % WINDOW == 0  # a window boundary
        # ...and stopped saying so within a second of that time.
        late = [r for r in asleep if r["at"] > r["next_resume_at"] + timedelta(seconds=1)]
        assert not late, late
        job = await world.job(job_id)
        assert job["pause_reason"] is None and job["next_resume_at"] is None
        assert job["last_resumed_at"] is not None
