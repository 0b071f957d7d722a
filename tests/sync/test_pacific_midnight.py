"""The real quota timer: a sync out of quota sleeps until midnight Pacific and carries on.

Runs on the time-skipping test server, so days pass in seconds.
"""

from __future__ import annotations

import itertools
from datetime import time
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from playlist_sync.quota_windows import PACIFIC
from playlist_sync.reconcile.assignment import Strategy
from tests.sync.conftest import CATEGORIES, EXPECTED
from tests.sync.world import categorised_world

# The windows the sync charged, and each one's units from every caller.
_SYNC_WINDOWS = """
SELECT w.window_start, w.units_used FROM quota_windows w
WHERE w.window_start IN (SELECT window_start FROM quota_events WHERE sync_job_id = $1)
ORDER BY w.window_start
"""


async def test_sync_sleeps_until_pacific_midnight_between_windows(
    time_skipping_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with categorised_world(
        time_skipping_env.client,
        database_url,
        tmp_path,
        seed=seed,
        categories=CATEGORIES,
        daily_quota=1500,
        # YouTube's own clock does not skip: give it room, the ledger is what runs out.
        emulator_quota=10_000_000,
    ) as world:
        async with world.worker():
            job_id, handle = await world.start(Strategy.RECREATE)
            result = await handle.result()

        assert result.stage == "completed"
        assert world.playlists_by_title() == EXPECTED
        # The sync's own calls: the import before it charged the machine's clock, which this
        # session's skipped timers (other tests share the server) may have left days behind.
        windows = await world.pool.fetch(_SYNC_WINDOWS, job_id)
        assert len(windows) >= 3  # 4,400+ units at 1,500 a day
        for window in windows:
            assert window["window_start"].astimezone(PACIFIC).time() == time(0)
            assert window["units_used"] <= 1500
        days = [w["window_start"].astimezone(PACIFIC).date() for w in windows]
        assert all((b - a).days == 1 for a, b in itertools.pairwise(days)), days
        job = await world.job(job_id)
        resumed = job["last_resumed_at"].astimezone(PACIFIC)
        assert resumed.time() < time(0, 1), f"resumed at {resumed}, not at the reset"
