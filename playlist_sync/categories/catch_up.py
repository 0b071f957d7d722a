"""The categories caught up with YouTube before a sync is planned: the user's edits on YouTube
since the last sync become the categories' own (youtube_edits.py), and, for a scheduled run,
every rule is resolved again against the library just imported (refresh.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg

from playlist_sync.categories.held_sources import hold_sources
from playlist_sync.categories.refresh import refresh_categories
from playlist_sync.categories.youtube_edits import fold_youtube_edits, note_synced
from playlist_sync.library.importer import LibraryReader, import_library
from playlist_sync.library.seen import record_playlist
from playlist_sync.youtube.errors import PlaylistNotFound


@dataclass
class CaughtUp:
    notes: list[str] = field(default_factory=list)
    # Where the file and YouTube changed the same video (YouTube's edit won).
    conflicts: list[str] = field(default_factory=list)


async def catch_up_with_youtube(
    pool: asyncpg.Pool,
    youtube: LibraryReader,
    *,
    follow_rules: bool,
    on_progress: Callable[[int, int], None] | None = None,
) -> CaughtUp:
    """`follow_rules`: import the whole library and resolve every category's rules again (a
    scheduled run); otherwise read only the categories' playlists (any sync)."""
    async with pool.acquire() as conn, conn.transaction():
        # Before the read below replaces what the last sync verified.
        await note_synced(conn)
    if follow_rules:
        await import_library(youtube, pool, on_progress=on_progress)
    else:
        await _read_category_playlists(pool, youtube)
    async with pool.acquire() as conn, conn.transaction():
        await hold_sources(conn)
        folded = await fold_youtube_edits(conn)
        refreshed = await refresh_categories(conn, None if follow_rules else folded.changed)
    notes = list(folded.notes)
    notes += [
        f"category {name!r} follows the library: its videos changed"
        for name in refreshed.changed
        if follow_rules
    ]
    notes += [f"category {line} (it keeps its videos)" for line in refreshed.unresolved]
    return CaughtUp(notes, folded.conflicts)


async def _read_category_playlists(pool: asyncpg.Pool, youtube: LibraryReader) -> None:
    """A fresh read of the categories' playlists that a completed sync verified (no base, no
    edits to find: a first sync reads nothing here)."""
    playlist_ids = [
        row[0]
        for row in await pool.fetch(
            """SELECT DISTINCT s.youtube_playlist_id FROM category_synced_videos s
               JOIN categories c ON c.id = s.category_id
                                AND c.youtube_playlist_id = s.youtube_playlist_id
               JOIN playlists p ON p.youtube_playlist_id = s.youtube_playlist_id
               WHERE p.deleted_from_youtube_at IS NULL"""
        )
    ]
    for playlist_id in playlist_ids:
        try:
            items = await youtube.playlist_items(playlist_id)
        except PlaylistNotFound:
            continue  # gone since: the sync's backup marks it, and makes the category anew
        async with pool.acquire() as conn, conn.transaction():
            await record_playlist(conn, playlist_id, sorted(items, key=lambda i: i.position))
