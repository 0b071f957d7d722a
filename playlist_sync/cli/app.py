"""Parses `starter.py` arguments, runs the command, and turns failures into one clear line."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from playlist_sync.cli import (
    auth_command,
    categories_command,
    control_commands,
    demo_command,
    emulator_command,
    import_command,
    preview_command,
    restore_command,
    schedule_command,
    snapshots_command,
    stack_commands,
    status_command,
    sync_command,
)
from playlist_sync.cli.errors import CliError
from playlist_sync.config import ConfigError, load_settings
from playlist_sync.db.connection import DatabaseUnavailable
from playlist_sync.temporal_client import TemporalUnavailable

# Each command module adds its subcommands; `handler(args, settings)` is a coroutine.
# The order is the user's journey, as `--help` lists it.
COMMAND_MODULES = [
    stack_commands,
    emulator_command,
    auth_command,
    import_command,
    categories_command,
    preview_command,
    sync_command,
    status_command,
    control_commands,
    snapshots_command,
    restore_command,
    schedule_command,
    demo_command,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="starter.py",
        description="playlist-sync: make YouTube's playlists match your categories, durably.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        with _ctrl_c_answered():
            return asyncio.run(args.handler(args, settings)) or 0
    except ConfigError as error:
        return _fail(str(error), 2)
    except CliError as error:
        return _fail(str(error), error.exit_code)
    except (DatabaseUnavailable, TemporalUnavailable) as error:
        return _fail(str(error), 1)
    except KeyboardInterrupt:
        return 130


@contextmanager
def _ctrl_c_answered() -> Iterator[None]:
    """Ctrl-C (SIGINT) stops the command, also when the process started with SIGINT ignored.

    A shell without job control (a script) starts `cmd &` with SIGINT ignored, and whatever
    that command starts inherits it: a test suite started so passes it to every `starter.py`
    it runs. Python then leaves SIGINT ignored and asyncio.run installs no handler of its own
    (it only replaces Python's default one), so `status --follow` went on until the sync
    ended, whatever Ctrl-C or `kill -INT` sent. With the default handler back, asyncio.run
    cancels the command, which cleans up and exits 130 (the sync runs on in Temporal).
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.SIG_IGN
    ):
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _fail(message: str, code: int) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code
