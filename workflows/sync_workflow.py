"""The sync as one durable workflow: backup -> create_playlists -> add_videos -> delete_playlists.

It runs for days: when the quota window is spent it sleeps on a durable timer until the next
reset, and it pauses, resumes and cancels on signals. It carries only ids and counts; the
videos and their outcomes live in Postgres, which the activities read and write.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.sync_activities import SyncActivities
    from playlist_sync.models import (
        AddVideosResult,
        BackupResult,
        CreatePlaylistsResult,
        DeletePlaylistsResult,
        PauseReason,
        SyncError,
        SyncStage,
    )
    from playlist_sync.sync.payloads import (
        RECENT_ERRORS_KEPT,
        AdditionPlan,
        AddVideosRequest,
        BackupOutcome,
        JobMirror,
        StageRequest,
        StepOutcome,
        SyncInput,
        SyncProgress,
        SyncState,
    )
    from playlist_sync.temporal_client import SYNC_STAGE

# Failures the sync cannot get past by retrying: only the user can fix them.
NEEDS_USER = ["AuthRequired"]

_STEP_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=30),
    non_retryable_error_types=NEEDS_USER,
)


@workflow.defn(name="PlaylistSync")
class PlaylistSyncWorkflow:
    @workflow.init
    def __init__(self, input: SyncInput) -> None:
        self._job_id = input.job_id
        self._options = input.options
        self._state = input.carried or SyncState(started_at=workflow.now())
        self._resume_requested = False
        self._mirror_lock = asyncio.Lock()
        self._stage_attribute: SyncStage | None = None
        self._unmirrored_errors: list[SyncError] = []

    # -- the business process -------------------------------------------------------------

    @workflow.run
    async def run(self, input: SyncInput) -> SyncProgress:
        stages: list[tuple[SyncStage, Callable[[], Awaitable[None]]]] = [
            (SyncStage.BACKUP, self._back_up),
            (SyncStage.CREATE_PLAYLISTS, self._create_playlists),
            (SyncStage.ADD_VIDEOS, self._add_videos),
            (SyncStage.DELETE_PLAYLISTS, self._delete_playlists),
        ]
        order = [stage for stage, _ in stages]
        for stage, step in stages[order.index(self._state.stage) :]:
            await self._enter(stage)
            await step()
            if self._state.cancelled:
                self._raise_error("sync", f"cancelled by the user during {stage.value}")
                return await self._finish(SyncStage.FAILED)
        return await self._finish(SyncStage.COMPLETED)

    async def _back_up(self) -> None:
        while self._state.backup_snapshot_id is None:
            if not await self._gate():
                return
            outcome: BackupOutcome | None = await self._activity(
                SyncActivities.back_up_playlists, self._request()
            )
            if outcome is None:
                continue
            self._state.quota_used = outcome.quota_used_by_sync
            if outcome.quota_exhausted:
                await self._sleep_until_reset(outcome.next_reset)
                continue
            self._state.backup_snapshot_id = outcome.snapshot_id
            self._state.results.backup = _backup_result(outcome)

    async def _create_playlists(self) -> None:
        self._state.results.create_playlists = (
            self._state.results.create_playlists or CreatePlaylistsResult()
        )
        await self._run_steps(SyncActivities.create_category_playlists, self._count_created)

    async def _add_videos(self) -> None:
        if self._state.categories_pending is None:
            plan: AdditionPlan = await self._activity(
                SyncActivities.plan_video_additions, self._request(), retry_forever=True
            )
            self._state.categories_pending = plan.category_ids
            self._state.total = plan.total
            self._state.progress = plan.finished
            self._state.results.add_videos = AddVideosResult(skipped=plan.skipped)
            self._note_errors(plan.new_errors)
            await self._mirror()
        await self._add_videos_in_parallel()

    async def _delete_playlists(self) -> None:
        self._state.results.delete_playlists = (
            self._state.results.delete_playlists or DeletePlaylistsResult()
        )
        await self._run_steps(SyncActivities.delete_old_playlists, self._count_deleted)

    # -- add_videos: several playlists at once, one write at a time into each ----------------

    async def _add_videos_in_parallel(self) -> None:
        pending = self._state.categories_pending or []
        running: dict[asyncio.Task[StepOutcome | None], int] = {}
        waiting = list(pending)
        while pending:
            # Start a batch for each free slot while nothing holds the writes back; when the
            # server suggests continue-as-new, let the running batches land and roll over.
            launch = self._writes_allowed() and not workflow.info().is_continue_as_new_suggested()
            while launch and waiting and len(running) < self._parallelism():
                category_id = waiting.pop(0)
                request = AddVideosRequest(
                    job_id=self._job_id,
                    now=workflow.now(),
                    category_id=category_id,
                    max_writes=self._options.writes_per_batch,
                    failures_before_pause=self._options.failures_before_pause,
                )
                task = asyncio.ensure_future(
                    self._activity(SyncActivities.add_videos_to_playlist, request)
                )
                running[task] = category_id
            if not running:
                # Everything in flight has landed: now pause, sleep or stop as asked.
                if not await self._gate():
                    return
                waiting = [c for c in pending if c not in running.values()]
                continue
            done, _ = await workflow.wait(list(running), return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                category_id = running.pop(task)
                outcome = task.result()
                if outcome is not None:
                    self._count_added(outcome)
                if outcome is not None and outcome.remaining == 0 and not outcome.held:
                    pending.remove(category_id)
                else:
                    # Keep working on the playlist it was on: fewer playlists half-filled.
                    waiting.insert(0, category_id)
            self._state.categories_pending = pending
            await self._mirror()

    def _parallelism(self) -> int:
        return max(1, self._options.parallel_playlists)

    # -- create/delete: sequential batches -----------------------------------------------------

    async def _run_steps(
        self, activity: Callable[..., Any], count: Callable[[StepOutcome], None]
    ) -> None:
        while True:
            if not await self._gate():
                return
            outcome: StepOutcome | None = await self._activity(activity, self._request())
            if outcome is None:
                continue
            count(outcome)
            await self._mirror()
            if outcome.remaining == 0 and not outcome.held and not outcome.quota_exhausted:
                return

    # -- what a batch's outcome changes -----------------------------------------------------

    def _apply(self, outcome: StepOutcome) -> None:
        self._state.quota_used = max(self._state.quota_used, outcome.quota_used_by_sync)
        self._state.progress += outcome.done + outcome.skipped + outcome.failed
        self._note_errors(outcome.new_errors)
        if outcome.done or outcome.skipped:
            self._state.consecutive_failures = outcome.consecutive_failures
        else:
            self._state.consecutive_failures += outcome.consecutive_failures
        if self._state.consecutive_failures >= self._options.failures_before_pause:
            self._state.pause_reason = PauseReason.ERRORS_COLLECTED
        if outcome.quota_exhausted:
            self._state.pause_reason = self._state.pause_reason or PauseReason.QUOTA_EXHAUSTED
            reset = outcome.next_reset
            if reset is not None and (
                self._state.next_resume_at is None or reset < self._state.next_resume_at
            ):
                self._state.next_resume_at = reset

    def _count_created(self, outcome: StepOutcome) -> None:
        self._apply(outcome)
        result = self._state.results.create_playlists or CreatePlaylistsResult()
        result.created += outcome.done
        result.failed += outcome.failed
        self._state.results.create_playlists = result
        self._state.total = self._state.progress + outcome.remaining

    def _count_added(self, outcome: StepOutcome) -> None:
        self._apply(outcome)
        if outcome.job_totals is not None:
            totals = outcome.job_totals
            self._state.results.add_videos = totals
            self._state.progress = totals.added + totals.skipped + totals.failed

    def _count_deleted(self, outcome: StepOutcome) -> None:
        self._apply(outcome)
        result = self._state.results.delete_playlists or DeletePlaylistsResult()
        result.deleted += outcome.done + outcome.skipped
        result.failed += outcome.failed
        self._state.results.delete_playlists = result
        self._state.total = self._state.progress + outcome.remaining

    def _raise_error(self, entity_type: str, message: str) -> None:
        """An error of the sync itself (not of an item): kept here and mirrored to Postgres."""
        error = SyncError(
            stage=self._state.stage,
            entity_type=entity_type,
            entity_id=str(self._job_id),
            message=message,
            timestamp=workflow.now(),
        )
        self._note_errors([error])
        self._unmirrored_errors.append(error)

    def _note_errors(self, errors: list[Any]) -> None:
        self._state.error_count += len(errors)
        self._state.recent_errors = (self._state.recent_errors + errors)[-RECENT_ERRORS_KEPT:]

    # -- pause, quota sleep, cancel ---------------------------------------------------------

    def _writes_allowed(self) -> bool:
        s = self._state
        return not (s.cancel_requested or s.user_paused or s.pause_reason is not None)

    async def _gate(self) -> bool:
        """Wait until writes may go on; False when the sync was cancelled meanwhile."""
        while not self._writes_allowed():
            s = self._state
            if s.cancel_requested:
                s.cancelled = True
                return False
            if s.pause_reason == PauseReason.QUOTA_EXHAUSTED and not s.user_paused:
                await self._sleep_until_reset(s.next_resume_at)
            else:
                await self._wait_for_resume()
        await self._continue_as_new_if_suggested()
        return True

    async def _sleep_until_reset(self, reset: datetime | None) -> None:
        """Sleep on a durable timer until the quota window resets (or an early resume finds quota)."""
        s = self._state
        s.pause_reason = PauseReason.QUOTA_EXHAUSTED
        s.next_resume_at = reset or workflow.now() + timedelta(hours=1)
        await self._mirror(SyncStage.PAUSED)
        while True:
            left = s.next_resume_at - workflow.now()
            self._resume_requested = False
            try:
                await workflow.wait_condition(
                    lambda: self._resume_requested or s.cancel_requested,
                    timeout=max(left, timedelta(seconds=1)),
                    timeout_summary="quota window reset",
                )
            except TimeoutError:
                break
            if s.cancel_requested:
                return
            # An early resume is honoured only if the window has quota again (e.g. raised).
            remaining: int = await self._activity(
                SyncActivities.quota_remaining, self._request(), retry_forever=True
            )
            if remaining >= 50:
                break
        s.pause_reason = None
        s.next_resume_at = None
        s.last_resumed_at = workflow.now()
        if not s.user_paused:
            await self._mirror()

    async def _wait_for_resume(self) -> None:
        s = self._state
        if s.user_paused:
            s.pause_reason = PauseReason.USER_PAUSED
        await self._mirror(SyncStage.PAUSED)
        self._resume_requested = False
        await workflow.wait_condition(lambda: self._resume_requested or s.cancel_requested)
        if s.cancel_requested:
            return
        s.pause_reason = None
        s.consecutive_failures = 0
        s.last_resumed_at = workflow.now()
        await self._mirror()

    @workflow.signal
    async def pause(self) -> None:
        if self._state.user_paused or self._state.completed_at is not None:
            return
        self._state.user_paused = True
        # Mirrored at once: activities read it before each write, so the write in flight is
        # the last one until `resume`.
        self._state.pause_reason = PauseReason.USER_PAUSED
        await self._mirror(SyncStage.PAUSED)

    @workflow.signal
    def resume(self) -> None:
        self._state.user_paused = False
        if self._state.pause_reason == PauseReason.USER_PAUSED:
            self._state.pause_reason = (
                PauseReason.QUOTA_EXHAUSTED if self._state.next_resume_at else None
            )
        self._resume_requested = True

    @workflow.signal
    async def cancel(self) -> None:
        if self._state.cancel_requested or self._state.completed_at is not None:
            return
        self._state.cancel_requested = True
        await self._mirror()

    @workflow.query
    def progress(self) -> SyncProgress:
        return self._record(self._visible_stage())

    # -- mirror, history, activities ----------------------------------------------------------

    async def _enter(self, stage: SyncStage) -> None:
        if self._state.stage != stage:
            self._state.stage = stage
            self._state.progress = 0
            self._state.total = 0
        await self._mirror()

    async def _finish(self, stage: SyncStage) -> SyncProgress:
        s = self._state
        s.completed_at = workflow.now()
        s.pause_reason = None
        s.next_resume_at = None
        await self._mirror(stage)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._record(stage)

    def _visible_stage(self) -> SyncStage:
        s = self._state
        if s.completed_at is not None:
            return SyncStage.FAILED if s.cancelled else SyncStage.COMPLETED
        if s.user_paused or s.pause_reason is not None:
            return SyncStage.PAUSED
        return s.stage

    async def _mirror(self, stage: SyncStage | None = None) -> None:
        """Write the state to the sync_jobs row and the SyncStage search attribute."""
        async with self._mirror_lock:
            shown = stage or self._visible_stage()
            s = self._state
            mirror = JobMirror(
                job_id=self._job_id,
                stage=shown,
                progress=s.progress,
                total=s.total,
                results=s.results,
                pause_reason=s.pause_reason,
                next_resume_at=s.next_resume_at,
                last_resumed_at=s.last_resumed_at,
                completed_at=s.completed_at,
                cancelled_at=workflow.now() if s.cancel_requested else None,
                backup_snapshot_id=s.backup_snapshot_id,
                append_errors=self._unmirrored_errors,
            )
            self._unmirrored_errors = []
            s.quota_used = await self._activity(
                SyncActivities.mirror_sync_job, mirror, retry_forever=True
            )
            if shown != self._stage_attribute:
                workflow.upsert_search_attributes([SYNC_STAGE.value_set(shown.value)])
                self._stage_attribute = shown

    async def _continue_as_new_if_suggested(self) -> None:
        if workflow.info().is_continue_as_new_suggested():
            await workflow.wait_condition(workflow.all_handlers_finished)
            workflow.continue_as_new(
                SyncInput(job_id=self._job_id, options=self._options, carried=self._state)
            )

    def _request(self) -> StageRequest:
        return StageRequest(job_id=self._job_id, now=workflow.now())

    async def _activity(
        self, activity: Callable[..., Any], arg: Any, *, retry_forever: bool = False
    ) -> Any:
        """Run one step; an AuthRequired pauses the sync and returns None."""
        try:
            return await workflow.execute_activity_method(
                activity,
                arg,
                start_to_close_timeout=timedelta(minutes=10),
                # A killed worker's batch is retried on another after at most this long.
                heartbeat_timeout=timedelta(seconds=10),
                retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=30))
                if retry_forever
                else _STEP_RETRY,
            )
        except ActivityError as error:
            cause = error.cause
            if isinstance(cause, ApplicationError) and cause.type in NEEDS_USER:
                self._state.pause_reason = PauseReason.AUTH_REQUIRED
                self._raise_error("sync", cause.message)
                return None
            raise

    def _record(self, stage: SyncStage) -> SyncProgress:
        s = self._state
        return SyncProgress(
            id=self._job_id,
            workflow_id=workflow.info().workflow_id,
            stage=stage,
            current_stage_progress=s.progress,
            current_stage_total=s.total,
            stage_results=s.results,
            errors=s.recent_errors,
            quota_used_this_sync=s.quota_used,
            pause_reason=s.pause_reason,
            started_at=s.started_at or workflow.now(),
            completed_at=s.completed_at,
            last_resumed_at=s.last_resumed_at,
            backup_snapshot_id=s.backup_snapshot_id,
            next_resume_at=s.next_resume_at,
        )


def _backup_result(outcome: BackupOutcome) -> BackupResult:
    assert outcome.snapshot_id is not None
    return BackupResult(
        snapshot_id=outcome.snapshot_id,
        playlist_count=outcome.playlist_count,
        video_count=outcome.video_count,
    )
