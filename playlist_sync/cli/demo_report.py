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
from playlist_sync.cli.sync_report import outcome_lines
from playlist_sync.config import Settings


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

    youtube_counted = sum(window["used"] for window in emulator_state["quota"]["windows"])
    lines = outcome_lines(
        settings,
        followed,
        took=f"; the whole demo took {seconds:.0f} s",
        youtube_counted=youtube_counted,
    )
    for line in lines:
        console.print(line, markup=False)
