"""A sync whose quota runs out several times ends with YouTube exactly matching the categories."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from tests.sync.conftest import CATEGORIES, DELETED, EXPECTED, PRIVATE
from tests.sync.world import categorised_world, record_history


async def test_sync_across_quota_windows_matches_categories(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with categorised_world(
        dev_server_env.client,
        database_url,
        tmp_path,
        seed=seed,
        categories=CATEGORIES,
        daily_quota=1500,
        quota_reset="every:3s",
    ) as world:
        async with world.worker():
            job_id, handle = await world.start()
            result = await handle.result()
        await record_history(handle, "quota_windows")

        assert result.stage == "completed"
        assert world.playlists_by_title() == EXPECTED

        job = await world.job(job_id)
        assert job["stage"] == "completed" and job["completed_at"] is not None
        assert job["pause_reason"] is None
        # It ran out of quota and came back by itself at least twice (4,400+ units / 1,500).
        assert job["last_resumed_at"] is not None
        windows = await world.pool.fetchval(
            "SELECT count(*) FROM quota_windows WHERE units_used > 0"
        )
        assert windows >= 3
        added = sum(len(v) for title, v in EXPECTED.items() if title != "Keep me")
        results = job["stage_results"]
        assert results["add_videos"] == {"succeeded": added, "failed": 0, "skipped": 2}
        assert results["create_playlists"]["succeeded"] == 3
        assert results["delete_playlists"]["succeeded"] == 4
        skipped = {e["entityId"] for e in job["errors"] if e["stage"] == "add_videos"}
        assert skipped == {DELETED, PRIVATE}

        ops = await world.pool.fetch(
            "SELECT status, count(*) FROM sync_video_operations WHERE sync_job_id = $1 GROUP BY 1",
            job_id,
        )
        assert dict(ops) == {"completed": added, "skipped": 2}
        gone = await world.pool.fetch(
            "SELECT title FROM playlists WHERE deleted_from_youtube_at IS NOT NULL ORDER BY 1"
        )
        assert [r["title"] for r in gone] == ["Dinners", "Guitar", "Misc", "Recipes"]

        # Every unit YouTube counted is in the ledger, and the job's share is mirrored.
        assert await world.ledger_units() == world.emulator_units()
        assert job["quota_used_this_sync"] == await world.pool.fetchval(
            "SELECT sum(units) FROM quota_events WHERE sync_job_id = $1", job_id
        )
        necessary = 50 * (3 + added + 4)
        assert necessary <= job["quota_used_this_sync"] <= necessary * 1.03
