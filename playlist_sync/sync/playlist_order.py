"""A playlist's items as the library last saw them: what the job's first plan is made from."""

from __future__ import annotations

import asyncpg

from playlist_sync.reconcile.playlist_edit import Item


async def library_items(db: asyncpg.Pool | asyncpg.Connection, playlist_id: str) -> list[Item]:
    """The playlist's items as the library last saw them (the backup, or its creation)."""
    rows = await db.fetch(
        """SELECT pv.youtube_item_id, v.youtube_video_id FROM playlists p
           JOIN playlist_videos pv ON pv.playlist_id = p.id JOIN videos v ON v.id = pv.video_id
           WHERE p.youtube_playlist_id = $1 ORDER BY pv.position""",
        playlist_id,
    )
    return [Item(row[0], row[1]) for row in rows]
