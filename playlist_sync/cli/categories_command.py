"""`categories apply FILE`, `categories init` and `categories export`: the categories file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playlist_sync.categories.apply import apply_categories
from playlist_sync.categories.export_file import NoCategories, export_categories
from playlist_sync.categories.init_file import NothingImported, describe_library
from playlist_sync.categories.problems import CategoriesInvalid
from playlist_sync.cli.connections import database
from playlist_sync.cli.errors import BadInput
from playlist_sync.cli.youtube_lookup import YouTubeOnDemand
from playlist_sync.config import Settings
from playlist_sync.sync.job_store import active_job


def register(commands: argparse._SubParsersAction) -> None:
    categories = commands.add_parser(
        "categories",
        help="write your categories (the playlists you want) and load them from a YAML file",
        description="Manages the categories a sync turns into playlists.",
    )
    actions = categories.add_subparsers(dest="action", required=True, metavar="ACTION")
    init = actions.add_parser(
        "init",
        help="write a starting file that describes your library as it is",
        description="Writes a categories file with one category per imported playlist (its "
        "title, description, privacy and videos): applied unchanged, a sync has nothing to "
        "do. Edit it, then `categories apply` it. Reads only Postgres.",
    )
    export = actions.add_parser(
        "export",
        help="write the stored categories as a categories file",
        description="Writes the categories stored by `categories apply`, with their rules, "
        "as a categories file. Reads only Postgres.",
    )
    for action in (init, export):
        action.add_argument(
            "--output",
            type=Path,
            metavar="FILE",
            help="write to FILE (which must not exist yet) instead of printing",
        )
    init.set_defaults(handler=run_init)
    export.set_defaults(handler=run_export)
    apply = actions.add_parser(
        "apply",
        help="validate a categories file and store it",
        description="Validates FILE against the imported library and YouTube's limits, "
        "listing every problem with its line; stores it only if it has none (nothing is "
        "written otherwise). Explicit videos outside the library are looked up on YouTube "
        "(1 quota unit per 50). Refused while a sync is active.",
    )
    apply.add_argument("file", type=Path, metavar="FILE", help="the categories YAML file")
    apply.set_defaults(handler=run_apply)


async def run_apply(args: argparse.Namespace, settings: Settings) -> int:
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
            changes = await apply_categories(
                pool, args.file, youtube=YouTubeOnDemand(settings, pool)
            )
        except CategoriesInvalid as invalid:
            if invalid.lookup_note:
                print(invalid.lookup_note, file=sys.stderr)
            for problem in invalid.problems:
                print(problem, file=sys.stderr)
            raise BadInput(str(invalid)) from None
    if changes.lookup_note:
        print(changes.lookup_note)
    for warning in changes.warnings:
        print(warning, file=sys.stderr)
    for line in changes.lines():
        print(line)
    return 0


async def run_init(args: argparse.Namespace, settings: Settings) -> int:
    async with database(settings) as pool:
        try:
            text = await describe_library(pool)
        except NothingImported as nothing:
            raise BadInput(str(nothing)) from None
    return _write(text, args.output)


async def run_export(args: argparse.Namespace, settings: Settings) -> int:
    async with database(settings) as pool:
        try:
            text = await export_categories(pool)
        except NoCategories as none:
            raise BadInput(str(none)) from None
    return _write(text, args.output)


def _write(text: str, output: Path | None) -> int:
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        # "x": a file the user wrote by hand is never overwritten.
        with output.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise BadInput(f"{output} exists; choose another name, or remove it first") from None
    except OSError as error:
        raise BadInput(f"cannot write {output}: {error.strerror or error}") from None
    print(f"Wrote {output}; edit it, then `starter.py categories apply {output}`.")
    return 0
