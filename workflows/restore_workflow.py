"""A restore as one durable workflow on the jobs' engine (job_workflow.py): each snapshot playlist
edited back in place or made again, several at a time; then what the snapshot lacks taken out of
them; then the playlists syncs made since deleted once their videos are back.

Like the sync it may run for days: when the quota window is spent it sleeps on a durable timer
until the next reset, and it pauses, resumes and cancels on the same Updates and Signals. It
carries only ids and counts; the playlists, their items and their outcomes live in Postgres.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.restore_activities import RestoreActivities
    from playlist_sync.models import PauseReason
    from playlist_sync.restore.models import RestoreError, RestoreJobRecord, RestoreStage
    from playlist_sync.restore.payloads import (
        PlaylistOutcome,
        PlaylistRequest,
        RestoreInput,
        RestoreMirror,
        RestoreRequest,
        RestoreState,
        RestoreWork,
    )

from workflows.current_details import Quota, current_details
from workflows.job_workflow import JobWorkflow
from workflows.recorded_histories import restores_in_place
from workflows.retry_backoff import RetryBackoff
from workflows.steps import (
    RECENT_ERRORS_KEPT,
    NeedsUser,
    latest_counts,
    run_batches_in_parallel,
)
from workflows.summaries import restore_step_summary

# The current details' headline for each stage.
_LABELS = {
    RestoreStage.PENDING: "Waiting to start",
    RestoreStage.RESTORING: "Restoring playlists",
    RestoreStage.REMOVING: "Removing what the snapshot lacks",
    RestoreStage.DELETING: "Deleting the playlists syncs made since",
    RestoreStage.PAUSED: "Paused",
    RestoreStage.COMPLETED: "Restore complete",
    RestoreStage.FAILED: "Restore failed",
}


# Worker Versioning: auto-upgrade, for the reasons the sync gives (sync_workflow.py): a restore
# may sleep through quota windows for days, and changes are versioned with `workflow.patched`
# (recorded_histories.py).
# Declared, as the sync's, as the versioned workers' default (playlist_sync/workers.py).
@workflow.defn(name="PlaylistRestore")
class PlaylistRestoreWorkflow(JobWorkflow[RestoreStage, RestoreJobRecord]):
    _state: RestoreState

    @workflow.init
    def __init__(self, input: RestoreInput) -> None:
        super().__init__(
            input.carried or RestoreState(started_at=workflow.now()),
            subject=f"restore {input.restore_job_id}",
        )
        self._input = input
        self._job_id = input.restore_job_id
        self._options = input.options
        self._unmirrored_errors: list[RestoreError] = []
        # A playlist whose batches keep failing waits before its next one.
        self._backoff = RetryBackoff(input.options)

    # -- the business process -------------------------------------------------------------

    @workflow.run
    async def run(self, input: RestoreInput) -> RestoreJobRecord:
        return await self._run_stages()

    def _stages_left(self) -> list[RestoreStage]:
        stages = [RestoreStage.RESTORING]
        if restores_in_place():
            stages += [RestoreStage.REMOVING, RestoreStage.DELETING]
        return stages[stages.index(self._state.stage) :]

    async def _begin(self, stage: RestoreStage) -> bool:
        s = self._state
        if s.stage != stage:
            s.stage = stage
            s.playlists_pending = None
        if s.playlists_pending is None:
            work: RestoreWork = await self._bookkeeping(
                RestoreActivities.list_restore_work, self._request()
            )
            s.playlists_pending = work.playlist_ids
            s.total = work.total
            s.results = work.totals
            s.progress = work.totals.items_done
        await self._mirror()
        return not s.playlists_pending

    async def _write(self, stage: RestoreStage) -> bool:
        s = self._state
        if stage == RestoreStage.DELETING:
            outcome = await self._writing(RestoreActivities.delete_new_playlists, self._request())
            if isinstance(outcome, NeedsUser):
                return False  # paused for `starter.py auth`, or tried again on the new grant
            self._count(outcome)
            await self._mirror()
            done = outcome.remaining == 0 and not outcome.held and not outcome.quota_exhausted
            if done:
                s.playlists_pending = []
            return done
        pending = s.playlists_pending or []
        await run_batches_in_parallel(
            pending,
            start=self._restore_batch,
            on_outcome=self._count,
            after_batch=self._mirror,
            writes_allowed=self._gate.writes_allowed,
            parallelism=self._options.parallel_playlists,
            reset=self._gate,
        )
        return not pending

    def _carried(self) -> RestoreInput:
        return self._input.model_copy(update={"carried": self._state})

    def _cancel_message(self, stage: RestoreStage) -> str:
        return "cancelled by the user"

    def _ended_stage(self, *, cancelled: bool) -> RestoreStage:
        return RestoreStage.FAILED if cancelled else RestoreStage.COMPLETED

    async def _restore_batch(self, playlist: int) -> PlaylistOutcome | NeedsUser | None:
        if not await self._backoff.wait(playlist, self._gate.writes_allowed):
            return None  # paused or cancelled meanwhile: the run decides what next
        request = PlaylistRequest(
            restore_job_id=self._job_id,
            now=workflow.now(),
            stage=self._state.stage,
            restore_playlist_id=playlist,
            max_writes=self._options.writes_per_batch,
            failures_before_pause=self._options.failures_before_pause,
            lag_allowance_seconds=self._options.lag_allowance_seconds,
        )
        outcome: PlaylistOutcome | NeedsUser = await self._writing(
            RestoreActivities.restore_playlist, request
        )
        if isinstance(outcome, PlaylistOutcome):
            self._backoff.note(playlist, outcome)
        return outcome

    def _count(self, outcome: PlaylistOutcome) -> None:
        s = self._state
        s.quota_used = max(s.quota_used, outcome.quota_used)
        s.results = latest_counts(s.results, outcome.totals)
        s.progress = s.results.items_done
        s.recent_errors = (s.recent_errors + outcome.new_errors)[-RECENT_ERRORS_KEPT:]
        s.note_batch(
            done=outcome.done,
            skipped=outcome.skipped,
            trailing_failures=outcome.consecutive_failures,
            failures_before_pause=self._options.failures_before_pause,
            quota_exhausted=outcome.quota_exhausted,
            next_reset=outcome.next_reset,
        )
        if outcome.creation_limited:
            s.note_quota_exhausted(outcome.next_reset, PauseReason.PLAYLIST_CREATION_LIMIT)

    def _raise_error(self, message: str) -> None:
        error = RestoreError(
            entity_type="restore",
            entity_id=str(self._job_id),
            message=message,
            timestamp=workflow.now(),
        )
        self._state.recent_errors = [*self._state.recent_errors, error][-RECENT_ERRORS_KEPT:]
        self._unmirrored_errors.append(error)

    # -- the job's row, its record, its steps ---------------------------------------------------

    async def _mirror(self, stage: RestoreStage | None = None) -> None:
        """Write the state to the restore_jobs row, the search attribute, the current details."""
        async with self._mirror_lock:
            shown = stage or self._visible_stage()
            s = self._state
            mirror = RestoreMirror(
                restore_job_id=self._job_id,
                stage=shown,
                progress=s.progress,
                total=s.total,
                results=s.results,
                pause_reason=s.pause_reason,
                next_resume_at=s.next_resume_at,
                last_resumed_at=s.last_resumed_at,
                completed_at=s.completed_at,
                cancelled_at=workflow.now() if s.cancel_requested else None,
                append_errors=self._unmirrored_errors,
            )
            self._unmirrored_errors = []
            s.quota_used = await self._bookkeeping(RestoreActivities.mirror_restore_job, mirror)
            self._show_stage(shown)
            workflow.set_current_details(
                current_details(
                    label=f"{_LABELS[shown]} (snapshot {self._input.backup_snapshot_id})",
                    progress=s.progress,
                    total=s.total,
                    quota=Quota(by_job=s.quota_used),
                    pause_reason=s.pause_reason if s.completed_at is None else None,
                    next_resume_at=s.next_resume_at,
                    cancelling=s.cancel_requested and s.completed_at is None,
                    errors=s.recent_errors,
                    error_count=len(s.recent_errors),
                )
            )

    async def _quota_remaining(self) -> int:
        remaining: int = await self._bookkeeping(
            RestoreActivities.restore_quota_remaining, self._request()
        )
        return remaining

    def _visible_stage(self) -> RestoreStage:
        s = self._state
        if s.completed_at is not None:
            return RestoreStage.FAILED if s.cancelled else RestoreStage.COMPLETED
        return RestoreStage.PAUSED if s.is_paused() else s.stage

    def _record(self, stage: RestoreStage) -> RestoreJobRecord:
        s = self._state
        return RestoreJobRecord(
            id=self._job_id,
            workflow_id=workflow.info().workflow_id,
            backup_snapshot_id=self._input.backup_snapshot_id,
            stage=stage,
            progress=s.progress,
            total=s.total,
            results=s.results,
            errors=s.recent_errors,
            quota_used=s.quota_used,
            pause_reason=s.pause_reason,
            next_resume_at=s.next_resume_at,
            last_resumed_at=s.last_resumed_at,
            started_at=s.started_at or workflow.now(),
            completed_at=s.completed_at,
        )

    def _request(self) -> RestoreRequest:
        return RestoreRequest(
            restore_job_id=self._job_id,
            now=workflow.now(),
            stage=self._state.stage,
            max_writes=self._options.writes_per_batch,
            lag_allowance_seconds=self._options.lag_allowance_seconds,
        )

    def _summary(self, activity: Any, arg: Any) -> str:
        return restore_step_summary(activity, arg)

    @property
    def _heartbeat(self) -> timedelta:
        return timedelta(seconds=self._options.heartbeat_seconds)
