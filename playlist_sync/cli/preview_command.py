"""`preview [--json]`: what a sync would do now, what it costs, and how long it takes."""

from __future__ import annotations

import argparse
import json

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from playlist_sync.cli.connections import database
from playlist_sync.cli.console import stdout_console
from playlist_sync.cli.plan_view import FOLDED_AFTER, plural, show_playlist_plans
from playlist_sync.config import Settings
from playlist_sync.models import SyncPreview, UnavailableVideo
from playlist_sync.preview import current_preview
from playlist_sync.reconcile.assignment import Strategy


def register(commands: argparse._SubParsersAction) -> None:
    preview = commands.add_parser(
        "preview",
        help="show what a sync would do now and what it costs, before anything is written",
        description="Plans a sync from the imported library and the categories: playlists "
        "to create, videos to add (unavailable ones are left out, with why), old playlists "
        "to delete, the quota units it costs, the units left in this quota window and how "
        "many windows (days) it takes. Writes nothing.",
    )
    add_strategy_option(preview)
    preview.add_argument(
        "--full",
        action="store_true",
        help=f"list every video each playlist gains, loses and moves (else the first"
        f" {FOLDED_AFTER} and a count)",
    )
    preview.add_argument(
        "--json", action="store_true", help="the SyncPreview as JSON (camelCase keys)"
    )
    preview.set_defaults(handler=run)


def add_strategy_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--strategy",
        choices=[strategy.value for strategy in Strategy],
        default=Strategy.REUSE.value,
        help="reuse (default): the fewest writes, adopting old playlists where that is cheaper;"
        " recreate: a new playlist per category, every video added, old playlists deleted",
    )


async def run(args: argparse.Namespace, settings: Settings) -> int:
    async with database(settings) as pool:
        preview = await current_preview(pool, settings, Strategy(args.strategy))
        has_categories = await pool.fetchval("SELECT EXISTS (SELECT 1 FROM categories)")
    if args.json:
        print(json.dumps(preview.to_json()))
        return 0
    console = stdout_console()
    show_preview(preview, settings, console, full=args.full)
    if not has_categories:
        console.print("No categories yet: `starter.py categories apply FILE` adds them.")
    return 0


def show_preview(
    preview: SyncPreview, settings: Settings, console: Console, *, full: bool = False
) -> None:
    console.print(f"What a sync would do now (strategy {preview.strategy})", style="bold")
    stages = Table()
    stages.add_column("Stage")
    stages.add_column("Count", justify="right")
    stages.add_column("Quota units", justify="right")
    planned = preview.stages
    for label, plan in (
        ("Create playlists", planned.create_playlists),
        ("Adopt old playlists (renamed where needed)", planned.adopt_playlists),
        ("Remove items", planned.remove_videos),
        ("Move items into place", planned.move_videos),
        ("Add videos", planned.add_videos),
        ("Delete old playlists", planned.delete_playlists),
    ):
        if plan.count or label in ("Create playlists", "Add videos", "Delete old playlists"):
            stages.add_row(label, f"{plan.count:,}", f"{plan.quota_cost:,}")
    stages.add_section()
    stages.add_row("Total", "", f"{preview.total_quota_cost:,}", style="bold")
    console.print(stages)

    window = "day" if settings.quota_reset.seconds is None else "quota window"
    quota_left = (
        f"Quota left in this window: {preview.quota_remaining_today:,} of"
        f" {preview.daily_quota_limit:,} units."
    )
    if preview.total_quota_cost == 0:
        console.print(f"{quota_left} Nothing to do: YouTube already matches your categories.")
    else:
        console.print(
            f"{quota_left} Estimated: {plural(preview.estimated_days, window)}"
            " (the sync sleeps through each reset by itself)."
        )
    for name, other in (
        ("recreate", preview.alternatives.recreate),
        ("reuse", preview.alternatives.reuse),
    ):
        if other is not None and other.total_quota_cost != preview.total_quota_cost:
            console.print(
                f"With --strategy {name}: {other.total_quota_cost:,} units,"
                f" {plural(other.estimated_days, window)}."
            )

    show_playlist_plans(preview, console, full=full)

    if preview.stages.delete_playlists.items:
        console.print(
            "Old playlists to delete (backed up first; `restore` brings them back)", style="bold"
        )
        deletions = Table()
        deletions.add_column("Playlist")
        deletions.add_column("Videos", justify="right")
        deletions.add_column("YouTube id")
        for playlist in preview.stages.delete_playlists.items:
            deletions.add_row(
                escape(playlist.playlist_name), f"{playlist.video_count:,}", playlist.youtube_id
            )
        console.print(deletions)

    if preview.videos_in_no_playlist:
        count = len(preview.videos_in_no_playlist)
        console.print(
            f"{count:,} video{'s' if count != 1 else ''} of the old playlists belong to no"
            " category and no kept playlist: once those playlists are deleted, they are in"
            " no playlist (the backup keeps them; `preview --json` lists them, `restore`"
            " brings the playlists back).",
            markup=False,
        )

    if preview.shared_videos:
        _show_shared(preview, console)

    _show_unavailable("Left out: videos YouTube cannot add", preview.unavailable_videos, console)
    _show_unavailable(
        "Left where they are: videos YouTube cannot add that the adopted playlists hold",
        preview.unavailable_videos_left_in_place,
        console,
    )


def _show_unavailable(title: str, videos: list[UnavailableVideo], console: Console) -> None:
    if not videos:
        return
    console.print(title, style="bold")
    table = Table()
    table.add_column("Category")
    table.add_column("Video")
    table.add_column("Why")
    for video in videos:
        table.add_row(escape(video.category_name), video.youtube_video_id, escape(video.reason))
    console.print(table)


# Enough to see whether the sharing is meant; `preview --json` has them all.
_SHARED_SHOWN = 10


def _show_shared(preview: SyncPreview, console: Console) -> None:
    count = len(preview.shared_videos)
    console.print(
        f"{count:,} video{'s are' if count != 1 else ' is'} in several categories"
        " (each of their playlists gets a copy)",
        style="bold",
    )
    shared = Table()
    shared.add_column("Video")
    shared.add_column("Title")
    shared.add_column("Categories")
    for video in preview.shared_videos[:_SHARED_SHOWN]:
        shared.add_row(
            video.youtube_video_id, escape(video.title), escape(", ".join(video.category_names))
        )
    console.print(shared)
    if count > _SHARED_SHOWN:
        console.print(
            f"... and {count - _SHARED_SHOWN:,} more (`preview --json` lists them: sharedVideos)",
            markup=False,
        )
