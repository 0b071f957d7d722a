"""The library becomes what the sync's backup read: YouTube's truth is what a sync plans from.

An import may be days old; the user may have edited playlists since, and earlier syncs made
and filled playlists the import never saw. The backup reads every playlist and item anyway,
so the library tables are brought up to it in the transaction that stores the snapshot.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from playlist_sync.library.store import (
    HIDDEN_ITEM_TITLES,
    PlaylistEntry,
    mark_gone_playlists,
    replace_playlist_videos,
    upsert_playlist,
)
from playlist_sync.youtube.resources import RemotePlaylist, RemotePlaylistItem


async def refresh_library(
    conn: asyncpg.Connection,
    playlists: Sequence[tuple[RemotePlaylist, list[RemotePlaylistItem]]],
    *,
    read_at: datetime,
) -> None:
    await _learn_new_videos(conn, [item for _, items in playlists for item in items])
    rows = await conn.fetch(
        "SELECT youtube_video_id, id FROM videos WHERE youtube_video_id = ANY($1::text[])",
        list({item.video_id for _, items in playlists for item in items}),
    )
    video_ids = {row["youtube_video_id"]: row["id"] for row in rows}
    for position, (playlist, items) in enumerate(playlists):
        playlist_id, _ = await upsert_playlist(
            conn, playlist, read_at=read_at, list_position=position
        )
        entries = [PlaylistEntry(video_ids[item.video_id], item.id) for item in items]
        await replace_playlist_videos(conn, playlist_id, entries)
    await mark_gone_playlists(conn, [playlist.id for playlist, _ in playlists])


async def _learn_new_videos(conn: asyncpg.Connection, items: list[RemotePlaylistItem]) -> None:
    """Videos the library has not seen (added on YouTube since the import): what the item
    shows of them. Known videos keep what the import learnt from videos.list."""
    await conn.execute(
        """INSERT INTO videos (youtube_video_id, title, privacy_status, unavailable_reason)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
           ON CONFLICT (youtube_video_id) DO NOTHING""",
        [item.video_id for item in items],
        ["" if item.title in HIDDEN_ITEM_TITLES else item.title for item in items],
        [item.privacy_status for item in items],
        [HIDDEN_ITEM_TITLES.get(item.title) for item in items],
    )


async def record_playlist(
    conn: asyncpg.Connection, playlist_id: str, items: list[RemotePlaylistItem]
) -> None:
    """What a sync read of one playlist after writing to it (its verification)."""
    row_id = await conn.fetchval(
        "SELECT id FROM playlists WHERE youtube_playlist_id = $1", playlist_id
    )
    if row_id is None:
        return
    await _learn_new_videos(conn, items)
    rows = await conn.fetch(
        "SELECT youtube_video_id, id FROM videos WHERE youtube_video_id = ANY($1::text[])",
        list({item.video_id for item in items}),
    )
    video_ids = {row["youtube_video_id"]: row["id"] for row in rows}
    await replace_playlist_videos(
        conn, row_id, [PlaylistEntry(video_ids[item.video_id], item.id) for item in items]
    )
    await conn.execute(
        "UPDATE playlists SET item_count = $2, updated_at = now() WHERE id = $1",
        row_id,
        len(items),
    )
