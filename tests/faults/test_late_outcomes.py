"""A batch's answer that reaches the workflow late must not roll its report back.

Each add_videos batch reports the whole job's counts, read from Postgres when the batch ends.
Two playlists fill at once, so the batch that read its counts first can be delivered last:
its completion was held up (the worker retries it while Temporal is restarting, see
test_service_restarts) or the other batch simply landed first. The counts only ever grow, so
the older snapshot must not replace the newer one in the report (`status`, the result).
"""

from __future__ import annotations

import asyncio
import itertools

from temporalio import activity
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from playlist_sync.models import StageCounts
from playlist_sync.sync.payloads import (
    AdditionPlan,
    AddVideosRequest,
    BackupOutcome,
    JobMirror,
    StageRequest,
    StepOutcome,
    SyncInput,
    SyncProgress,
)
from playlist_sync.sync.sync_plan import SyncPlan
from workflows.sync_workflow import PlaylistSyncWorkflow

_runs = itertools.count()


class LateFirstBatch:
    """Activities that play two playlists filled at once: category 1 read the job's counts
    (50 added) before category 2 (81 added, the end) but its answer arrives after."""

    def __init__(self) -> None:
        self.mirrored: list[JobMirror] = []

    @activity.defn(name="mirror_sync_job")
    async def mirror(self, mirror: JobMirror) -> int:
        self.mirrored.append(mirror)
        return 0

    @activity.defn(name="back_up_playlists")
    async def back_up(self, request: StageRequest) -> BackupOutcome:
        return BackupOutcome(snapshot_id=1, playlist_count=2, video_count=81)

    @activity.defn(name="plan_sync")
    async def plan_sync(self, request: StageRequest) -> SyncPlan:
        return SyncPlan(creates=2, adoptions=0, updates=0)

    @activity.defn(name="create_category_playlists")
    async def create(self, request: StageRequest) -> StepOutcome:
        return StepOutcome(done=2)

    @activity.defn(name="plan_video_additions")
    async def plan(self, request: StageRequest) -> AdditionPlan:
        return AdditionPlan(category_ids=[1, 2], total=81, finished=0, skipped=0)

    @activity.defn(name="add_videos_to_playlist")
    async def add(self, request: AddVideosRequest) -> StepOutcome:
        if request.category_id == 1:
            await asyncio.sleep(1)  # held up on its way back
            return StepOutcome(done=50, job_totals=StageCounts(succeeded=50))
        return StepOutcome(done=31, job_totals=StageCounts(succeeded=81))

    @activity.defn(name="delete_old_playlists")
    async def delete(self, request: StageRequest) -> StepOutcome:
        return StepOutcome()

    @activity.defn(name="quota_remaining")
    async def quota_remaining(self, request: StageRequest) -> int:
        return 10_000


async def test_a_batch_answer_delivered_late_does_not_roll_the_report_back(
    dev_server_env: WorkflowEnvironment,
) -> None:
    played = LateFirstBatch()
    queue = f"late-outcomes-{next(_runs)}"
    async with Worker(
        dev_server_env.client,
        task_queue=queue,
        workflows=[PlaylistSyncWorkflow],
        activities=[
            played.mirror, played.back_up, played.plan_sync, played.create, played.plan, played.add,
            played.delete, played.quota_remaining,
        ],
    ):  # fmt: skip
        result = await dev_server_env.client.execute_workflow(
            "PlaylistSync",
            SyncInput(job_id=424242),
            id=f"{queue}-{id(played)}",
            task_queue=queue,
            result_type=SyncProgress,
        )
    assert result.stage == "completed"
    assert result.stage_results.add_videos == StageCounts(succeeded=81)
    last_in_add_videos = [m for m in played.mirrored if m.results.add_videos is not None][-1]
    assert last_in_add_videos.results.add_videos == StageCounts(succeeded=81)
