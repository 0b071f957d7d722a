"""A restore bigger than the quota window sleeps until the reset, then goes on by itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from tests.restore.conftest import (
    SMALL_CATEGORIES,
    as_restored,
    available,
    backed_up,
    on_youtube,
    record_history,
    restore,
    run_sync,
)
from tests.sync.world import sync_world


async def test_restore_across_quota_windows(
    dev_server_env: WorkflowEnvironment,
    database_url: str,
    tmp_path: Path,
    small_seed: dict[str, Any],
) -> None:
    async with sync_world(
        seed=small_seed, client=dev_server_env.client, database_url=database_url,
        data_dir=tmp_path / "data", daily_quota=300, quota_reset="every:2s",
    ) as world:  # fmt: skip
        snapshot_id = await run_sync(world, SMALL_CATEGORIES, tmp_path)
        backup = await backed_up(world, snapshot_id)

        async with world.worker():
            restore_job_id, handle = await restore(world, snapshot_id, parallel_playlists=2)
            result = await handle.result()
            await record_history(handle, "in_place_quota_windows")

        assert result.stage == "completed"
        now = on_youtube(world)
        for title in ("Alpha", "Beta"):
            assert available(now[title]) == as_restored(backup[title])
        job = await world.pool.fetchrow("SELECT * FROM restore_jobs WHERE id = $1", restore_job_id)
        # Alpha in place (1 update, 5 removals), Beta made again (2 + 5 inserts): 13 writes,
        # 650 units, and a few reads: 5 writes fit in a window.
        assert job["results"]["itemsAdded"] == 5
        assert job["last_resumed_at"] is not None, "it never slept through a quota reset"
        assert job["pause_reason"] is None and job["next_resume_at"] is None
        windows = await world.pool.fetchval(
            "SELECT count(DISTINCT window_start) FROM quota_events WHERE restore_job_id = $1",
            restore_job_id,
        )
        assert windows >= 3
        assert await world.ledger_units() == world.emulator_units()
        writes = await world.pool.fetchval(
            "SELECT sum(units) FROM quota_events WHERE restore_job_id = $1 AND units = 50",
            restore_job_id,
        )
        assert writes == 650 and job["quota_used"] >= writes
