"""`pause | resume | cancel [JOB]`: the three signals of a sync's workflow, with the checks
that make a wrong request a clear refusal instead of a silent no-op."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable

import asyncpg
from temporalio.service import RPCError, RPCStatusCode

from playlist_sync.cli.connections import database
from playlist_sync.cli.errors import BadInput, ServiceUnavailable
from playlist_sync.cli.job_summary import when
from playlist_sync.cli.jobs import add_job_argument, job_to_show, job_to_signal
from playlist_sync.cli.worker_presence import worker_listening
from playlist_sync.config import Settings
from playlist_sync.models import PauseReason
from playlist_sync.pause_state import SLEEPS_UNTIL_RESET
from playlist_sync.sync.job_store import JobRow
from playlist_sync.temporal_client import connect

# How long to watch the mirror for the workflow to act on the signal: with a worker polling,
# it acts within a moment (a cancel waits for the writes in flight to land).
CONFIRM_SECONDS = 8.0
NO_WORKER_SECONDS = 2.0

_HELP = {
    "pause": (
        "pause a sync: the write in flight finishes, then nothing is written until `resume`",
        "Signals `pause` to the sync's workflow (default: the active sync). The write in "
        "flight finishes; then nothing is written until `starter.py resume`.",
    ),
    "resume": (
        "resume a paused sync",
        "Signals `resume` to the sync's workflow (default: the active sync). A sync paused "
        "by you or after errors goes on at once; one waiting for the quota reset goes on "
        "early only if the quota window has room again.",
    ),
    "cancel": (
        "cancel a sync: nothing more is written; what is done stays",
        "Signals `cancel` to the sync's workflow (default: the active sync). The write in "
        "flight finishes, nothing more is written, and the sync ends as failed. Playlists it "
        "created stay; deleted ones can be brought back with `starter.py restore`.",
    ),
}


def register(commands: argparse._SubParsersAction) -> None:
    for action, (summary, description) in _HELP.items():
        parser = commands.add_parser(action, help=summary, description=description)
        add_job_argument(parser, "default: the active sync")
        parser.set_defaults(handler=run, action=action)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    async with database(settings) as pool:
        job = await job_to_signal(pool, args.job)
        _refuse_pointless(args.action, job)
        client = await connect(settings)
        try:
            await client.get_workflow_handle(job.workflow_id).signal(args.action)
        except RPCError as failure:
            if failure.status == RPCStatusCode.NOT_FOUND:
                raise BadInput(
                    f"sync {job.id}'s workflow {job.workflow_id} is not running in Temporal"
                    f" (at {settings.temporal_address}, namespace {settings.temporal_namespace})"
                ) from None
            raise ServiceUnavailable(f"Temporal refused the signal: {failure}") from None
        # A worker that started a moment ago may not show yet (it polls the task queue's
        # partitions in turn), so even when none shows, look briefly before saying so.
        listening = await worker_listening(client, settings)
        within = CONFIRM_SECONDS if listening else NO_WORKER_SECONDS
        print(await _outcome(pool, args.action, job, within))
    return 0


def _refuse_pointless(action: str, job: JobRow) -> None:
    """Exit 2 for a signal the workflow would ignore, so the user is not left guessing."""
    reason = job.record().pause_reason
    if job.cancelled_at is not None:
        raise BadInput(f"sync {job.id} is already being cancelled")
    if action == "pause" and reason is PauseReason.USER_PAUSED:
        raise BadInput(f"sync {job.id} is already paused; `starter.py resume {job.id}` goes on")
    if action == "resume" and reason is None:
        raise BadInput(f"sync {job.id} is not paused")


async def _outcome(pool: asyncpg.Pool, action: str, job: JobRow, within: float) -> str:
    """What happened, once the mirror shows the workflow acted (or that it has not yet)."""
    n = job.id
    if action == "pause":
        if await _seen(
            pool, n, lambda j: j.record().pause_reason is PauseReason.USER_PAUSED, within
        ):
            return (
                f"paused sync {n}: the write in flight finishes, then nothing is written until"
                f" `starter.py resume {n}`"
            )
    elif action == "cancel":
        if await _seen(pool, n, lambda j: not j.active, within):
            return f"cancelled sync {n}: {_kept_note(await job_to_show(pool, n))}"
        if await _seen(pool, n, lambda j: j.cancelled_at is not None, within=0):
            return (
                f"cancelling sync {n}: the write in flight finishes, then it stops;"
                f" {_kept_note(job)}"
            )
    else:
        was = job.record().pause_reason
        if was in SLEEPS_UNTIL_RESET:
            # The workflow checks the window's quota and goes on only if there is room.
            resets = f" at {when(job.next_resume_at)}" if job.next_resume_at else ""
            return (
                f"asked sync {n} to resume: it goes on now if the quota window has room,"
                f" else by itself{resets}"
            )
        if await _seen(pool, n, lambda j: j.record().pause_reason is not was, within):
            if was is PauseReason.AUTH_REQUIRED:
                return (
                    f"resumed sync {n}; if YouTube still refuses the authorisation it pauses"
                    " again: run `starter.py auth --client-secrets FILE`"
                )
            return f"resumed sync {n}"
    return _unconfirmed(action, job)


def _unconfirmed(action: str, job: JobRow) -> str:
    return (
        f"sent {action} to sync {job.id}; it takes effect when a worker runs the sync"
        " (is `worker.py` running?)"
    )


def _kept_note(job: JobRow) -> str:
    snapshot = job.record().backup_snapshot_id
    if snapshot is None:
        return "nothing was written to YouTube"
    return (
        "what it did stays on YouTube; deleted playlists can be brought back with"
        f" `starter.py restore {snapshot}`"
    )


async def _seen(
    pool: asyncpg.Pool,
    job_id: int,
    condition: Callable[[JobRow], bool],
    within: float,
) -> bool:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        job = await job_to_show(pool, job_id)
        if condition(job) or asyncio.get_running_loop().time() >= deadline:
            return condition(job)
        await asyncio.sleep(0.2)
