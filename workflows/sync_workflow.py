"""The sync as one durable workflow: backup -> create_playlists -> add_videos -> delete_playlists.

It runs for days: when the quota window is spent it sleeps on a durable timer until the next
reset, and it pauses, resumes and cancels on Updates (which answer with the job's state once
they have taken effect) or Signals of the same names. It carries only ids and counts; the
videos and their outcomes live in Postgres, which the activities read and write. Its current
details (the Web UI, `temporal workflow metadata`) say where it is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.sync_activities import SyncActivities
    from playlist_sync.models import (
        STAGE_LABELS,
        BackupCounts,
        PauseReason,
        StageCounts,
        SyncError,
        SyncStage,
    )
    from playlist_sync.sync.payloads import (
        AdditionPlan,
        AddVideosRequest,
        BackupOutcome,
        JobMirror,
        MirrorAnswer,
        StageRequest,
        StepOutcome,
        SyncInput,
        SyncProgress,
        SyncState,
    )
    from playlist_sync.temporal_client import SYNC_STAGE
    from playlist_sync.youtube.timeouts import HEARTBEAT_TIMEOUT
    from workflows.current_details import Quota, current_details
    from workflows.steps import (
        RECENT_ERRORS_KEPT,
        latest_counts,
        run_batches_in_parallel,
        run_step,
    )
    from workflows.write_gate import WriteGate

# A batch that failed in a way another try may get past waits on a durable timer first.
_BACKOFF_PATCH = "add-videos-backoff"
# The plan (which playlist each category adopts or gets new) is made after the backup.
_RECONCILE_PATCH = "reconcile-plan"
# The stages a job ends in: a `cancel` answers once the row shows one.
_ENDED = (SyncStage.COMPLETED, SyncStage.FAILED)


# Worker Versioning: auto-upgrade, not pinned. A sync runs for days and sleeps through quota
# windows; pinned, it would hold every old worker version until it ended, and a fix (a new
# build) would never reach the syncs already running. So a running sync moves to the
# deployment's current version at its next workflow task, and every change to what this
# workflow does is made replay-safe with `workflow.patched` (see _BACKOFF_PATCH and the write
# gate), which the recorded histories in tests/sync/histories check. A versioned worker declares
# it as its default behaviour (playlist_sync/workers.py): declared here, it would be refused by
# the unversioned workers (one worker, the demo, the tests) that run without a deployment.
@workflow.defn(name="PlaylistSync")
class PlaylistSyncWorkflow:
    @workflow.init
    def __init__(self, input: SyncInput) -> None:
        self._job_id = input.job_id
        self._options = input.options
        self._state = input.carried or SyncState(started_at=workflow.now())
        self._gate = WriteGate(
            self._state,
            mirror=self._mirror,
            quota_remaining=self._quota_remaining,
            continue_as_new=self._continue_as_new,
            subject=f"sync {input.job_id}",
            resume_hint=f"; `starter.py resume {input.job_id}` goes on",
        )
        self._category_names = input.category_names
        # The quota window as the last mirror found it (None until then): the current details.
        self._window: MirrorAnswer | None = None
        self._mirror_lock = asyncio.Lock()
        # The stage the row last showed: a `cancel` answers once it shows the end.
        self._mirrored: SyncStage | None = None
        self._stage_attribute: SyncStage | None = None
        self._unmirrored_errors: list[SyncError] = []
        # add_videos: batches in a row that each category ended with `retry_later`.
        self._failures_in_a_row: dict[int, int] = {}

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
            if not await self._gate.open():
                return
            outcome: BackupOutcome | None = await self._activity(
                SyncActivities.back_up_playlists, self._request()
            )
            if outcome is None:
                continue
            self._state.quota_used = outcome.quota_used_by_sync
            if outcome.quota_exhausted:
                self._state.note_quota_exhausted(outcome.next_reset)
                continue
            self._state.backup_snapshot_id = outcome.snapshot_id
            self._state.results.backup = _backup_result(outcome)

    async def _create_playlists(self) -> None:
        if not self._state.planned and workflow.patched(_RECONCILE_PATCH):
            # From YouTube's truth (the backup just read), before any write; once per job.
            await self._activity(SyncActivities.plan_sync, self._request(), bookkeeping=True)
            self._state.planned = True
        self._state.results.create_playlists = self._state.results.create_playlists or StageCounts()
        await self._run_steps(SyncActivities.create_category_playlists, self._count_created)

    async def _add_videos(self) -> None:
        if self._state.categories_pending is None:
            plan: AdditionPlan = await self._activity(
                SyncActivities.plan_video_additions, self._request(), bookkeeping=True
            )
            self._state.categories_pending = plan.category_ids
            self._state.total = plan.total
            self._state.progress = plan.finished
            self._state.results.add_videos = StageCounts(skipped=plan.skipped)
            self._note_errors(plan.new_errors)
            await self._mirror()
        await self._add_videos_in_parallel()

    async def _delete_playlists(self) -> None:
        self._state.results.delete_playlists = self._state.results.delete_playlists or StageCounts()
        await self._run_steps(SyncActivities.delete_old_playlists, self._count_deleted)

    async def _add_videos_in_parallel(self) -> None:
        async def add_batch(category_id: int) -> StepOutcome | None:
            if not await self._back_off(category_id):
                return None  # paused or cancelled meanwhile: the gate decides what next
            request = AddVideosRequest(
                job_id=self._job_id,
                now=workflow.now(),
                category_id=category_id,
                max_writes=self._options.writes_per_batch,
                failures_before_pause=self._options.failures_before_pause,
                lag_allowance_seconds=self._options.lag_allowance_seconds,
            )
            outcome: StepOutcome | None = await self._activity(
                SyncActivities.add_videos_to_playlist, request
            )
            if outcome is not None and outcome.retry_later:
                # In a row: a batch that added something before it failed starts the count
                # again, so that errors spread over a long playlist never add up to minutes.
                before = 0 if outcome.done else self._failures_in_a_row.get(category_id, 0)
                self._failures_in_a_row[category_id] = before + 1
            elif outcome is not None:
                self._failures_in_a_row.pop(category_id, None)
            return outcome

        await run_batches_in_parallel(
            self._state.categories_pending or [],
            start=add_batch,
            on_outcome=self._count_added,
            after_batch=self._mirror,
            gate=self._gate,
            parallelism=self._options.parallel_playlists,
        )

    async def _back_off(self, category_id: int) -> bool:
        """After failures in a row, wait 1 s, 2 s, 4 s ... (options) on a durable timer before
        the category's next batch, rather than relaunch it at once forever. False when writes
        were held meanwhile (pause, cancel)."""
        failures = self._failures_in_a_row.get(category_id, 0)
        if not failures or not workflow.patched(_BACKOFF_PATCH):
            return True
        o = self._options
        delay = min(o.retry_delay_seconds * 2 ** (failures - 1), o.max_retry_delay_seconds)
        try:
            await workflow.wait_condition(
                lambda: not self._gate.writes_allowed(),
                timeout=timedelta(seconds=delay),
                timeout_summary="retry after a failure",
            )
        except TimeoutError:
            return True
        return False

    # -- create/delete: sequential batches -----------------------------------------------------

    async def _run_steps(
        self, activity: Callable[..., Any], count: Callable[[StepOutcome], None]
    ) -> None:
        while True:
            if not await self._gate.open():
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
        self._state.note_batch(
            done=outcome.done,
            skipped=outcome.skipped,
            trailing_failures=outcome.consecutive_failures,
            failures_before_pause=self._options.failures_before_pause,
            quota_exhausted=outcome.quota_exhausted,
            next_reset=outcome.next_reset,
        )
        if outcome.creation_limited:
            self._state.note_quota_exhausted(
                outcome.next_reset, PauseReason.PLAYLIST_CREATION_LIMIT
            )

    def _count_created(self, outcome: StepOutcome) -> None:
        self._apply(outcome)
        if outcome.create_totals is not None:
            known = self._state.results.create_playlists or StageCounts()
            totals = latest_counts(known, outcome.create_totals)
            self._state.results.create_playlists = totals
            self._state.progress = totals.finished
        self._state.total = self._state.progress + outcome.remaining

    def _count_added(self, outcome: StepOutcome) -> None:
        self._apply(outcome)
        if outcome.job_totals is not None:
            known = self._state.results.add_videos or StageCounts()
            totals = latest_counts(known, outcome.job_totals)
            self._state.results.add_videos = totals
            self._state.progress = totals.finished

    def _count_deleted(self, outcome: StepOutcome) -> None:
        self._apply(outcome)
        if outcome.delete_totals is not None:
            known = self._state.results.delete_playlists or StageCounts()
            totals = latest_counts(known, outcome.delete_totals)
            self._state.results.delete_playlists = totals
            self._state.progress = totals.finished
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

    # -- pause, resume, cancel: the shared write gate -----------------------------------------
    # Updates, which refuse what cannot take effect and answer with the job's state once the
    # request has taken effect; and Signals of the same names, for scripts and for syncs
    # started before the Updates (their histories replay on the Signals).

    @workflow.update(
        name="pause", description="pause writing; answers once the writes in flight have landed"
    )
    async def pause_update(self) -> SyncProgress:
        """Answers once the writes in flight have landed: nothing more is written until
        `resume`."""
        await self._gate.pause()
        await self._gate.writes_landed()
        return self._record(self._visible_stage())

    @pause_update.validator
    def validate_pause(self) -> None:
        self._gate.check_pause()

    @workflow.update(
        name="resume",
        description="resume a paused job; answers once writes go on, or when the quota window is still spent",
    )
    async def resume_update(self) -> SyncProgress:
        """Answers once writes go on, or (asleep on the quota timer) once the quota was read
        and found still spent: then `nextResumeAt` says when it goes on by itself."""
        await self._gate.resume()
        await self._gate.resume_answered()
        return self._record(self._visible_stage())

    @resume_update.validator
    def validate_resume(self) -> None:
        self._gate.check_resume()

    @workflow.update(
        name="cancel",
        description="stop for good; answers once the job has ended (the writes in flight land first)",
    )
    async def cancel_update(self) -> SyncProgress:
        """Answers once the sync has ended (failed, cancelled by the user): the writes in
        flight have landed and nothing more will be written."""
        await self._gate.cancel()
        await workflow.wait_condition(lambda: self._mirrored in _ENDED)
        return self._record(self._visible_stage())

    @cancel_update.validator
    def validate_cancel(self) -> None:
        self._gate.check_cancel()

    @workflow.signal(description="the Update's body, unanswered (scripts; older jobs)")
    async def pause(self) -> None:
        await self._gate.pause()

    @workflow.signal(description="the Update's body, unanswered (scripts; older jobs)")
    async def resume(self) -> None:
        await self._gate.resume()

    @workflow.signal(description="the Update's body, unanswered (scripts; older jobs)")
    async def cancel(self) -> None:
        await self._gate.cancel()

    async def _quota_remaining(self) -> int:
        remaining: int = await self._activity(
            SyncActivities.quota_remaining, self._request(), bookkeeping=True
        )
        return remaining

    @workflow.query(description="the job's state now, as the Updates answer it")
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
        return SyncStage.PAUSED if s.is_paused() else s.stage

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
            answer: MirrorAnswer | int = await self._activity(
                SyncActivities.mirror_sync_job, mirror, bookkeeping=True
            )
            if isinstance(answer, MirrorAnswer):
                s.quota_used = answer.quota_used_by_sync
                self._window = answer
            else:  # an answer recorded before the mirror told the window's quota
                s.quota_used = answer
            if shown != self._stage_attribute:
                workflow.upsert_search_attributes([SYNC_STAGE.value_set(shown.value)])
                self._stage_attribute = shown
            self._mirrored = shown
            self._show_details(shown)

    def _show_details(self, shown: SyncStage) -> None:
        """The current details of the Web UI and `temporal workflow metadata`."""
        s = self._state
        label = STAGE_LABELS[shown]
        if shown == SyncStage.PAUSED:
            label = f"{label} in {STAGE_LABELS[s.stage].lower()}"
        window = self._window
        workflow.set_current_details(
            current_details(
                label=label,
                progress=s.progress,
                total=s.total,
                quota=Quota(
                    by_job=s.quota_used,
                    in_window=window.quota_used_in_window if window else None,
                    limit=window.daily_quota if window else None,
                ),
                pause_reason=s.pause_reason if s.completed_at is None else None,
                next_resume_at=s.next_resume_at,
                cancelling=s.cancel_requested and s.completed_at is None,
                errors=s.recent_errors,
                error_count=s.error_count,
            )
        )

    def _continue_as_new(self) -> None:
        workflow.continue_as_new(
            SyncInput(
                job_id=self._job_id,
                options=self._options,
                carried=self._state,
                category_names=self._category_names,
            )
        )

    def _request(self) -> StageRequest:
        return StageRequest(
            job_id=self._job_id,
            now=workflow.now(),
            lag_allowance_seconds=self._options.lag_allowance_seconds,
        )

    async def _activity(
        self, activity: Callable[..., Any], arg: Any, *, bookkeeping: bool = False
    ) -> Any:
        resumes = self._gate.resumes_received
        step = run_step(
            activity,
            arg,
            heartbeat=self._heartbeat,
            on_needs_user=lambda message: self._needs_user(message, resumes),
            bookkeeping=bookkeeping,
            summary=self._summary(activity, arg),
        )
        # A step that may write counts as in flight until it lands: `pause` answers after.
        return await (step if bookkeeping else self._gate.count_write(step))

    def _summary(self, activity: Callable[..., Any], arg: Any) -> str:
        """What the step does, as the Web UI's timeline shows it."""
        s = self._state
        if isinstance(arg, AddVideosRequest):
            name = self._category_names.get(arg.category_id, f"category {arg.category_id}")
            return f"add or edit up to {arg.max_writes} videos in {name!r}"
        if isinstance(arg, JobMirror):
            return f"mirror the state to sync_jobs: {arg.stage.value}"
        done = f": {s.progress:,} of {s.total:,} done" if s.total else ""
        summaries = {
            "back_up_playlists": "back up every playlist and its items before any write",
            "plan_sync": "plan which old playlist each category adopts, or a new one",
            "create_category_playlists": f"create or adopt the categories' playlists{done}",
            "plan_video_additions": "plan the videos to add, category by category",
            "delete_old_playlists": f"delete the old playlists{done}",
            "quota_remaining": "read the quota left in this window",
        }
        name = getattr(activity, "__name__", str(activity))
        return summaries.get(name, name.replace("_", " "))

    @property
    def _heartbeat(self) -> timedelta:
        seconds = self._options.heartbeat_seconds
        return HEARTBEAT_TIMEOUT if seconds is None else timedelta(seconds=seconds)

    def _needs_user(self, message: str, resumes_at_start: int) -> None:
        """An AuthRequired: pause until the user runs `starter.py auth` (which resumes it).
        A step that started before the user's resume failed on the old grant: the next step
        tries the new one, rather than pause for a resume that already came."""
        if self._gate.resumed_since(resumes_at_start):
            return
        self._state.pause_reason = PauseReason.AUTH_REQUIRED
        self._raise_error("sync", message)

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


def _backup_result(outcome: BackupOutcome) -> BackupCounts:
    assert outcome.snapshot_id is not None
    return BackupCounts(
        succeeded=outcome.playlist_count,
        snapshot_id=outcome.snapshot_id,
        playlist_count=outcome.playlist_count,
        video_count=outcome.video_count,
    )
