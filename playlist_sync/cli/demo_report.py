"""The demo's closing report: what YouTube (the emulator) now holds, checked against the
categories, and what it cost."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import asyncpg
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from playlist_sync.cli.follow import Followed
from playlist_sync.cli.jobs import web_ui_link
from playlist_sync.config import Settings
from playlist_sync.models import SyncPreview


@dataclass(frozen=True)
class PlaylistCheck:
    title: str
    expected: list[str]  # the category's available videos, in its order
    on_youtube: list[str] | None  # the playlist's videos in order; None: no such playlist

    @property
    def matches(self) -> bool:
        return self.on_youtube == self.expected


async def check_playlists(
    pool: asyncpg.Pool, emulator_state: dict[str, Any]
) -> list[PlaylistCheck]:
    """Each category against the emulator's playlist of the same title."""
    rows = await pool.fetch(
        """SELECT c.name, array_agg(v.youtube_video_id ORDER BY cv.position) AS videos
           FROM categories c
           JOIN category_videos cv ON cv.category_id = c.id
           JOIN videos v ON v.id = cv.video_id
           WHERE v.unavailable_reason IS NULL
           GROUP BY c.id, c.name, c.position ORDER BY c.position"""
    )
    # An item of a deleted or private video that a playlist already held stays (the sync
    # spends no write on what nobody can watch): the check is of what a viewer sees.
    hidden = {
        row[0]
        for row in await pool.fetch(
            "SELECT youtube_video_id FROM videos WHERE unavailable_reason IS NOT NULL"
        )
    }
    playlists = {
        playlist["title"]: [
            item["videoId"]
            for item in sorted(playlist["items"], key=lambda i: i["position"])
            if item["videoId"] not in hidden
        ]
        for playlist in emulator_state["playlists"]
    }
    return [
        PlaylistCheck(row["name"], list(row["videos"]), playlists.get(row["name"])) for row in rows
    ]


async def kept_playlists(pool: asyncpg.Pool) -> list[str]:
    """The titles the categories file told the sync to keep."""
    return [
        row["title"]
        for row in await pool.fetch("SELECT title FROM playlists WHERE kept ORDER BY title")
    ]


def print_report(
    console: Console,
    settings: Settings,
    followed: Followed,
    checks: list[PlaylistCheck],
    emulator_state: dict[str, Any],
    kept: list[str],
    seconds: float,
) -> None:
    record = followed.job.record()
    console.print("YouTube (the emulator) now", style="bold")
    table = Table()
    table.add_column("Playlist")
    table.add_column("Videos", justify="right")
    table.add_column("Matches its category (same videos, same order)")
    for check in checks:
        count = "missing" if check.on_youtube is None else f"{len(check.on_youtube):,}"
        table.add_row(escape(check.title), count, "yes" if check.matches else "NO")
    titles = {p["title"]: len(p["items"]) for p in emulator_state["playlists"]}
    for title in kept:
        table.add_row(escape(title), f"{titles.get(title, 0):,}", "kept as it was")
    console.print(table)

    added = record.stage_results.add_videos
    created = record.stage_results.create_playlists
    deleted = record.stage_results.delete_playlists
    skipped = added.skipped if added else 0
    failed = (
        (added.failed if added else 0)
        + (created.failed if created else 0)
        + (deleted.failed if deleted else 0)
    )
    preview = record.preview_data
    lower_bound = preview.total_quota_cost if preview else 0
    youtube_counted = sum(window["used"] for window in emulator_state["quota"]["windows"])
    planned = preview.stages if preview else None
    made = planned.create_playlists.count if planned else 0
    adopted = planned.adopt_playlists.count if planned else 0
    recreate = preview.alternatives.recreate if preview else None
    lines = [
        f"Sync {followed.job.id} {record.stage.value}:"
        f" {made} playlists created and {adopted} old ones adopted,"
        f" {added.succeeded if added else 0:,} videos added, moved or removed"
        f" ({_edits(preview)}),"
        f" {deleted.succeeded if deleted else 0} old playlists deleted (backed up first);"
        f" the whole demo took {seconds:.0f} s.",
        f"Skipped {skipped} unavailable videos (deleted or private), {failed} failed.",
        f"Quota: the sync used {record.quota_used_this_sync:,} units; its writes alone need"
        f" {lower_bound:,} (the fewest writes that make YouTube match"
        + (
            f"; --strategy recreate would need {recreate.total_quota_cost:,})."
            if recreate is not None
            else ")."
        )
        + f" YouTube counted {youtube_counted:,} units in all, import included.",
        f"It paused for quota {followed.quota_pauses} times and resumed by itself each time"
        f" ({settings.quota_reset_text} windows of {settings.youtube_daily_quota:,} units).",
        f"Web UI: {web_ui_link(settings, followed.job.workflow_id)}",
    ]
    for line in lines:
        console.print(line, markup=False)


def _edits(preview: SyncPreview | None) -> str:
    if preview is None:
        return "no preview"
    s = preview.stages
    return (
        f"{s.add_videos.count:,} added, {s.move_videos.count:,} moved,"
        f" {s.remove_videos.count:,} removed"
    )
