"""The guard on deletions (`sync --max-delete PCT`, and every scheduled run): a plan that deletes
more than PCT percent of the playlists waits, paused with `needs_approval` before it reads or
writes anything, until `resume` approves it or `cancel` drops it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.testing import WorkflowEnvironment

from playlist_sync.starters.sync import start_sync
from playlist_sync.sync.payloads import SyncOptions, SyncProgress
from tests.sync.world import (
    TEST_LAG_ALLOWANCE_SECONDS,
    SyncWorld,
    categorised_world,
    library,
    record_history,
    videos,
    writes_made,
)

# Six playlists: the sync adopts two for the categories, keeps one and deletes three (50%).
SEED = library(
    {
        "Recipes": videos("rcp", 8),
        "Guitar": videos("gtr", 8),
        "Watch later": videos("wtl", 3),
        "Dinners": videos("din", 4),
        "Old A": videos("old", 2),
        "Old B": videos("olb", 2),
    }
)
CATEGORIES = """
categories:
  - name: Recipes
    from_playlists: [Recipes, Dinners]
  - name: Guitar
    from_playlists: [Guitar]
keep_playlists: [Watch later]
"""


async def start_guarded(world: SyncWorld, max_delete: int) -> tuple[int, Any]:
    return await start_sync(
        world.client,
        world.pool,
        world.settings,
        options=SyncOptions(lag_allowance_seconds=TEST_LAG_ALLOWANCE_SECONDS),
        max_delete=max_delete,
    )


async def test_a_plan_past_the_guard_waits_for_approval_and_resume_lets_it_write(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, SEED, categories=CATEGORIES
    ) as world:
        before = world.playlists_by_title()
        requests = world.admin.state()["requests"]
        async with world.worker():
            job_id, handle = await start_guarded(world, max_delete=40)
            paused = await world.wait_for(job_id, "pause_reason = 'needs_approval'")
            assert paused["stage"] == "paused" and paused["backup_snapshot_id"] is None
            state = await handle.query("progress", result_type=SyncProgress)
            assert state.pause_reason == "needs_approval"
            assert "deletes 3 of 6 playlists (50%)" in state.errors[-1].message
            metadata = await handle.query(
                "__temporal_workflow_metadata", result_type=WorkflowMetadata
            )
            assert "waiting for approval" in metadata.current_details
            assert "deletes 3 of 6 playlists" in metadata.current_details
            await asyncio.sleep(1.0)  # a window for a call that should not come
            assert world.admin.state()["requests"] == requests, "YouTube was called before approval"
            assert world.playlists_by_title() == before

            approved = await handle.execute_update("resume", result_type=SyncProgress)
            assert approved.pause_reason is None
            result = await handle.result()
        await record_history(handle, "needs_approval_resume")
        assert result.stage == "completed"
        after = world.playlists_by_title()
        assert set(after) == {"Recipes", "Guitar", "Watch later"}
        assert after["Recipes"] == videos("rcp", 8) + videos("din", 4)


async def test_cancel_drops_a_plan_that_waits_for_approval(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, SEED, categories=CATEGORIES
    ) as world:
        before = world.playlists_by_title()
        async with world.worker():
            job_id, handle = await start_guarded(world, max_delete=0)
            await world.wait_for(job_id, "pause_reason = 'needs_approval'")
            ended = await handle.execute_update("cancel", result_type=SyncProgress)
        await record_history(handle, "needs_approval_cancel")
        assert ended.stage == "failed"
        assert world.playlists_by_title() == before
        assert await writes_made(world.pool, job_id) == 0


async def test_a_plan_within_the_guard_runs_without_waiting(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, SEED, categories=CATEGORIES
    ) as world:
        async with world.worker():
            _, handle = await start_guarded(world, max_delete=50)
            result = await handle.result()
        assert result.stage == "completed" and result.errors == []
        assert set(world.playlists_by_title()) == {"Recipes", "Guitar", "Watch later"}
