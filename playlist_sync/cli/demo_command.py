"""`demo`: the whole journey on the embedded defaults."""

from __future__ import annotations

import argparse

from playlist_sync.config import Settings
from playlist_sync.stack import local_stack


def register(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser(
        "demo", help="run the whole journey on the embedded stack and the emulator"
    )
    demo.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    status = await local_stack.up(settings)
    print(f"Embedded stack running: Postgres {status.database_url}")
    print(f"Temporal {status.temporal_address}, Web UI {status.temporal_ui_url}")
    return 0
