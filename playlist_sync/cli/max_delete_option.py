"""`--max-delete PCT`, the deletion guard's threshold, for `sync` and `schedule create`."""

from __future__ import annotations

import argparse

from playlist_sync.cli.errors import BadInput


def add_max_delete_option(parser: argparse.ArgumentParser, what: str) -> None:
    # Read as text and checked by the command: a bad value is one line on stderr, exit 2
    # (argparse's own refusal prints the usage too).
    parser.add_argument(
        "--max-delete",
        metavar="PCT",
        help=f"{what} waits for your approval (`resume`) when its plan deletes more than PCT"
        " percent of the playlists, or removes more than PCT percent of a kept playlist's videos",
    )


def max_delete_percent(text: str | None) -> int | None:
    """The option's value as a whole percentage, or BadInput saying what is wrong."""
    if text is None:
        return None
    try:
        value = int(text)
    except ValueError:
        raise BadInput(f"--max-delete {text!r}: give a whole percentage from 0 to 100") from None
    if not 0 <= value <= 100:
        raise BadInput(f"--max-delete {value}: give a percentage from 0 to 100")
    return value
