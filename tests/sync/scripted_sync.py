"""The sync's activities, scripted: the real PlaylistSync workflow on a real Temporal server,
with activities that answer what a test says and hold the Postgres mirror until the test lets
it go. For the write gate's races: a signal must be able to land while a mirror is in flight,
at a point the test chooses, every time."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio import activity
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

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

_ids = itertools.count(1)
# Long enough to be "never" within a test: a sync still asleep at the end has lost a resume.
QUOTA_RESET_FAR_AWAY = timedelta(hours=6)


@dataclass
class HeldMirror:
    mirror: JobMirror
    released: asyncio.Event = field(default_factory=asyncio.Event)

    def release(self) -> None:
        self.released.set()


class ScriptedSync:
    """Backups answer from `backups` in turn (then succeed); `quota_left` answers the gate's
    quota checks in turn (then the last one). Every mirror waits in `mirrors` until released,
    or passes at once after `release_all()`."""

    def __init__(
        self,
        backups: list[str],
        quota_left: list[int] | None = None,
        additions: dict[int, list[str]] | None = None,
    ) -> None:
        self.backups = list(backups)
        # Per category: "auth" fails on a dead grant, "held auth" too once the test releases
        # `addition_held`, "held" adds one once it releases it, "quota" meets a spent window,
        # then (or with no script) the category's videos are all added.
        self.additions = {category: list(script) for category, script in (additions or {}).items()}
        self.addition_held = asyncio.Event()
        # Set once a held batch is in flight.
        self.addition_in_flight = asyncio.Event()
        self.quota_left = list(quota_left or [10_000])
        self.mirrors: asyncio.Queue[HeldMirror] = asyncio.Queue()
        self.quota_checks: asyncio.Queue[HeldMirror] = asyncio.Queue()
        self.hold_quota_checks = False
        self.log: list[str] = []
        self._holding = True
        self._held: list[HeldMirror] = []

    def release_all(self) -> None:
        self._holding = False
        for held in self._held:
            held.release()

    async def held_mirror(self, matching: Callable[[JobMirror], bool]) -> HeldMirror:
        """Release mirrors until one matches; that one stays held."""
        while True:
            held = await asyncio.wait_for(self.mirrors.get(), timeout=20)
            if matching(held.mirror):
                return held
            held.release()

    @activity.defn(name="mirror_sync_job")
    async def mirror_sync_job(self, mirror: JobMirror) -> int:
        self.log.append(f"mirror {mirror.stage.value} {mirror.pause_reason}")
        if self._holding:
            held = HeldMirror(mirror)
            self._held.append(held)
            await self.mirrors.put(held)
            await held.released.wait()
        return 0

    @activity.defn(name="back_up_playlists")
    async def back_up_playlists(self, request: StageRequest) -> BackupOutcome:
        script = self.backups.pop(0) if self.backups else "ok"
        self.log.append(f"backup {script}")
        if script == "auth":
            raise ApplicationError("run `starter.py auth` again", type="AuthRequired")
        if script == "quota":
            return BackupOutcome(
                quota_exhausted=True, next_reset=request.now + QUOTA_RESET_FAR_AWAY
            )
        return BackupOutcome(snapshot_id=1)

    @activity.defn(name="plan_sync")
    async def plan_sync(self, request: StageRequest) -> SyncPlan:
        return SyncPlan(creates=0, adoptions=0, updates=0)

    @activity.defn(name="create_category_playlists")
    async def create_category_playlists(self, request: StageRequest) -> StepOutcome:
        return StepOutcome()

    @activity.defn(name="plan_video_additions")
    async def plan_video_additions(self, request: StageRequest) -> AdditionPlan:
        categories = sorted(self.additions)
        return AdditionPlan(category_ids=categories, total=len(categories), finished=0, skipped=0)

    @activity.defn(name="add_videos_to_playlist")
    async def add_videos_to_playlist(self, request: AddVideosRequest) -> StepOutcome:
        script = self.additions.get(request.category_id) or ["ok"]
        step = script.pop(0) if len(script) > 1 else script[0]
        self.log.append(f"add {request.category_id} {step}")
        if step in ("held", "held auth"):
            self.addition_in_flight.set()
            await self.addition_held.wait()
        if step in ("auth", "held auth"):
            raise ApplicationError("run `starter.py auth` again", type="AuthRequired")
        if step == "quota":
            return StepOutcome(
                remaining=1, quota_exhausted=True, next_reset=request.now + QUOTA_RESET_FAR_AWAY
            )
        # A held batch adds one video of several: the category's next batch adds the rest.
        return StepOutcome(done=1, remaining=1 if step == "held" else 0)

    @activity.defn(name="delete_old_playlists")
    async def delete_old_playlists(self, request: StageRequest) -> StepOutcome:
        return StepOutcome()

    @activity.defn(name="quota_remaining")
    async def quota_remaining(self, request: StageRequest) -> int:
        left = self.quota_left.pop(0) if len(self.quota_left) > 1 else self.quota_left[0]
        self.log.append(f"quota check {left}")
        if self.hold_quota_checks:
            held = HeldMirror(JobMirror.model_construct())
            await self.quota_checks.put(held)
            await held.released.wait()
        return left

    def all(self) -> list[Callable[..., Any]]:
        return [
            self.mirror_sync_job,
            self.back_up_playlists,
            self.plan_sync,
            self.create_category_playlists,
            self.plan_video_additions,
            self.add_videos_to_playlist,
            self.delete_old_playlists,
            self.quota_remaining,
        ]


@asynccontextmanager
async def scripted_sync(
    client: Client, activities: ScriptedSync
) -> AsyncIterator[WorkflowHandle[Any, SyncProgress]]:
    """A PlaylistSync run by a worker of its own, on the scripted activities."""
    queue = f"scripted-sync-{datetime.now(UTC):%H%M%S%f}-{next(_ids)}"
    async with Worker(
        client, task_queue=queue, workflows=[PlaylistSyncWorkflow], activities=activities.all()
    ):
        handle = await client.start_workflow(
            PlaylistSyncWorkflow.run,
            SyncInput(job_id=900_000 + next(_ids)),
            id=f"scripted-sync-{queue}",
            task_queue=queue,
        )
        try:
            yield handle
        finally:
            activities.release_all()


async def signal_and_wait_until_handled(handle: WorkflowHandle[Any, Any], name: str) -> None:
    """Send a signal, then wait until a workflow task after it has completed: its handler has
    run (the activity the test holds is still in flight meanwhile)."""
    await handle.signal(name)
    while True:
        handled = False
        async for event in handle.fetch_history_events():
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
                handled = False  # the newest signal is ours
            elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
                handled = True
        if handled:
            return
        await asyncio.sleep(0.05)
