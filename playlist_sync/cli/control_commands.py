"""`pause | resume | cancel [JOB]`: the Updates of a sync's workflow. The workflow's validator
refuses what cannot take effect (exit 2, its reason on one line); otherwise the Update answers
with the job's state once the request has taken effect, and that state is what is printed.
With no worker polling, nothing could answer: the Signal of the same name is sent instead."""

from __future__ import annotations

import argparse
import asyncio
import json

from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from playlist_sync.cli.connections import database
from playlist_sync.cli.errors import BadInput, CliError, ServiceUnavailable
from playlist_sync.cli.job_summary import when
from playlist_sync.cli.jobs import add_job_argument, job_to_signal, work_stage
from playlist_sync.cli.worker_presence import worker_listening
from playlist_sync.config import Settings
from playlist_sync.models import STAGE_LABELS, PauseReason, SyncStage
from playlist_sync.pause_state import SLEEPS_UNTIL_RESET
from playlist_sync.sync.payloads import SyncProgress
from playlist_sync.temporal_client import connect
from workflows.sync_workflow import PlaylistSyncWorkflow

# How long to wait for the answer: a pause answers once the writes in flight have landed (a
# write waits up to 30 s for YouTube).
ANSWER_SECONDS = 120.0

_HELP = {
    "pause": (
        "pause a sync: the writes in flight land, then nothing is written until `resume`",
        "Sends the Update `pause` to the sync's workflow (default: the active sync) and prints"
        " the state it answers with once the writes in flight have landed; nothing more is"
        " written until `starter.py resume`.",
    ),
    "resume": (
        "resume a paused sync",
        "Sends the Update `resume` to the sync's workflow (default: the active sync). A sync"
        " paused by you or after errors goes on at once; one waiting for the quota reset goes"
        " on early only if the quota window has room again.",
    ),
    "cancel": (
        "cancel a sync: nothing more is written; what is done stays",
        "Sends the Update `cancel` to the sync's workflow (default: the active sync) and prints"
        " the state it answers with once the sync has ended: the writes in flight land, nothing"
        " more is written, and the sync ends as failed. Playlists it created stay; deleted ones"
        " can be brought back with `starter.py restore`.",
    ),
}


def register(commands: argparse._SubParsersAction) -> None:
    for action, (summary, description) in _HELP.items():
        parser = commands.add_parser(action, help=summary, description=description)
        add_job_argument(parser, "default: the active sync")
        parser.add_argument(
            "--json", action="store_true", help="print the acknowledged SyncJobRecord as JSON"
        )
        parser.set_defaults(handler=run, action=action)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    async with database(settings) as pool:
        job = await job_to_signal(pool, args.job)
    client = await connect(settings)
    handle = client.get_workflow_handle_for(PlaylistSyncWorkflow.run, job.workflow_id)
    try:
        if not await worker_listening(client, settings):
            # No worker to validate and answer an Update: the Signal of the same name waits
            # in the history for the first worker that runs the sync.
            await handle.signal(args.action)
            print(
                f"sent {args.action} to sync {job.id}; it takes effect when a worker runs the"
                " sync (is `worker.py` running?)"
            )
            return 0
        # By name: the Updates are the job workflows' shared ones, which answer each
        # workflow's own record (workflows/job_workflow.py).
        state: SyncProgress = await asyncio.wait_for(
            handle.execute_update(args.action, result_type=SyncProgress), ANSWER_SECONDS
        )
    except WorkflowUpdateFailedError as failure:
        cause = failure.cause
        reason = cause.message if isinstance(cause, ApplicationError) else str(cause)
        raise BadInput(reason) from None
    except RPCError as failure:
        if failure.status == RPCStatusCode.NOT_FOUND:
            raise BadInput(
                f"sync {job.id}'s workflow {job.workflow_id} is not running in Temporal"
                f" (at {settings.temporal_address}, namespace {settings.temporal_namespace})"
            ) from None
        raise ServiceUnavailable(f"Temporal refused the {args.action}: {failure}") from None
    except TimeoutError:
        raise CliError(
            f"sent {args.action} to sync {job.id}; no answer within {ANSWER_SECONDS:.0f} s: it"
            " takes effect when a worker runs the sync (is `worker.py` running?)",
            exit_code=1,
        ) from None
    if args.json:
        print(json.dumps(state.to_json()))
    else:
        print(acknowledged(args.action, state, was=job.record().pause_reason))
    return 0


def acknowledged(action: str, state: SyncProgress, *, was: PauseReason | None) -> str:
    """What the workflow's answer says, in one line."""
    n = state.id
    where = _where(state)
    if action == "pause":
        return (
            f"paused sync {n} {where}: the writes in flight have landed; nothing is written"
            f" until `starter.py resume {n}`"
        )
    if action == "cancel":
        snapshot = state.backup_snapshot_id
        kept = (
            "nothing was written to YouTube"
            if snapshot is None
            else "what it did stays on YouTube; deleted playlists can be brought back with"
            f" `starter.py restore {snapshot}`"
        )
        return f"cancelled sync {n} {where}: {kept}"
    if state.pause_reason in SLEEPS_UNTIL_RESET:
        resets = f" at {when(state.next_resume_at)}" if state.next_resume_at else ""
        return (
            f"sync {n} is still waiting for the quota window {where}: no room yet; it goes on"
            f" by itself{resets}"
        )
    if was is PauseReason.NEEDS_APPROVAL:
        return f"approved sync {n}'s plan {where}: it goes on and writes"
    if was is PauseReason.AUTH_REQUIRED:
        return (
            f"resumed sync {n} {where}; if YouTube still refuses the authorisation it pauses"
            " again: run `starter.py auth --client-secrets FILE`"
        )
    return f"resumed sync {n} {where}"


def _where(state: SyncProgress) -> str:
    """ "(paused in adding videos, 12 of 40)": where the acknowledged state is."""
    stage = STAGE_LABELS[work_stage(state)].lower()
    if state.stage in (SyncStage.COMPLETED, SyncStage.FAILED):
        shown = f"(ended in {stage}"
    elif state.stage is SyncStage.PAUSED:
        shown = f"(paused in {stage}"
    else:
        shown = f"(in {stage}"
    if state.current_stage_total:
        shown += f", {state.current_stage_progress:,} of {state.current_stage_total:,}"
    return shown + ")"
