"""`demo`: the whole journey on the embedded stack and the emulator, in well under a minute."""

from __future__ import annotations

import argparse

from playlist_sync.config import Settings
from playlist_sync.demo import sandbox


def register(commands: argparse._SubParsersAction) -> None:
    demo = commands.add_parser(
        "demo",
        help="run the whole journey on the embedded stack and the emulator",
        description="Starts the embedded stack (`stack up`), then on a YouTube emulator with a "
        "sample library and quota windows of seconds: authorises, imports, applies sample "
        "categories, previews, and runs a sync with a worker in this process, which pauses "
        "for quota and resumes by itself. Uses its own database "
        f"({sandbox.DATABASE}, recreated each run), data dir (<data dir>/demo) and Temporal "
        f"namespace ({sandbox.NAMESPACE}): your own data is never touched. The stack keeps "
        "running afterwards; `starter.py stack down` stops it.",
    )
    demo.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here, not at the top: the worker, the emulator and Google's client take a
    # while to load, and every other command would pay for it at each start.
    from playlist_sync.cli import demo_journey

    return await demo_journey.run(settings)
