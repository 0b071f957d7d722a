"""Explicit videos outside the library: asked of YouTube (videos.list) when a file is applied.

A person finds a video anywhere on YouTube and wants it in "Cooking"; it need not sit in one
of their playlists first. Only the ids the database has never seen are asked about, so a file
whose videos are all known applies offline.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Protocol

import asyncpg

from playlist_sync.categories.file import ParsedCategories
from playlist_sync.library.store import VideoRecord, upsert_videos
from playlist_sync.youtube.resources import RemoteVideo

# videos.list takes up to 50 ids a request, 1 unit each.
IDS_PER_REQUEST = 50
# What a YouTube video id is made of; anything else cannot be one, and is not asked about.
VIDEO_ID = re.compile(r"[A-Za-z0-9_-]+")


class VideoLookup(Protocol):
    """videos.list (the YouTube client satisfies it): the videos this account can see."""

    async def videos(self, video_ids: list[str]) -> list[RemoteVideo]: ...


@dataclass(frozen=True)
class LookedUp:
    asked: frozenset[str] = frozenset()
    found: dict[str, RemoteVideo] = field(default_factory=dict)

    @property
    def units(self) -> int:
        return math.ceil(len(self.asked) / IDS_PER_REQUEST)

    def note(self) -> str | None:
        """What the lookup found and cost, for the user; None when nothing was asked."""
        if not self.asked:
            return None
        count, units = len(self.asked), self.units
        return (
            f"Looked up {count} video{'s' if count != 1 else ''} outside the library on YouTube"
            f" ({len(self.found)} found): {units} quota unit{'s' if units != 1 else ''}."
        )


async def ids_outside_library(pool: asyncpg.Pool, parsed: ParsedCategories) -> list[str]:
    """The file's explicit video ids that no row of `videos` has, in the file's order."""
    explicit = [
        video
        for category in parsed.file.categories
        for video in category.videos
        if VIDEO_ID.fullmatch(video)
    ]
    known = {
        row[0]
        for row in await pool.fetch(
            "SELECT youtube_video_id FROM videos WHERE youtube_video_id = ANY($1::text[])",
            explicit,
        )
    }
    return [video for video in dict.fromkeys(explicit) if video not in known]


async def look_up(youtube: VideoLookup, video_ids: list[str]) -> LookedUp:
    found = await youtube.videos(video_ids)
    return LookedUp(frozenset(video_ids), {video.id: video for video in found})


async def store_found(conn: asyncpg.Connection, looked_up: LookedUp) -> None:
    """Writes the videos YouTube returned into `videos`, in the caller's transaction (which
    rolls them back with everything else when the file turns out invalid)."""
    await upsert_videos(
        conn,
        [
            # Returned means this account can see it, and so add it: available, even private.
            VideoRecord(
                video.id,
                video.title,
                video.channel_title,
                video.privacy_status,
                None,
                video.channel_id or None,
            )
            for video in looked_up.found.values()
        ],
    )
