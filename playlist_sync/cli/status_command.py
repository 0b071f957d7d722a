"""`status [JOB] [--follow] [--json]`: where a sync stands, once or live until it ends."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

import asyncpg
from rich.console import Console
from temporalio.client import Client

from playlist_sync.cli.connections import database
from playlist_sync.cli.console import stdout_console
from playlist_sync.cli.follow import Followed, follow, look
from playlist_sync.cli.follow_view import open_view
from playlist_sync.cli.job_summary import describe_job, failures, kept_lines
from playlist_sync.cli.jobs import add_job_argument, job_to_show
from playlist_sync.cli.sync_report import print_sync_report
from playlist_sync.config import Settings
from playlist_sync.models import SyncStage
from playlist_sync.sync.job_store import JobRow
from playlist_sync.temporal_client import TemporalUnavailable, connect


def register(commands: argparse._SubParsersAction) -> None:
    status = commands.add_parser(
        "status",
        help="show a sync's stage, progress, quota, pause and errors",
        description="Shows a sync (default: the latest): its stage and progress, results so "
        "far, the quota it used, why and until when it is paused, and its last errors. "
        "--follow shows live progress bars until the sync ends (exit 0 if it completed, 1 if "
        "it failed or was cancelled); Ctrl-C stops following, not the sync.",
    )
    add_job_argument(status, "default: the latest")
    status.add_argument("--follow", action="store_true", help="live progress until the sync ends")
    status.add_argument(
        "--json",
        action="store_true",
        help="the job as JSON (SyncJobRecord plus workflowId and nextResumeAt); with "
        "--follow, one JSON line each time it changes",
    )
    status.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    async with database(settings) as pool:
        job = await job_to_show(pool, args.job)
        if args.follow:
            client = await connect(settings)
            followed = await watch(pool, client, settings, job.id, json_lines=args.json)
            return ended_code(followed.job)
        if args.json:
            print(json.dumps(job.to_json()))
            return 0
        snapshot = await look(pool, settings, job.id, await _client_if_up(settings))
    for line in describe_job(snapshot.job, settings, snapshot):
        print(line)
    return 0


async def _client_if_up(settings: Settings) -> Client | None:
    """Temporal, to ask whether a worker is there; status still answers while it is down."""
    try:
        return await connect(settings)
    except TemporalUnavailable:
        return None


async def watch(
    pool: asyncpg.Pool,
    client: Client,
    settings: Settings,
    job_id: int,
    *,
    json_lines: bool = False,
    console: Console | None = None,
    hint: bool = True,
) -> Followed:
    """Follows the sync to its end and says how it ended; on Ctrl-C, with `hint`, says how to
    come back to it."""
    console = console or stdout_console()
    try:
        with open_view(console, json_lines=json_lines) as view:
            followed = await follow(pool, client, settings, job_id, view)
    except asyncio.CancelledError:
        # asyncio.run turns Ctrl-C into this cancellation, then into exit 130 (app.main).
        if not hint:
            raise
        print(
            f"\nStopped following. Sync {job_id} keeps running;"
            f" follow it again with `starter.py status {job_id} --follow`.",
            file=sys.stderr,
        )
        raise
    if not json_lines:
        await _say_how_it_ended(pool, settings, followed, console)
    return followed


async def _say_how_it_ended(
    pool: asyncpg.Pool, settings: Settings, followed: Followed, console: Console
) -> None:
    """The same report as the demo's; a failure's reason also on stderr."""
    job = followed.job
    record = job.record()
    await print_sync_report(console, pool, settings, followed)
    for line in kept_lines(record):
        console.print(line, markup=False)
    if record.stage is not SyncStage.COMPLETED and job.cancelled_at is None:
        last = failures(record)[-1].message if failures(record) else "see `starter.py status`"
        print(f"error: sync {job.id} failed: {last}", file=sys.stderr)


def ended_code(job: JobRow) -> int:
    return 0 if job.record().stage is SyncStage.COMPLETED else 1
