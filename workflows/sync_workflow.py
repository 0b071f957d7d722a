"""The sync as one durable workflow: backup -> create_playlists -> add_videos -> delete_playlists.

It runs for days: when the quota window is spent it sleeps on a durable timer until the next
reset, and it pauses, resumes and cancels on Updates (which answer with the job's state once
they have taken effect) or Signals of the same names. It carries only ids and counts; the
videos and their outcomes live in Postgres, which the activities read and write. Its current
details (the Web UI, `temporal workflow metadata`) say where it is.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.sync_activities import SyncActivities
    from playlist_sync.models import PauseReason, StageCounts, SyncError, SyncStage
    from playlist_sync.sync.payloads import (
        AdditionPlan,
        AddVideosRequest,
        DeleteRequest,
        MirrorAnswer,
        StageRequest,
        StepOutcome,
        SyncInput,
        SyncProgress,
        SyncState,
    )
    from playlist_sync.youtube.timeouts import HEARTBEAT_TIMEOUT

from workflows.job_workflow import JobWorkflow
from workflows.recorded_histories import (
    plans_after_backup,
    quota_in_mirror_answer,
    waits_for_approval,
    works_while_creations_wait,
)
from workflows.retry_backoff import RetryBackoff
from workflows.steps import (
    RECENT_ERRORS_KEPT,
    NeedsUser,
    latest_counts,
    run_batches_in_parallel,
)
from workflows.summaries import sync_step_summary
from workflows.sync_state import (
    count_beside,
    count_outcome,
    job_mirror,
    note_backup,
    sync_details,
    sync_record,
)

_STAGES = [
    SyncStage.BACKUP,
    SyncStage.CREATE_PLAYLISTS,
    SyncStage.ADD_VIDEOS,
    SyncStage.DELETE_PLAYLISTS,
]


# Worker Versioning: auto-upgrade, not pinned. A sync runs for days and sleeps through quota
# windows; pinned, it would hold every old worker version until it ended, and a fix (a new
# build) would never reach the syncs already running. So a running sync moves to the
# deployment's current version at its next workflow task, and every change to what this
# workflow does is made replay-safe with `workflow.patched` (every marker and old branch is in
# recorded_histories.py), which the recorded histories in tests/sync/histories check. A versioned worker declares
# it as its default behaviour (playlist_sync/workers.py): declared here, it would be refused by
# the unversioned workers (one worker, the demo, the tests) that run without a deployment.
@workflow.defn(name="PlaylistSync")
class PlaylistSyncWorkflow(JobWorkflow[SyncStage, SyncProgress]):
    _state: SyncState

    @workflow.init
    def __init__(self, input: SyncInput) -> None:
        super().__init__(
            input.carried or SyncState(started_at=workflow.now()),
            subject=f"sync {input.job_id}",
            resume_hint=f"; `starter.py resume {input.job_id}` goes on",
        )
        self._input = input
        self._job_id = input.job_id
        self._options = input.options
        # The quota window as the last mirror found it (None until then): the current details.
        self._window: MirrorAnswer | None = None
        self._unmirrored_errors: list[SyncError] = []
        # add_videos: a category's batches that keep failing wait before the next one.
        self._backoff = RetryBackoff(input.options)

    # -- the business process -------------------------------------------------------------

    @workflow.run
    async def run(self, input: SyncInput) -> SyncProgress:
        if input.approval_needed and input.carried is None and waits_for_approval():
            # Before the backup: nothing is read or written until the user approves the plan.
            self._state.pause_reason = PauseReason.NEEDS_APPROVAL
            self._raise_error(input.approval_needed)
        return await self._run_stages()

    def _stages_left(self) -> list[SyncStage]:
        return _STAGES[_STAGES.index(self._state.stage) :]

    async def _begin(self, stage: SyncStage) -> bool:
        await self._enter(stage)
        return await self._plan(stage)

    def _carried(self) -> SyncInput:
        return self._input.model_copy(update={"carried": self._state})

    def _cancel_message(self, stage: SyncStage) -> str:
        return f"cancelled by the user during {stage.value}"

    def _ended_stage(self, *, cancelled: bool) -> SyncStage:
        return SyncStage.FAILED if cancelled else SyncStage.COMPLETED

    async def _enter(self, stage: SyncStage) -> None:
        s = self._state
        if s.stage != stage:
            s.stage = stage
            s.progress = 0
            s.total = 0
        await self._mirror()

    async def _plan(self, stage: SyncStage) -> bool:
        """What a stage reads from Postgres before its first write: the plans, made once per
        job (a run that continued as new finds them made), and the stage's counts. True when
        there is nothing to write (add_videos: every video is in place)."""
        s = self._state
        if stage == SyncStage.CREATE_PLAYLISTS:
            if not s.planned and plans_after_backup():
                # From YouTube's truth (the backup just read), before any write.
                await self._bookkeeping(SyncActivities.plan_sync, self._request())
                s.planned = True
            s.results.create_playlists = s.results.create_playlists or StageCounts()
        elif stage == SyncStage.ADD_VIDEOS and s.categories_pending is None:
            plan: AdditionPlan = await self._bookkeeping(
                SyncActivities.plan_video_additions, self._request()
            )
            s.categories_pending = plan.category_ids
            s.total = plan.total
            s.progress = plan.finished
            # With the batches that ran while new playlists waited for the creation limit.
            s.results.add_videos = plan.totals or StageCounts(skipped=plan.skipped)
            self._note_errors(plan.new_errors)
            await self._mirror()
        elif stage == SyncStage.DELETE_PLAYLISTS:
            s.results.delete_playlists = s.results.delete_playlists or StageCounts()
        return stage == SyncStage.ADD_VIDEOS and not s.categories_pending

    async def _write(self, stage: SyncStage) -> bool:
        """One batch of the stage (add_videos: batches for several playlists at once, until
        none is left or writes are held); True once the stage has nothing left to write."""
        if stage == SyncStage.ADD_VIDEOS:
            await run_batches_in_parallel(
                self._state.categories_pending or [],
                start=self._add_batch,
                on_outcome=self._count,
                after_batch=self._mirror,
                writes_allowed=self._gate.writes_allowed,
                parallelism=self._options.parallel_playlists,
                reset=self._gate,
            )
            return not self._state.categories_pending
        activity = {
            SyncStage.BACKUP: SyncActivities.back_up_playlists,
            SyncStage.CREATE_PLAYLISTS: SyncActivities.create_category_playlists,
            SyncStage.DELETE_PLAYLISTS: SyncActivities.delete_old_playlists,
        }[stage]
        outcome = await self._writing(activity, self._request())
        if isinstance(outcome, NeedsUser):
            # Paused for `starter.py auth` (unless the user resumed while the step ran): the
            # next round waits for the resume, or tries again on the new grant.
            return False
        if stage == SyncStage.BACKUP:
            note_backup(self._state, outcome)
            return self._state.backup_snapshot_id is not None
        if stage == SyncStage.CREATE_PLAYLISTS:
            self._state.creations_waiting = self._state.filling = 0
            if self._waits_for_creations(outcome) and works_while_creations_wait():
                await self._work_while_creations_wait(outcome)
                return False
        self._count(outcome)
        await self._mirror()
        return outcome.remaining == 0 and not outcome.held and not outcome.quota_exhausted

    def _waits_for_creations(self, outcome: StepOutcome) -> bool:
        """Only YouTube's limit on new playlists holds the stage: the window's quota is left."""
        return (
            outcome.creation_limited
            and not outcome.quota_exhausted
            and not outcome.held
            and self._options.work_while_creations_wait
        )

    async def _work_while_creations_wait(self, created: StepOutcome) -> None:
        """While the next playlists wait for the creation limit's reset, the window's quota
        goes on: the videos of the playlists already made or adopted go in, then the old
        playlists whose videos are all verified elsewhere go. The stage stays create_playlists
        (the earliest with work left); each stage's counts are its own. Then, unless writes are
        held otherwise or the history rolls over, the sync sleeps until the reset."""
        s = self._state
        count_outcome(
            s,
            created.model_copy(update={"creation_limited": False}),
            self._options.failures_before_pause,
        )
        self._note_errors(created.new_errors)
        s.creations_waiting, s.creations_reset_at = created.remaining, created.next_reset
        plan: AdditionPlan = await self._bookkeeping(
            SyncActivities.plan_video_additions, self._request()
        )
        self._note_errors(plan.new_errors)
        s.results.add_videos = latest_counts(
            s.results.add_videos or StageCounts(), plan.totals or StageCounts()
        )
        pending = list(plan.category_ids)
        s.filling = len(pending)
        await self._mirror()

        def meanwhile() -> bool:
            # Only until the creation limit resets: then the next playlists are made first.
            reset = created.next_reset
            return self._gate.writes_allowed() and (reset is None or workflow.now() < reset)

        # No `reset=` here: past the reset, a slow answer's batch lands and creations go first.
        await run_batches_in_parallel(
            pending,
            start=self._add_batch,
            on_outcome=self._count_beside,
            after_batch=self._mirror,
            writes_allowed=meanwhile,
            parallelism=self._options.parallel_playlists,
            sets_aside_waiting=True,
        )
        while meanwhile() and not workflow.info().is_continue_as_new_suggested():
            deleted = await self._writing(
                SyncActivities.delete_old_playlists,
                DeleteRequest(**self._request().model_dump(), only_safe_now=True),
            )
            if isinstance(deleted, NeedsUser):
                break
            self._count_beside(deleted)
            if deleted.remaining == 0 or deleted.held or deleted.quota_exhausted:
                break
        if meanwhile() and not workflow.info().is_continue_as_new_suggested():
            s.note_quota_exhausted(created.next_reset, PauseReason.PLAYLIST_CREATION_LIMIT)
        await self._mirror()

    def _count_beside(self, outcome: StepOutcome) -> None:
        self._note_errors(outcome.new_errors)
        count_beside(self._state, outcome, self._options.failures_before_pause)

    async def _add_batch(self, category_id: int) -> StepOutcome | NeedsUser | None:
        if not await self._backoff.wait(category_id, self._gate.writes_allowed):
            return None  # paused or cancelled meanwhile: the run decides what next
        request = AddVideosRequest(
            job_id=self._job_id,
            now=workflow.now(),
            category_id=category_id,
            max_writes=self._options.writes_per_batch,
            failures_before_pause=self._options.failures_before_pause,
            lag_allowance_seconds=self._options.lag_allowance_seconds,
        )
        outcome = await self._writing(SyncActivities.add_videos_to_playlist, request)
        if isinstance(outcome, StepOutcome):
            self._backoff.note(category_id, outcome)
        return outcome

    def _count(self, outcome: StepOutcome) -> None:
        self._note_errors(outcome.new_errors)
        count_outcome(self._state, outcome, self._options.failures_before_pause)

    def _note_errors(self, errors: list[SyncError]) -> None:
        self._state.error_count += len(errors)
        self._state.recent_errors = (self._state.recent_errors + errors)[-RECENT_ERRORS_KEPT:]

    def _raise_error(self, message: str) -> None:
        error = SyncError(
            stage=self._state.stage,
            entity_type="sync",
            entity_id=str(self._job_id),
            message=message,
            timestamp=workflow.now(),
        )
        self._note_errors([error])
        self._unmirrored_errors.append(error)

    # -- the job's row, its record, its steps ---------------------------------------------------

    async def _mirror(self, stage: SyncStage | None = None) -> None:
        """Write the state to the sync_jobs row, the search attribute and the current details."""
        async with self._mirror_lock:
            shown = stage or self._visible_stage()
            mirror = job_mirror(self._job_id, self._state, shown, self._unmirrored_errors)
            self._unmirrored_errors = []
            answer: MirrorAnswer | int = await self._bookkeeping(
                SyncActivities.mirror_sync_job, mirror
            )
            self._state.quota_used, window = quota_in_mirror_answer(answer)
            self._window = window or self._window
            self._show_stage(shown)
            workflow.set_current_details(sync_details(self._state, shown, self._window))

    async def _quota_remaining(self) -> int:
        remaining: int = await self._bookkeeping(SyncActivities.quota_remaining, self._request())
        return remaining

    def _visible_stage(self) -> SyncStage:
        s = self._state
        if s.completed_at is not None:
            return SyncStage.FAILED if s.cancelled else SyncStage.COMPLETED
        return SyncStage.PAUSED if s.is_paused() else s.stage

    def _record(self, stage: SyncStage) -> SyncProgress:
        return sync_record(self._job_id, workflow.info().workflow_id, self._state, stage)

    def _request(self) -> StageRequest:
        return StageRequest(
            job_id=self._job_id,
            now=workflow.now(),
            lag_allowance_seconds=self._options.lag_allowance_seconds,
            max_writes=self._options.writes_per_batch,
        )

    def _summary(self, activity: Any, arg: Any) -> str:
        return sync_step_summary(activity, arg, self._state, self._input.category_names)

    @property
    def _heartbeat(self) -> timedelta:
        seconds = self._options.heartbeat_seconds
        return HEARTBEAT_TIMEOUT if seconds is None else timedelta(seconds=seconds)
