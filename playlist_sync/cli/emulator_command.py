"""`emulator --port P ...`: the YouTube emulator in the foreground, until Ctrl-C."""

from __future__ import annotations

import argparse

from playlist_sync.cli.errors import BadInput, ServiceUnavailable
from playlist_sync.config import Settings
from playlist_sync.emulator import __main__ as emulator_main


def register(commands: argparse._SubParsersAction) -> None:
    emulator = commands.add_parser(
        "emulator",
        help="run the YouTube Data API emulator (and its OAuth endpoints) in the foreground",
        description="Serves a YouTube Data API v3 emulator on 127.0.0.1:PORT, with Google's "
        "OAuth endpoints and quota, until Ctrl-C. Point the app at it with "
        "YOUTUBE_API_URL=http://127.0.0.1:PORT; GET /_emulator/client-secrets gives a client "
        "secrets file for `starter.py auth`.",
    )
    # The same options as `python -m playlist_sync.emulator`, from the one definition.
    emulator_main.add_arguments(emulator)
    emulator.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here: aiohttp takes a while to load, and only this command serves.
    from playlist_sync.emulator.server import serve_until_signalled

    try:
        port, options = emulator_main.options_from(args)
    except ValueError as error:
        raise BadInput(str(error)) from None
    try:
        # Serves on this event loop; SIGINT/SIGTERM end it cleanly (exit 0).
        await serve_until_signalled(port, options)
    except OSError as error:
        raise ServiceUnavailable(f"cannot serve on 127.0.0.1:{port}: {error.strerror}") from None
    return 0
