"""One run of the schedule (`playlist-sync-schedule`): import the library, bring the stored
categories up to it, then run a `reuse` sync as a child workflow `playlist-sync-<jobId>`, so
that `status`, `pause`, `resume`, `cancel` and the Web UI work as for any sync.

The run lasts as long as its sync (which may sleep through quota windows or wait for approval):
the schedule's overlap policy, skip, then starts no other run meanwhile. Its result says what
the run did: the writes made, nothing to do, or why it was skipped. Workflow code:
deterministic.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import (
    ActivityError,
    ChildWorkflowError,
    WorkflowAlreadyStartedError,
)

with workflow.unsafe.imports_passed_through():
    from activities.schedule_activities import ScheduleActivities
    from playlist_sync.models import SyncStage
    from playlist_sync.schedule.payloads import (
        RunOutcome,
        ScheduledRunInput,
        ScheduledRunResult,
    )

from workflows.sync_workflow import PlaylistSyncWorkflow

_BOOKKEEPING = timedelta(seconds=30)
# The import reads every playlist (a page a call): long for a big library, silent no longer
# than one playlist's pages between heartbeats.
_IMPORT = timedelta(hours=1)
_IMPORT_HEARTBEAT = timedelta(minutes=5)


@workflow.defn(name="PlaylistSyncScheduledRun")
class ScheduledRunWorkflow:
    def __init__(self) -> None:
        self._result = ScheduledRunResult(
            outcome=RunOutcome.RUNNING, message="importing the library"
        )

    @workflow.run
    async def run(self, input: ScheduledRunInput) -> ScheduledRunResult:
        workflow.set_current_details("Importing the library, then bringing the categories up to it")
        try:
            prepared = await workflow.execute_activity_method(
                ScheduleActivities.prepare_scheduled_sync,
                input,
                start_to_close_timeout=_IMPORT,
                heartbeat_timeout=_IMPORT_HEARTBEAT,
                retry_policy=RetryPolicy(maximum_attempts=3),
            )
        except ActivityError as failure:
            message = f"the run could not import and prepare its sync: {_cause(failure)}"
            return self._end(RunOutcome.FAILED, message)
        notes = prepared.notes
        if prepared.launch is None:
            return self._end(RunOutcome.SKIPPED, f"skipped: {prepared.skipped}", notes=notes)
        launch = prepared.launch
        job_id = launch.job_id
        self._result = ScheduledRunResult(
            outcome=RunOutcome.RUNNING, message=f"sync {job_id} runs", job_id=job_id, notes=notes
        )
        workflow.set_current_details(
            f"**Sync {job_id}** runs as workflow {launch.workflow_id}: `starter.py status {job_id}`"
        )
        try:
            progress = await workflow.execute_child_workflow(
                PlaylistSyncWorkflow.run,
                launch.input,
                id=launch.workflow_id,
                task_queue=workflow.info().task_queue,
                memo=dict(launch.memo),
                search_attributes=launch.search_attributes(),
                static_summary=launch.static_summary,
                static_details=launch.static_details,
                # A run ended by hand (terminate) leaves its sync to finish or be cancelled.
                parent_close_policy=workflow.ParentClosePolicy.ABANDON,
            )
        except ChildWorkflowError as failure:
            return self._end(
                RunOutcome.FAILED, f"sync {job_id} failed: {_cause(failure)}", job_id, notes=notes
            )
        except WorkflowAlreadyStartedError:
            # Temporal still has a workflow of that id, from before this database was reset.
            await workflow.execute_activity_method(
                ScheduleActivities.close_unstarted_sync, job_id, start_to_close_timeout=_BOOKKEEPING
            )
            message = (
                f"Temporal already runs a workflow {launch.workflow_id} this database does not know"
            )
            return self._end(RunOutcome.FAILED, message, job_id, notes=notes)
        writes = await workflow.execute_activity_method(
            ScheduleActivities.writes_of_sync, job_id, start_to_close_timeout=_BOOKKEEPING
        )
        if progress.stage == SyncStage.FAILED:
            message = f"sync {job_id} was cancelled after {_writes(writes)}"
            return self._end(RunOutcome.CANCELLED, message, job_id, writes, notes)
        if writes == 0:
            message = f"sync {job_id}: nothing to do, YouTube already matches (0 writes)"
            return self._end(RunOutcome.NOTHING_TO_DO, message, job_id, 0, notes)
        message = f"sync {job_id} made {_writes(writes)}"
        return self._end(RunOutcome.SYNCED, message, job_id, writes, notes)

    @workflow.query(description="what the run has done so far, as its result will say it")
    def outcome(self) -> ScheduledRunResult:
        return self._result

    def _end(
        self,
        outcome: RunOutcome,
        message: str,
        job_id: int | None = None,
        writes: int = 0,
        notes: list[str] | None = None,
    ) -> ScheduledRunResult:
        self._result = ScheduledRunResult(
            outcome=outcome, message=message, job_id=job_id, writes=writes, notes=notes or []
        )
        workflow.set_current_details(f"**{message}**")
        return self._result


def _cause(failure: Exception) -> str:
    cause = failure.__cause__
    return str(cause) if cause is not None else str(failure)


def _writes(count: int) -> str:
    return f"{count:,} write" if count == 1 else f"{count:,} writes"
