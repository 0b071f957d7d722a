"""A category's playlist as it stands, worked out from Postgres rather than read from YouTube.

A move or an insert names a position, so a batch needs its playlist's order before each one.
Reading the playlist costs quota and may trail the batch's own writes; the backup's items and
this job's completed writes are in Postgres, so the order is replayed from them instead.
"""

from __future__ import annotations

import asyncpg

from playlist_sync.reconcile.playlist_edit import Item, position_after_predecessor


async def library_items(db: asyncpg.Pool | asyncpg.Connection, playlist_id: str) -> list[Item]:
    """The playlist's items as the library last saw them (the backup, or its creation)."""
    rows = await db.fetch(
        """SELECT pv.youtube_item_id, v.youtube_video_id FROM playlists p
           JOIN playlist_videos pv ON pv.playlist_id = p.id JOIN videos v ON v.id = pv.video_id
           WHERE p.youtube_playlist_id = $1 ORDER BY pv.position""",
        playlist_id,
    )
    return [Item(row[0], row[1]) for row in rows]


async def category_ranks(pool: asyncpg.Pool, category_id: int) -> dict[str, int]:
    """Each of the category's videos -> its place in the category's order."""
    rows = await pool.fetch(
        """SELECT v.youtube_video_id FROM category_videos cv JOIN videos v ON v.id = cv.video_id
           WHERE cv.category_id = $1 ORDER BY cv.position""",
        category_id,
    )
    return {row[0]: index for index, row in enumerate(rows)}


async def current_order(
    pool: asyncpg.Pool, job_id: int, category_id: int, playlist_id: str, rank: dict[str, int]
) -> list[Item]:
    """The playlist as it stands, without reading it: as the backup read it, with this job's
    completed writes applied the way they were made (removals first, then each video right
    after its predecessor, in the category's order)."""
    order = await library_items(pool, playlist_id)
    done = await pool.fetch(
        """SELECT operation, youtube_video_id, youtube_item_id FROM sync_video_operations
           WHERE sync_job_id = $1 AND category_id = $2 AND status = 'completed'
           ORDER BY operation <> 'remove', position""",
        job_id,
        category_id,
    )
    for operation, video, item_id in done:
        current = next((i for i in order if item_id is not None and i.id == item_id), None)
        if current is not None:
            order.remove(current)
        if operation != "remove":
            order.insert(position_after_predecessor(order, video, rank), Item(item_id, video))
    return order
