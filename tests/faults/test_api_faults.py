"""YouTube answering 5% errors, slowly, and losing 2% of its answers: no duplicates, little waste."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from playlist_sync.reconcile.assignment import Strategy
from tests.faults.checks import (
    NECESSARY_WRITES,
    assert_ledger_matches_youtube,
    assert_report_matches,
    assert_youtube_matches,
)
from tests.sync.conftest import CATEGORIES
from tests.sync.world import categorised_world

# The emulator's draws are seeded, and one playlist at a time makes the calls (so the draws)
# come in the same order every run: with this seed 5 writes fail with a 5xx and 4 writes'
# answers are lost, the advertised rates. (YouTube charges a write that failed with a 5xx: a
# seed drawing twice the errors would cost 10% more without any fault of the sync.)
SEED = int(os.environ.get("PLAYLIST_SYNC_FAULT_SEED", "223"))
WRITES = ("playlists.insert", "playlistItems.insert", "playlists.delete")


async def test_sync_through_errors_latency_and_lost_answers_ends_right_and_cheap(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, seed, categories=CATEGORIES, strategy=Strategy.RECREATE
    ) as world:  # fmt: skip
        world.admin.set_faults(error_rate=0.05, latency_ms=30, timeout_rate=0.02, seed=SEED)
        async with world.worker():
            job_id, handle = await world.start(parallel_playlists=1)  # see SEED
            result = await handle.result()
        calls = await world.pool.fetch(
            """SELECT operation = ANY($2::text[]) AS write, outcome, count(*) AS calls,
                      sum(units) AS units
               FROM quota_events WHERE sync_job_id = $1 GROUP BY 1, 2""",
            job_id,
            list(WRITES),
        )
        note = f"seed {SEED}: " + ", ".join(
            f"{'write' if c['write'] else 'read'} {c['outcome']}: {c['calls']}" for c in calls
        )
        assert result.stage == "completed", note
        # A write whose answer was lost happened once: the playlists hold no duplicate.
        assert_youtube_matches(world)
        await assert_ledger_matches_youtube(world)
        assert_report_matches(await world.job(job_id))
        # Nothing was written twice, and every unit beyond the necessary writes paid for a
        # failed call (which YouTube charges too) or for reading a playlist back.
        ok_writes = sum(c["calls"] for c in calls if c["write"] and c["outcome"] == "ok")
        assert ok_writes <= NECESSARY_WRITES, note
        # Reads: the backup (~6 pages), one account check per activity, each category's
        # playlist read back to verify it and each old one before its deletion, and the
        # read-backs after the errors (again after the lag allowance if they do not show yet).
        reads = sum(c["units"] for c in calls if not c["write"])
        assert reads <= 60, note
        spent = (await world.job(job_id))["quota_used_this_sync"]
        assert spent <= 1.10 * 50 * NECESSARY_WRITES, note
        # The faults did happen: writes failed, and writes' answers were lost on the way back
        # (outcome "Transient" with no status: the connection was reset, unanswered).
        failed_writes = {c["outcome"] for c in calls if c["write"] and c["outcome"] != "ok"}
        assert any("backendError" in outcome for outcome in failed_writes), note
        assert "Transient" in failed_writes, note


async def test_parallel_sync_through_the_same_faults_ends_right(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    """The default: several playlists filled at once, so which call meets which fault varies
    from run to run; whatever it meets, the end is the same."""
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, seed, categories=CATEGORIES, strategy=Strategy.RECREATE
    ) as world:  # fmt: skip
        world.admin.set_faults(error_rate=0.05, latency_ms=30, timeout_rate=0.02)
        async with world.worker():
            job_id, handle = await world.start()
            result = await handle.result()
        assert result.stage == "completed"
        assert_youtube_matches(world)
        await assert_ledger_matches_youtube(world)
        assert_report_matches(await world.job(job_id))
