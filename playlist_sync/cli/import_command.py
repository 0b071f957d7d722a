"""`import`: read the user's playlists, their items and videos from YouTube into Postgres."""

from __future__ import annotations

import argparse

import asyncpg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from playlist_sync.cli.connections import database
from playlist_sync.cli.console import stdout_console
from playlist_sync.cli.errors import BadInput, ServiceUnavailable
from playlist_sync.config import Settings
from playlist_sync.library.importer import ImportSummary, import_library
from playlist_sync.sync.job_store import active_job
from playlist_sync.youtube.errors import AuthRequired, Forbidden, YouTubeError


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "import",
        help="read your YouTube playlists, their items and videos into Postgres",
        description="Reads every playlist of the authorised account, its items and their "
        "videos into Postgres (1 quota unit per page read). Safe to run again: rows are "
        "updated in place; playlists gone from YouTube are marked, not removed.",
    )
    command.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    console = stdout_console()
    async with database(settings) as pool:
        running = await active_job(pool)
        if running is not None:
            # The sync plans and deletes from its own backup; an import meanwhile would
            # change the library it reports against, and the next sync backs up anew anyway.
            raise BadInput(
                f"sync {running.id} is active; import after it ends, or"
                f" `starter.py cancel {running.id}` first"
            )
        summary = await import_with_progress(pool, settings, console)
    for line in summary.lines():
        console.print(line, markup=False)
    return 0


async def import_with_progress(
    pool: asyncpg.Pool, settings: Settings, console: Console
) -> ImportSummary:
    # Imported here: Google's API client takes a while to load, and only this command (and
    # the demo) reads YouTube.
    from playlist_sync.youtube.client import youtube_client_from_settings

    youtube = await youtube_client_from_settings(settings, pool)
    progress = Progress(
        TextColumn("Importing playlists"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        # Redraws only make sense on a terminal; elsewhere the summary says it all.
        disable=not console.is_terminal,
    )
    with progress:
        task = progress.add_task("import", total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            return await import_library(youtube, pool, on_progress=on_progress)
        except (AuthRequired, Forbidden) as error:
            # Only the user can fix these (authorise, or use an account with a channel).
            raise BadInput(str(error)) from None
        except YouTubeError as error:
            raise ServiceUnavailable(f"import stopped: {error}") from None
