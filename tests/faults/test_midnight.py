"""Midnight: a quotaExceeded answer that arrives after the reset belongs to the window the call
was charged to. Taken for the new window's, it would put the sync to sleep a whole window."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from playlist_sync.quota_windows import QuotaReset, next_quota_reset, window_start
from playlist_sync.reconcile.assignment import Strategy
from tests.faults.checks import assert_youtube_matches
from tests.faults.scenario import SMALL_CATEGORIES, SMALL_EXPECTED, SMALL_SEED
from tests.faults.untrustworthy import finished
from tests.sync.world import categorised_world

WINDOW = 12  # seconds: QUOTA_RESET=every:12s
EMULATOR_QUOTA = 1_500  # YouTube's budget per window; the app believes in 10,000
LATENCY_MS = 3_500  # the refusal's answer crosses the reset


@pytest.mark.timeout(90)
async def test_a_refusal_answered_after_the_reset_does_not_close_the_new_window(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    reset = QuotaReset(WINDOW)
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, SMALL_SEED, categories=SMALL_CATEGORIES,
        quota_reset=str(reset), emulator_quota=EMULATOR_QUOTA, strategy=Strategy.RECREATE,
    ) as world, world.worker():  # fmt: skip
        keep = await world.pool.fetchval(
            "SELECT youtube_playlist_id FROM playlists WHERE title = 'Keep me'"
        )
        # Early in a window W, spend YouTube's whole budget (the ledger still sees room).
        await asyncio.sleep(WINDOW - time.time() % WINDOW + 0.1)
        w = window_start(datetime.now(UTC), reset)
        for _ in range(EMULATOR_QUOTA // 50):
            await world.youtube.update_playlist(keep, "Keep me")
        # Then, just before W ends, a sync whose first call is refused in W and answered in W+1.
        await asyncio.sleep(max(0.0, WINDOW - time.time() % WINDOW - 2.5))
        world.admin.set_faults(latency_ms=LATENCY_MS)
        job_id, handle = await world.start()
        while True:
            refused = await world.pool.fetchval(
                "SELECT window_start FROM quota_events "
                "WHERE sync_job_id = $1 AND outcome LIKE 'QuotaExceeded%'",
                job_id,
            )
            if refused is not None:
                break
            await asyncio.sleep(0.02)
        world.admin.set_faults(latency_ms=0)
        result = await finished(handle, 40)

        assert result.stage == "completed"
        assert_youtube_matches(world, SMALL_EXPECTED)
        assert refused == w, "the refused call was not sent in W: the scenario proves nothing"
        closed = [row["window_start"] for row in await world.pool.fetch(
            "SELECT window_start FROM quota_windows WHERE exhausted_at IS NOT NULL"
        )]  # fmt: skip
        assert closed == [w]
        # It went on in W+1 at once, rather than sleeping through it.
        spent_in = {row["window_start"] for row in await world.pool.fetch(
            "SELECT DISTINCT window_start FROM quota_events WHERE sync_job_id = $1 AND units > 0",
            job_id,
        )}  # fmt: skip
        assert spent_in == {next_quota_reset(w, reset)}, spent_in
