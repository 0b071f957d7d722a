"""A sync whose quota runs out several times ends with YouTube exactly matching the categories,
having made exactly the writes its preview showed, with either strategy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from playlist_sync.models import SyncPreview
from playlist_sync.reconcile.assignment import Strategy
from tests.sync.conftest import CATEGORIES, DELETED, EXPECTED, PRIVATE
from tests.sync.world import categorised_world, record_history, writes_made


# The quota of a window is a few dozen writes of each plan, so that both sleep through resets.
@pytest.mark.parametrize(("strategy", "daily_quota"), [("recreate", 1500), ("reuse", 600)])
async def test_sync_across_quota_windows_matches_categories(
    dev_server_env: WorkflowEnvironment,
    database_url: str,
    tmp_path: Path,
    seed: dict[str, Any],
    strategy: str,
    daily_quota: int,
) -> None:
    async with categorised_world(
        dev_server_env.client,
        database_url,
        tmp_path,
        seed=seed,
        categories=CATEGORIES,
        daily_quota=daily_quota,
        quota_reset="every:3s",
    ) as world:
        async with world.worker():
            job_id, handle = await world.start(Strategy(strategy))
            result = await handle.result()
        if strategy == "recreate":
            await record_history(handle, "quota_windows")

        assert result.stage == "completed"
        assert world.playlists_by_title() == EXPECTED

        job = await world.job(job_id)
        preview = SyncPreview.model_validate(job["preview_data"])
        assert job["stage"] == "completed" and job["completed_at"] is not None
        assert job["pause_reason"] is None
        # It ran out of quota and came back by itself, more than once.
        assert job["last_resumed_at"] is not None
        windows = await world.pool.fetchval(
            "SELECT count(*) FROM quota_windows WHERE units_used > 0"
        )
        assert windows >= 3
        # The writes the preview showed, not one more.
        assert 50 * await writes_made(world.pool, job_id) == preview.total_quota_cost
        skipped = {e["entityId"] for e in job["errors"] if e["stage"] == "add_videos"}
        # reuse: Guitar & Bass adopts Guitar, whose item of the private video stays.
        assert skipped == ({DELETED} if strategy == "reuse" else {DELETED, PRIVATE})
        planned = preview.stages
        edits = planned.add_videos.count + planned.move_videos.count + planned.remove_videos.count
        results = job["stage_results"]
        assert results["add_videos"] == {"succeeded": edits, "failed": 0, "skipped": len(skipped)}
        assert results["create_playlists"]["succeeded"] == (
            planned.create_playlists.count + planned.adopt_playlists.count
        )
        assert results["delete_playlists"]["succeeded"] == planned.delete_playlists.count

        ops = await world.pool.fetch(
            "SELECT status, count(*) FROM sync_video_operations WHERE sync_job_id = $1 GROUP BY 1",
            job_id,
        )
        assert dict(ops) == {"completed": edits, "skipped": len(skipped)}
        gone = await world.pool.fetch(
            "SELECT title FROM playlists WHERE deleted_from_youtube_at IS NOT NULL ORDER BY 1"
        )
        assert [r["title"] for r in gone] == sorted(
            p.playlist_name for p in planned.delete_playlists.items
        )

        # Every unit YouTube counted is in the ledger, and the job's share is mirrored.
        assert await world.ledger_units() == world.emulator_units()
        assert job["quota_used_this_sync"] == await world.pool.fetchval(
            "SELECT sum(units) FROM quota_events WHERE sync_job_id = $1", job_id
        )
