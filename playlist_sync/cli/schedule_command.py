"""`schedule create --every DURATION [--max-delete PCT] | list [--json] | pause | unpause |
trigger | delete`: the Temporal Schedule whose runs keep YouTube in sync (schedule_control)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

import asyncpg

from playlist_sync.cli.connections import database
from playlist_sync.cli.errors import BadInput
from playlist_sync.cli.job_summary import when
from playlist_sync.cli.max_delete_option import add_max_delete_option, max_delete_percent
from playlist_sync.cli.plan_view import plural
from playlist_sync.cli.worker_presence import worker_listening
from playlist_sync.config import Settings
from playlist_sync.models import PauseReason
from playlist_sync.schedule.deletion_guard import DEFAULT_MAX_DELETE
from playlist_sync.schedule.every import BadDuration, format_every, parse_every
from playlist_sync.schedule.schedule_control import (
    SCHEDULE_ID,
    RunView,
    ScheduleRefused,
    ScheduleView,
    create_schedule,
    delete_schedule,
    describe_schedule,
    pause_schedule,
    trigger_schedule,
    unpause_schedule,
)
from playlist_sync.temporal_client import connect

# What a waiting run is called in `schedule list` (the sync's row says needs_approval).
WAITING_FOR_APPROVAL = "waiting_for_approval"

_ACTIONS = {
    "pause": (pause_schedule, "stop the schedule's runs until `schedule unpause`", "paused"),
    "unpause": (unpause_schedule, "let the schedule's runs go on", "unpaused"),
    "trigger": (
        trigger_schedule,
        "one run now (skipped while a run is still at work)",
        "triggered",
    ),
    "delete": (delete_schedule, "remove the schedule (syncs it started go on)", "deleted"),
}


def register(commands: argparse._SubParsersAction) -> None:
    schedule = commands.add_parser(
        "schedule",
        help="keep YouTube in sync: a Temporal Schedule that imports and syncs at intervals",
        description=f"A Temporal Schedule ({SCHEDULE_ID}) whose runs import the library,"
        " resolve the stored categories' rules against it and start a `reuse` sync; a run"
        " whose plan deletes too much waits for your approval (`resume`).",
    )
    actions = schedule.add_subparsers(dest="schedule_action", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create",
        help="make the schedule",
        description="Makes the schedule; a worker (`worker.py`) carries out its runs.",
    )
    create.add_argument(
        "--every", required=True, metavar="DURATION", help="how often: 30s, 15m, 6h, 1d, 1h30m"
    )
    add_max_delete_option(create, f"each run (default {DEFAULT_MAX_DELETE})")
    # `--every -5m` and `--max-delete -1` are values to refuse in one line, not unknown options
    # (argparse takes only plain negative numbers as values).
    create._negative_number_matcher = re.compile(r"^-\d")
    create.set_defaults(handler=run_create)
    listing = actions.add_parser(
        "list", help="the schedule and its recent runs", description="The schedule's state"
        " (every, paused or not, next run) and its recent runs with their outcome.",
    )  # fmt: skip
    listing.add_argument("--json", action="store_true", help="print it as JSON")
    listing.set_defaults(handler=run_list)
    for action, (_, summary, _done) in _ACTIONS.items():
        parser = actions.add_parser(action, help=summary, description=summary)
        parser.set_defaults(handler=run_action, schedule_action=action)


async def run_create(args: argparse.Namespace, settings: Settings) -> int:
    try:
        every = parse_every(args.every)
    except BadDuration as bad:
        raise BadInput(str(bad)) from None
    max_delete = max_delete_percent(args.max_delete)
    if max_delete is None:
        max_delete = DEFAULT_MAX_DELETE
    client = await connect(settings)
    try:
        await create_schedule(client, settings, every=every, max_delete=max_delete)
    except ScheduleRefused as refusal:
        raise BadInput(str(refusal)) from None
    print(
        f"Created schedule {SCHEDULE_ID}: a run every {format_every(every)} imports, follows"
        f" the categories' rules and syncs; a plan that deletes more than {max_delete}% waits"
        " for your approval."
    )
    print(f"Web UI: {schedules_link(settings)}")
    if not await worker_listening(client, settings):
        print(
            f"warning: no worker has polled task queue {settings.temporal_task_queue!r} lately;"
            " the schedule's runs start when one does (`.venv/bin/python worker.py`)",
            file=sys.stderr,
        )
    return 0


async def run_list(args: argparse.Namespace, settings: Settings) -> int:
    client = await connect(settings)
    try:
        view = await describe_schedule(client)
    except ScheduleRefused as refusal:
        if args.json:
            print(json.dumps(None))
        else:
            print(str(refusal))
        return 0
    async with database(settings) as pool:
        await note_pauses(pool, view.runs)
    if args.json:
        print(json.dumps(schedule_json(view)))
        return 0
    for line in schedule_lines(view):
        print(line)
    print(f"Web UI: {schedules_link(settings)}")
    return 0


async def run_action(args: argparse.Namespace, settings: Settings) -> int:
    request, _, done = _ACTIONS[args.schedule_action]
    client = await connect(settings)
    try:
        busy = args.schedule_action == "trigger" and (await describe_schedule(client)).running
        await request(client)
    except ScheduleRefused as refusal:
        raise BadInput(str(refusal)) from None
    if busy:
        print(
            f"triggered schedule {SCHEDULE_ID}, but a run is still at work: this one is skipped"
            " (overlap policy: skip; `starter.py schedule list` shows it)"
        )
        return 0
    print(f"{done} schedule {SCHEDULE_ID}")
    return 0


async def note_pauses(pool: asyncpg.Pool, runs: list[RunView]) -> None:
    """The pause of each running run's sync, from its row."""
    for run in runs:
        if run.result.job_id is not None:
            run.pause_reason = await pool.fetchval(
                "SELECT pause_reason FROM sync_jobs WHERE id = $1 AND completed_at IS NULL",
                run.result.job_id,
            )


def outcome_of(run: RunView) -> str:
    if run.pause_reason == PauseReason.NEEDS_APPROVAL:
        return WAITING_FOR_APPROVAL
    return run.result.outcome.value


def schedule_json(view: ScheduleView) -> dict[str, Any]:
    return {
        "scheduleId": view.schedule_id,
        "every": format_every(view.every) if view.every else None,
        "paused": view.paused,
        "maxDelete": view.max_delete,
        "nextRunAt": view.next_run_at.isoformat() if view.next_run_at else None,
        "skippedWhileRunning": view.skipped_while_running,
        "recentRuns": [
            {
                "workflowId": run.workflow_id,
                "startedAt": run.started_at.isoformat(),
                "outcome": outcome_of(run),
                "message": run.result.message,
                "jobId": run.result.job_id,
                "writes": run.result.writes,
                "notes": run.result.notes,
            }
            for run in view.runs
        ],
    }


def schedule_lines(view: ScheduleView) -> list[str]:
    every = format_every(view.every) if view.every else "?"
    state = "paused" if view.paused else "active"
    head = f"Schedule {view.schedule_id}: every {every}, --max-delete {view.max_delete}, {state}"
    if view.next_run_at is not None:
        head += f"; next run {when(view.next_run_at)}"
    lines = [head]
    if not view.runs:
        lines.append("No runs yet (`starter.py schedule trigger` runs one now).")
    else:
        lines.append("Recent runs:")
    for run in view.runs:
        shown = f"  {when(run.started_at)}  {run.result.message}"
        if outcome_of(run) == WAITING_FOR_APPROVAL:
            n = run.result.job_id
            shown = (
                f"  {when(run.started_at)}  waiting for approval: sync {n}'s plan deletes more"
                f" than --max-delete allows (`starter.py status {n}`); `starter.py resume {n}`"
                f" approves it, `starter.py cancel {n}` drops it"
            )
        lines.append(shown)
        lines.extend(f"      {note}" for note in run.result.notes)
    if view.skipped_while_running:
        lines.append(
            f"{plural(view.skipped_while_running, 'run')} skipped while a run was still at work"
            " (overlap policy: skip)."
        )
    return lines


def schedules_link(settings: Settings) -> str:
    return (
        f"{settings.temporal_ui_url}/namespaces/{settings.temporal_namespace}"
        f"/schedules/{SCHEDULE_ID}"
    )
