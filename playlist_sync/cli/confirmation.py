"""Asking before a write, where a person is.

`sync` deletes playlists and `restore` spends thousands of units at once: on a terminal they
show the plan's summary and ask (as `terraform apply` does). `--yes` answers for the person;
without a terminal (a script, a pipe, `--json`) nobody could answer, so they go on as they
always did: the scheduled runs' guard (`--max-delete`) is the unattended counterpart.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
from concurrent.futures import Future


def add_yes_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help=f"{what} without asking (only a terminal asks; scripts never do)",
    )


def should_ask(args: argparse.Namespace) -> bool:
    """A person can answer: stdin and stdout are a terminal, and no --yes or --json."""
    if args.yes or getattr(args, "json", False):
        return False
    return sys.stdin.isatty() and sys.stdout.isatty()


async def confirmed(question: str) -> bool:
    """The person's answer: only y or yes goes on; Enter, anything else or end of input
    (Ctrl-D) is no. Ctrl-C ends the command at once (exit 130), nothing written."""
    answered: Future[str] = Future()

    def ask() -> None:
        try:
            answered.set_result(input(f"{question} [y/N] "))
        except BaseException as error:
            answered.set_exception(error)

    # A daemon thread: asyncio.to_thread's executor would hold the process at exit, after a
    # Ctrl-C, until the person pressed Enter.
    threading.Thread(target=ask, name="confirmation", daemon=True).start()
    try:
        answer = await asyncio.wrap_future(answered)
    except EOFError:
        print()
        return False
    return answer.strip().lower() in ("y", "yes")
