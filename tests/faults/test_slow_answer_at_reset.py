"""No window idles for one slow answer: a write whose answer is held past the quota reset holds
its own playlist, and the other playlists' batches go on at the reset."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from playlist_sync.reconcile.assignment import Strategy
from tests.faults.checks import assert_youtube_matches
from tests.faults.scenario import wait_for_work
from tests.faults.untrustworthy import finished
from tests.sync.world import categorised_world, library, record_history, videos

WINDOW = 5  # seconds: QUOTA_RESET=every:5s (a stall of a loaded machine is shorter)
BUDGET = 700  # units a window: about 13 writes and the reads
SLOW_MS = 11_000  # an answer held past two resets
CATEGORIES = 8
PER_CATEGORY = 10

SPLIT = [videos(f"s{n}", PER_CATEGORY) for n in range(CATEGORIES)]
SEED = library({f"Old {n}": items for n, items in enumerate(SPLIT)})
CATEGORIES_YAML = "categories:\n" + "".join(
    f"  - name: Topic {n}\n    from_playlists: [Old {n}]\n" for n in range(CATEGORIES)
)
EXPECTED = {f"Topic {n}": items for n, items in enumerate(SPLIT)}


async def test_a_slow_answer_holds_its_own_playlist_not_the_window(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, SEED, categories=CATEGORIES_YAML,
        daily_quota=BUDGET, quota_reset=f"every:{WINDOW}s", strategy=Strategy.RECREATE,
    ) as world:  # fmt: skip
        async with world.worker():
            await asyncio.sleep(WINDOW - time.time() % WINDOW + 0.05)
            job_id, handle = await world.start(lag_allowance_seconds=0.3)
            # Once the playlists are made, one item insert in fifteen is answered late, until
            # 60% of them are in: an answer still held at the end would hold the last playlist
            # with work, rightly, and the windows with it.
            await world.wait_for(job_id, "stage = 'add_videos'", within=WINDOW * 10)
            world.admin.set_faults(slow_write_rate=1 / 15, slow_write_ms=SLOW_MS, seed=3)
            await wait_for_work(world, job_id, CATEGORIES + CATEGORIES * PER_CATEGORY * 6 // 10)
            world.admin.set_faults(slow_write_rate=0.0)
            result = await finished(handle, WINDOW * 40)
            await record_history(handle, "slow_answer_at_reset")
        assert result.stage == "completed"
        assert_youtube_matches(world, EXPECTED)
        # Every window from the first write of add_videos to the last write has writes.
        starts = [
            row[0]
            for row in await world.pool.fetch(
                """SELECT DISTINCT window_start FROM quota_events
                   WHERE sync_job_id = $1 AND units = 50 AND operation = 'playlistItems.insert'
                   ORDER BY 1""",
                job_id,
            )
        ]
        spanned = (starts[-1] - starts[0]) // timedelta(seconds=WINDOW) + 1
        assert len(starts) == spanned, (len(starts), spanned)
