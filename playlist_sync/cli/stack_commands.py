"""`stack up | down | status`: the embedded Postgres and Temporal dev server."""

from __future__ import annotations

import argparse

from playlist_sync.cli.errors import ServiceUnavailable
from playlist_sync.config import Settings, without_password
from playlist_sync.stack import local_stack


def register(commands: argparse._SubParsersAction) -> None:
    stack = commands.add_parser(
        "stack",
        help="start, stop or describe the embedded Postgres and Temporal dev server",
        description="Runs the embedded services detached: Postgres (unless DATABASE_URL is set) "
        "and the Temporal dev server with its Web UI. Safe to run twice.",
    )
    actions = stack.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("up", help="start what is not running; return when it accepts connections")
    actions.add_parser("down", help="stop what `stack up` started")
    status = actions.add_parser("status", help="where the services are and whether they run")
    status.add_argument("--json", action="store_true", help="print JSON")
    stack.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "up":
        try:
            status = await local_stack.up(settings)
        except (RuntimeError, TimeoutError) as error:
            raise ServiceUnavailable(str(error)) from None
        print(f"Postgres:    {without_password(status.database_url)}")
        print(f"Temporal:    {status.temporal_address}")
        print(f"Temporal UI: {status.temporal_ui_url}")
        return 0
    if args.action == "down":
        try:
            stopped = await local_stack.down(settings)
        except RuntimeError as error:
            raise ServiceUnavailable(str(error)) from None
        print("stopped: " + (", ".join(stopped) if stopped else "nothing (none was started here)"))
        return 0
    status = await local_stack.status(settings)
    if args.json:
        print(local_stack.dumps(status))
    else:
        state = "running" if status.running else "not running"
        print(f"stack {state}; Temporal {status.temporal_address}, UI {status.temporal_ui_url}")
    return 0 if status.running or args.json else 1
