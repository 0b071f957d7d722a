"""A restore as one durable workflow: recreate a snapshot's gone playlists, several at a time.

Like the sync it may run for days: when the quota window is spent it sleeps on a durable timer
until the next reset, and it pauses, resumes and cancels on the same Updates and Signals. It carries only
ids and counts; the playlists, their items and their outcomes live in Postgres.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
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
    from playlist_sync.temporal_client import SYNC_STAGE
    from workflows.current_details import Quota, current_details
    from workflows.steps import (
        RECENT_ERRORS_KEPT,
        latest_counts,
        run_batches_in_parallel,
        run_step,
    )
    from workflows.write_gate import WriteGate


# The stages a job ends in: a `cancel` answers once the row shows one.
_ENDED = (RestoreStage.COMPLETED, RestoreStage.FAILED)
# The current details' headline for each stage.
_LABELS = {
    RestoreStage.PENDING: "Waiting to start",
    RestoreStage.RESTORING: "Restoring playlists",
    RestoreStage.PAUSED: "Paused",
    RestoreStage.COMPLETED: "Restore complete",
    RestoreStage.FAILED: "Restore failed",
}


# Worker Versioning: auto-upgrade, for the reasons the sync gives (sync_workflow.py): a restore
# may sleep through quota windows for days, and changes are versioned with `workflow.patched`.
# Declared, as the sync's, as the versioned workers' default (playlist_sync/workers.py).
@workflow.defn(name="PlaylistRestore")
class PlaylistRestoreWorkflow:
    @workflow.init
    def __init__(self, input: RestoreInput) -> None:
        self._input = input
        self._job_id = input.restore_job_id
        self._options = input.options
        self._state = input.carried or RestoreState(started_at=workflow.now())
        self._gate = WriteGate(
            self._state,
            mirror=self._mirror,
            quota_remaining=self._quota_remaining,
            continue_as_new=self._continue_as_new,
            subject=f"restore {input.restore_job_id}",
        )
        self._mirror_lock = asyncio.Lock()
        # The stage the row last showed: a `cancel` answers once it shows the end.
        self._mirrored: RestoreStage | None = None
        self._stage_attribute: RestoreStage | None = None
        self._unmirrored_errors: list[RestoreError] = []

    # -- the business process -------------------------------------------------------------

    @workflow.run
    async def run(self, input: RestoreInput) -> RestoreJobRecord:
        if self._state.playlists_pending is None:
            work: RestoreWork = await self._activity(
                RestoreActivities.list_restore_work, self._request(), bookkeeping=True
            )
            self._state.playlists_pending = work.playlist_ids
            self._state.total = work.total
            self._state.results = work.totals
            self._state.progress = work.totals.items_done
        await self._mirror()
        await self._restore_in_parallel()
        if self._state.cancelled:
            self._raise_error("cancelled by the user")
            return await self._finish(RestoreStage.FAILED)
        return await self._finish(RestoreStage.COMPLETED)

    async def _restore_in_parallel(self) -> None:
        async def restore_batch(playlist: int) -> PlaylistOutcome | None:
            request = PlaylistRequest(
                restore_job_id=self._job_id,
                now=workflow.now(),
                restore_playlist_id=playlist,
                max_writes=self._options.writes_per_batch,
                failures_before_pause=self._options.failures_before_pause,
            )
            outcome: PlaylistOutcome | None = await self._activity(
                RestoreActivities.restore_playlist, request
            )
            return outcome

        await run_batches_in_parallel(
            self._state.playlists_pending or [],
            start=restore_batch,
            on_outcome=self._apply,
            after_batch=self._mirror,
            gate=self._gate,
            parallelism=self._options.parallel_playlists,
        )

    def _apply(self, outcome: PlaylistOutcome) -> None:
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

    def _raise_error(self, message: str) -> None:
        """An error of the restore itself (not of an item): kept here and mirrored to Postgres."""
        error = RestoreError(
            entity_type="restore",
            entity_id=str(self._job_id),
            message=message,
            timestamp=workflow.now(),
        )
        self._state.recent_errors = [*self._state.recent_errors, error][-RECENT_ERRORS_KEPT:]
        self._unmirrored_errors.append(error)

    # -- pause, resume, cancel: the shared write gate (as the sync's: Updates and Signals) -------

    @workflow.update(
        name="pause", description="pause writing; answers once the writes in flight have landed"
    )
    async def pause_update(self) -> RestoreJobRecord:
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
    async def resume_update(self) -> RestoreJobRecord:
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
    async def cancel_update(self) -> RestoreJobRecord:
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
            RestoreActivities.restore_quota_remaining, self._request(), bookkeeping=True
        )
        return remaining

    def _continue_as_new(self) -> None:
        workflow.continue_as_new(self._input.model_copy(update={"carried": self._state}))

    @workflow.query(description="the job's state now, as the Updates answer it")
    def progress(self) -> RestoreJobRecord:
        return self._record(self._visible_stage())

    # -- mirror, activities -----------------------------------------------------------------

    async def _finish(self, stage: RestoreStage) -> RestoreJobRecord:
        s = self._state
        s.completed_at = workflow.now()
        s.pause_reason = None
        s.next_resume_at = None
        await self._mirror(stage)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._record(stage)

    def _visible_stage(self) -> RestoreStage:
        s = self._state
        if s.completed_at is not None:
            return RestoreStage.FAILED if s.cancelled else RestoreStage.COMPLETED
        return RestoreStage.PAUSED if s.is_paused() else RestoreStage.RESTORING

    async def _mirror(self, stage: RestoreStage | None = None) -> None:
        """Write the state to the restore_jobs row and the SyncStage search attribute."""
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
            s.quota_used = await self._activity(
                RestoreActivities.mirror_restore_job, mirror, bookkeeping=True
            )
            if shown != self._stage_attribute:
                workflow.upsert_search_attributes([SYNC_STAGE.value_set(shown.value)])
                self._stage_attribute = shown
            self._mirrored = shown
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

    def _request(self) -> RestoreRequest:
        return RestoreRequest(restore_job_id=self._job_id, now=workflow.now())

    async def _activity(
        self, activity: Callable[..., Any], arg: Any, *, bookkeeping: bool = False
    ) -> Any:
        resumes = self._gate.resumes_received
        step = run_step(
            activity,
            arg,
            heartbeat=timedelta(seconds=self._options.heartbeat_seconds),
            on_needs_user=lambda message: self._needs_user(message, resumes),
            bookkeeping=bookkeeping,
            summary=_summary(activity, arg),
        )
        # A step that may write counts as in flight until it lands: `pause` answers after.
        return await (step if bookkeeping else self._gate.count_write(step))

    def _needs_user(self, message: str, resumes_at_start: int) -> None:
        """An AuthRequired: pause until the user runs `starter.py auth` and resumes (a step
        that started before that resume failed on the old grant: the next one tries anew)."""
        if self._gate.resumed_since(resumes_at_start):
            return
        self._state.pause_reason = PauseReason.AUTH_REQUIRED
        self._raise_error(message)

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


def _summary(activity: Callable[..., Any], arg: Any) -> str:
    """What the step does, as the Web UI's timeline shows it."""
    if isinstance(arg, PlaylistRequest):
        return (
            f"recreate playlist {arg.restore_playlist_id} of the snapshot:"
            f" up to {arg.max_writes} writes"
        )
    if isinstance(arg, RestoreMirror):
        return f"mirror the state to restore_jobs: {arg.stage.value}"
    name = getattr(activity, "__name__", str(activity))
    return name.replace("_", " ")
