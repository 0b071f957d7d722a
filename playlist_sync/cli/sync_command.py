"""`sync [--follow] [--json]`: record the sync job and start the workflow that runs it."""

from __future__ import annotations

import argparse
import json
import sys

from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from playlist_sync.cli.confirmation import add_yes_option, confirmed, should_ask
from playlist_sync.cli.connections import database
from playlist_sync.cli.errors import BadInput, ServiceUnavailable
from playlist_sync.cli.jobs import web_ui_link
from playlist_sync.cli.max_delete_option import add_max_delete_option, max_delete_percent
from playlist_sync.cli.plan_view import plan_sentence, plan_summary
from playlist_sync.cli.preview_command import add_strategy_option
from playlist_sync.cli.status_command import ended_code, watch
from playlist_sync.cli.worker_presence import worker_listening
from playlist_sync.config import Settings
from playlist_sync.models import SyncPreview
from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.schedule.deletion_guard import approval_needed
from playlist_sync.starters.sync import SyncDeclined, SyncRefused, launch_sync, prepare_sync
from playlist_sync.sync.job_store import get_job
from playlist_sync.temporal_client import connect
from playlist_sync.youtube.errors import AuthRequired, Forbidden, YouTubeError


def register(commands: argparse._SubParsersAction) -> None:
    sync = commands.add_parser(
        "sync",
        help="start the sync: YouTube's playlists become your categories",
        description="Records a sync job with the current preview and starts its durable "
        "workflow, which a running worker (`worker.py`) carries out: backup, create "
        "playlists, add videos, delete old playlists, sleeping through quota resets. Refused "
        "(exit 2) while another sync is active.",
    )
    add_strategy_option(sync)
    add_max_delete_option(sync, "the sync")
    sync.add_argument(
        "--follow", action="store_true", help="then show live progress, as `status --follow`"
    )
    sync.add_argument(
        "--json", action="store_true", help='print {"jobId", "workflowId"} instead of text'
    )
    add_yes_option(sync, "start the sync")
    sync.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    max_delete = max_delete_percent(args.max_delete)
    # Imported here: Google's API client takes a while to load.
    from playlist_sync.youtube.client import youtube_client_from_settings

    async def approve(preview: SyncPreview) -> bool:
        for line in plan_summary(preview, settings):
            print(line)
        return await confirmed("Start this sync?")

    async with database(settings) as pool:
        client = await connect(settings)
        try:
            launch = await prepare_sync(
                pool,
                settings,
                strategy=Strategy(args.strategy),
                max_delete=max_delete,
                # Your edits on YouTube since the last sync are read first, and kept.
                youtube=await youtube_client_from_settings(settings, pool),
                approve=approve if should_ask(args) else None,
            )
            job_id, handle = launch.job_id, await launch_sync(client, pool, settings, launch)
        except SyncDeclined:
            print("Not started: nothing was written.")
            return 1
        except SyncRefused as refusal:
            raise BadInput(str(refusal)) from None
        except (AuthRequired, Forbidden) as error:
            raise BadInput(str(error)) from None
        except YouTubeError as error:
            raise ServiceUnavailable(f"could not read YouTube before the sync: {error}") from None
        except WorkflowAlreadyStartedError as clash:
            # Temporal still runs a workflow of that id, from before this database was reset.
            raise BadInput(
                f"Temporal already runs a workflow {clash.workflow_id} that this database does"
                " not know; terminate it in the Web UI, then start the sync again"
            ) from None
        except RPCError as failure:
            raise ServiceUnavailable(f"Temporal refused to start the sync: {failure}") from None
        if args.json:
            print(json.dumps({"jobId": job_id, "workflowId": handle.id}), flush=True)
        else:
            job = await get_job(pool, job_id)
            preview = job.record().preview_data if job else None
            print(f"Started sync {job_id} (workflow {handle.id}).")
            for note in launch.notes:
                print(f"Kept from YouTube: {note}")
            if preview is not None:
                print(plan_sentence(preview, settings))
            waits = None
            if preview is not None and max_delete is not None:
                waits = await approval_needed(pool, preview, max_delete)
            if waits is not None:
                print(f"It waits for your approval before it writes anything: {waits}.")
            print(f"Web UI: {web_ui_link(settings, handle.id)}")
            if not args.follow:
                print(f"Follow it: `starter.py status {job_id} --follow`", flush=True)
        if not await worker_listening(client, settings):
            print(
                f"warning: no worker has polled task queue {settings.temporal_task_queue!r} lately;"
                " the sync starts when one does (`.venv/bin/python worker.py`)",
                file=sys.stderr,
            )
        if args.follow:
            followed = await watch(pool, client, settings, job_id, json_lines=args.json)
            return ended_code(followed.job)
    return 0
