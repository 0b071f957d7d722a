"""`import`: mirror the user's playlists, their items and their videos into Postgres."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import asyncpg

from playlist_sync.categories.youtube_edits import note_synced
from playlist_sync.library.account import store_channel
from playlist_sync.library.store import (
    HIDDEN_ITEM_TITLES,
    Change,
    PlaylistEntry,
    UnavailableReason,
    VideoRecord,
    mark_gone_playlists,
    replace_playlist_videos,
    upsert_playlist,
    upsert_videos,
)
from playlist_sync.youtube.resources import (
    Channel,
    RemotePlaylist,
    RemotePlaylistItem,
    RemoteVideo,
)


class LibraryReader(Protocol):
    """What the import reads from YouTube (the YouTube client satisfies it).

    Each method returns everything, however many pages it takes; `videos` accepts any number
    of ids and leaves out the ones YouTube does not show (deleted, other people's private).
    """

    async def my_channel(self) -> Channel: ...

    async def my_playlists(self) -> list[RemotePlaylist]: ...

    async def playlist_items(self, playlist_id: str) -> list[RemotePlaylistItem]: ...

    async def videos(self, video_ids: list[str]) -> list[RemoteVideo]: ...


@dataclass(frozen=True)
class ImportSummary:
    playlists: int
    videos: int
    items: int
    unavailable: int
    new_playlists: list[str] = field(default_factory=list)
    updated_playlists: list[str] = field(default_factory=list)
    gone_playlists: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [
            f"Imported {self.playlists} playlists, {self.items} items, {self.videos} videos"
            f" ({self.unavailable} unavailable)."
        ]
        for label, titles in (
            ("New", self.new_playlists),
            ("Updated", self.updated_playlists),
            ("Gone from YouTube", self.gone_playlists),
        ):
            if titles:
                lines.append(f"{label}: {', '.join(titles)}")
        return lines


async def import_library(
    client: LibraryReader,
    pool: asyncpg.Pool,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Reads everything, then writes each playlist in its own transaction.

    Running it again updates rows in place; a playlist YouTube no longer lists is marked
    `deleted_from_youtube_at`, never removed.
    """
    async with pool.acquire() as conn, conn.transaction():
        # What the last sync verified, before this import replaces it: the user's edits on
        # YouTube since are found against it (categories/youtube_edits.py).
        await note_synced(conn)
    # Kept so that a sync refuses to write when `auth` was run as another channel since.
    channel = await client.my_channel()
    remote_playlists = await client.my_playlists()
    total = len(remote_playlists)
    if on_progress:
        on_progress(0, total)
    # A video sits in many playlists; ask videos.list about it once per import.
    known: dict[str, VideoRecord] = {}
    new: list[str] = []
    updated: list[str] = []
    item_count = 0
    for done, playlist in enumerate(remote_playlists, start=1):
        # Taken before the read: see upsert_playlist for why the planner needs it.
        read_at = datetime.now(UTC)
        items = sorted(await client.playlist_items(playlist.id), key=lambda item: item.position)
        await _learn_videos(client, items, known)
        async with pool.acquire() as conn, conn.transaction():
            video_ids = await upsert_videos(conn, [known[item.video_id] for item in items])
            playlist_id, change = await upsert_playlist(
                conn, playlist, read_at=read_at, list_position=done - 1
            )
            entries = [PlaylistEntry(video_ids[item.video_id], item.id) for item in items]
            items_changed = await replace_playlist_videos(conn, playlist_id, entries)
        if change is Change.NEW:
            new.append(playlist.title)
        elif change is Change.UPDATED or items_changed:
            updated.append(playlist.title)
        item_count += len(items)
        if on_progress:
            on_progress(done, total)
    async with pool.acquire() as conn, conn.transaction():
        gone = await mark_gone_playlists(conn, [playlist.id for playlist in remote_playlists])
        await store_channel(conn, channel)
    return ImportSummary(
        playlists=total,
        videos=len(known),
        items=item_count,
        unavailable=sum(1 for video in known.values() if video.unavailable_reason),
        new_playlists=new,
        updated_playlists=updated,
        gone_playlists=gone,
    )


async def _learn_videos(
    client: LibraryReader, items: list[RemotePlaylistItem], known: dict[str, VideoRecord]
) -> None:
    """Adds a VideoRecord to `known` for every item's video not seen yet in this import."""
    to_fetch: dict[str, None] = {}  # an ordered set: a video may repeat in a playlist
    for item in items:
        if item.video_id in known or item.video_id in to_fetch:
            continue
        hidden = HIDDEN_ITEM_TITLES.get(item.title)
        if hidden is None:
            to_fetch[item.video_id] = None
        else:
            # videos.list would not return it either: save the call.
            known[item.video_id] = VideoRecord(
                item.video_id, None, None, item.privacy_status, hidden
            )
    found = {video.id: video for video in await client.videos(list(to_fetch))} if to_fetch else {}
    for video_id in to_fetch:
        video = found.get(video_id)
        if video is None:
            known[video_id] = VideoRecord(
                video_id, None, None, None, UnavailableReason.NOT_RETURNED
            )
        else:
            # Returned means viewable by this user (YouTube shows a private video only to
            # its owner, who may add it to a playlist), so it is available even if private.
            known[video_id] = VideoRecord(
                video_id,
                video.title,
                video.channel_title,
                video.privacy_status,
                None,
                video.channel_id or None,
            )
