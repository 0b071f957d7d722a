"""`categories apply FILE`: make the stored categories match a categories file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playlist_sync.categories.apply import apply_categories
from playlist_sync.categories.problems import CategoriesInvalid
from playlist_sync.cli.connections import database
from playlist_sync.cli.errors import BadInput
from playlist_sync.config import Settings
from playlist_sync.sync.job_store import active_job


def register(commands: argparse._SubParsersAction) -> None:
    categories = commands.add_parser(
        "categories",
        help="load your categories (the playlists you want) from a YAML file",
        description="Manages the categories a sync turns into playlists.",
    )
    actions = categories.add_subparsers(dest="action", required=True, metavar="ACTION")
    apply = actions.add_parser(
        "apply",
        help="validate a categories file and store it",
        description="Validates FILE against the imported library and YouTube's limits, "
        "listing every problem with its line; stores it only if it has none (nothing is "
        "written otherwise). Refused while a sync is active.",
    )
    apply.add_argument("file", type=Path, metavar="FILE", help="the categories YAML file")
    categories.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    async with database(settings) as pool:
        running = await active_job(pool)
        if running is not None:
            # Its operations hang off the categories: removing one would pull them away
            # from under the running sync (ON DELETE CASCADE).
            raise BadInput(
                f"sync {running.id} is active; apply categories after it ends, or"
                f" `starter.py cancel {running.id}` first"
            )
        try:
            changes = await apply_categories(pool, args.file)
        except CategoriesInvalid as invalid:
            for problem in invalid.problems:
                print(problem, file=sys.stderr)
            raise BadInput(str(invalid)) from None
    for line in changes.lines():
        print(line)
    return 0
