"""Worker Versioning: a sync started on one build of the worker is upgraded mid-sync to the
next (made current in its Worker Deployment) and ends right. The workflows auto-upgrade (the
reason is in sync_workflow.py), so a running sync moves to the new build at its next task."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from temporalio.api.enums.v1 import EventType, VersioningBehavior
from temporalio.api.workflowservice.v1 import SetWorkerDeploymentCurrentVersionRequest
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from playlist_sync.models import SyncStage
from playlist_sync.sync.payloads import SyncProgress
from tests.sync.conftest import CATEGORIES, EXPECTED
from tests.sync.world import SyncWorld, categorised_world


async def make_current(world: SyncWorld, build_id: str) -> None:
    """Make `build_id` the current version of the world's deployment. The server registers a
    version once its worker has polled, a moment after the worker started: until then it
    refuses, and this asks again."""
    request = SetWorkerDeploymentCurrentVersionRequest(
        namespace=world.client.namespace,
        deployment_name=world.deployment,
        build_id=build_id,
        identity="test_worker_upgrade",
    )
    deadline = asyncio.get_running_loop().time() + 30
    while True:
        try:
            await world.client.workflow_service.set_worker_deployment_current_version(request)
            return
        except RPCError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.2)


async def task_build_ids(handle: WorkflowHandle[Any, Any]) -> list[str]:
    """The build id of the worker that completed each workflow task, in order."""
    ids = []
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            ids.append(event.workflow_task_completed_event_attributes.deployment_version.build_id)
    return ids


async def test_a_sync_started_on_one_version_is_upgraded_mid_sync_and_ends_right(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with (
        categorised_world(
            dev_server_env.client, database_url, tmp_path, seed, categories=CATEGORIES
        ) as world,
        AsyncExitStack() as next_version,
    ):
        # Slow enough that the pause below lands long before the sync could end.
        world.admin.set_faults(latency_ms=200)
        async with world.worker(build_id="v1"):
            await make_current(world, "v1")
            job_id, handle = await world.start()
            await world.wait_for(job_id, "stage = 'add_videos' AND current_stage_progress >= 3")
            # Held between two batches, so the upgrade happens mid-sync whatever the machine's
            # speed: the pause answers once the writes in flight have landed.
            paused = await handle.execute_update("pause", result_type=SyncProgress)
            assert paused.stage == SyncStage.PAUSED, paused
            described = await handle.describe()
            versioning = described.raw_description.workflow_execution_info.versioning_info
            assert versioning.behavior == VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE
            await next_version.enter_async_context(world.worker(build_id="v2"))
            await make_current(world, "v2")
        # v1 is gone: only v2 can finish the sync.
        world.admin.set_faults(latency_ms=0)
        await handle.execute_update("resume", result_type=SyncProgress)
        result = await handle.result()
        builds = await task_build_ids(handle)
        assert world.playlists_by_title() == EXPECTED
    assert result.stage == "completed"
    assert builds[0] == "v1" and builds[-1] == "v2", builds
    assert builds == sorted(builds), builds  # never back to v1 once upgraded
