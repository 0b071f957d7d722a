"""The Temporal Schedule `playlist-sync-schedule`: made, described, paused, triggered and
deleted through the SDK, so that the Web UI's Schedules page and `temporal schedule` show and
steer the same thing.

It lives in Temporal, not in this process: it outlives the command that made it, a worker's
restart and a restart of the stack (the dev server keeps it in its SQLite file)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionExecutionStartWorkflow,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleHandle,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleState,
    WorkflowExecutionStatus,
)
from temporalio.service import RPCError, RPCStatusCode

from playlist_sync.config import Settings
from playlist_sync.schedule.every import format_every
from playlist_sync.schedule.payloads import RunOutcome, ScheduledRunInput, ScheduledRunResult
from playlist_sync.sync.payloads import SyncOptions
from workflows.scheduled_run_workflow import ScheduledRunWorkflow

SCHEDULE_ID = "playlist-sync-schedule"
# Temporal appends the time of each run: playlist-sync-scheduled-run-2026-12-02T08:00:00Z.
RUN_WORKFLOW_ID = "playlist-sync-scheduled-run"
# A run whose worker does not answer its query within this is shown as running.
_QUERY_SECONDS = 5.0


class ScheduleRefused(Exception):
    """The request cannot be done; the message says why and what to do, in one line."""


_NO_SCHEDULE = "no schedule yet: `starter.py schedule create --every 6h` makes one"


async def create_schedule(
    client: Client,
    settings: Settings,
    *,
    every: timedelta,
    max_delete: int,
    options: SyncOptions | None = None,
    schedule_id: str = SCHEDULE_ID,
    paused: bool = False,
) -> ScheduleHandle:
    note = f"every {format_every(every)}, --max-delete {max_delete}"
    try:
        return await client.create_schedule(
            schedule_id,
            Schedule(
                action=ScheduleActionStartWorkflow(
                    ScheduledRunWorkflow.run,
                    ScheduledRunInput(max_delete=max_delete, options=options),
                    id=RUN_WORKFLOW_ID,
                    task_queue=settings.temporal_task_queue,
                    static_summary=f"Scheduled run of playlist-sync ({note})",
                ),
                spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
                # While a run's sync is at work (or waits for approval), the next run is skipped.
                policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP),
                state=ScheduleState(note=note, paused=paused),
            ),
        )
    except ScheduleAlreadyRunningError:
        raise ScheduleRefused(
            f"the schedule {schedule_id} exists already (`starter.py schedule list` shows it);"
            " to replace it, `starter.py schedule delete`, then create it again"
        ) from None


@dataclass
class RunView:
    """One run of the schedule, as `schedule list` shows it."""

    workflow_id: str
    started_at: datetime
    result: ScheduledRunResult
    # The sync's pause, read from its row by the command (needs_approval: waiting for you).
    pause_reason: str | None = None


@dataclass
class ScheduleView:
    schedule_id: str
    every: timedelta | None
    paused: bool
    note: str
    max_delete: int | None
    next_run_at: datetime | None
    runs: list[RunView] = field(default_factory=list)
    skipped_while_running: int = 0
    # Runs at work now (their sync may wait for approval): a run triggered meanwhile is skipped.
    running: int = 0


async def describe_schedule(client: Client, schedule_id: str = SCHEDULE_ID) -> ScheduleView:
    handle = client.get_schedule_handle(schedule_id)
    try:
        description = await handle.describe()
    except RPCError as failure:
        raise _refusal(failure) from None
    schedule, info = description.schedule, description.info
    intervals = schedule.spec.intervals
    max_delete = None
    action = schedule.action
    if isinstance(action, ScheduleActionStartWorkflow) and action.args:
        # Described, the action's argument is still encoded.
        decoded = await client.data_converter.decode(list(action.args), [ScheduledRunInput])
        max_delete = decoded[0].max_delete
    started = [
        (result.action, result.started_at)
        for result in info.recent_actions
        if isinstance(result.action, ScheduleActionExecutionStartWorkflow)
    ]
    runs = await asyncio.gather(
        *(
            _run_view(client, action.workflow_id, action.first_execution_run_id, at)
            for action, at in started
        )
    )
    paused = schedule.state.paused
    return ScheduleView(
        schedule_id=schedule_id,
        every=intervals[0].every if intervals else None,
        paused=paused,
        note=schedule.state.note or "",
        max_delete=max_delete,
        next_run_at=info.next_action_times[0] if info.next_action_times and not paused else None,
        runs=list(runs),
        skipped_while_running=info.num_actions_skipped_overlap,
        running=len(info.running_actions),
    )


async def _run_view(client: Client, workflow_id: str, run_id: str, started: datetime) -> RunView:
    handle = client.get_workflow_handle_for(ScheduledRunWorkflow.run, workflow_id, run_id=run_id)
    try:
        status = (await handle.describe()).status
    except RPCError as failure:
        if failure.status != RPCStatusCode.NOT_FOUND:
            raise
        # Past the namespace's retention: Temporal no longer has the run's history.
        gone = ScheduledRunResult(outcome=RunOutcome.FAILED, message="(no longer kept by Temporal)")
        return RunView(workflow_id, started, gone)
    if status == WorkflowExecutionStatus.COMPLETED:
        result = await handle.result()
    elif status == WorkflowExecutionStatus.RUNNING:
        try:
            result = await asyncio.wait_for(
                handle.query(ScheduledRunWorkflow.outcome), _QUERY_SECONDS
            )
        except (TimeoutError, RPCError):
            result = ScheduledRunResult(outcome=RunOutcome.RUNNING, message="running")
    else:
        name = status.name.lower() if status else "unknown"
        result = ScheduledRunResult(outcome=RunOutcome.FAILED, message=f"the run {name}")
    return RunView(workflow_id, started, result)


async def pause_schedule(client: Client, schedule_id: str = SCHEDULE_ID) -> None:
    await _act(
        client, schedule_id, lambda h: h.pause(note="paused with `starter.py schedule pause`")
    )


async def unpause_schedule(client: Client, schedule_id: str = SCHEDULE_ID) -> None:
    await _act(
        client, schedule_id, lambda h: h.unpause(note="unpaused with `starter.py schedule unpause`")
    )


async def trigger_schedule(client: Client, schedule_id: str = SCHEDULE_ID) -> None:
    # The schedule's overlap policy holds: while a run is at work, this one is skipped.
    await _act(client, schedule_id, lambda h: h.trigger())


async def delete_schedule(client: Client, schedule_id: str = SCHEDULE_ID) -> None:
    await _act(client, schedule_id, lambda h: h.delete())


async def _act(
    client: Client, schedule_id: str, request: Callable[[ScheduleHandle], Awaitable[None]]
) -> None:
    handle = client.get_schedule_handle(schedule_id)
    try:
        await request(handle)
    except RPCError as failure:
        raise _refusal(failure) from None


def _refusal(failure: RPCError) -> Exception:
    if failure.status == RPCStatusCode.NOT_FOUND:
        return ScheduleRefused(_NO_SCHEDULE)
    return failure
