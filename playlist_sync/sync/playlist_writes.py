"""The one way a video is put into a category's playlist: right after its predecessor.

Shared by add_videos and the verification's repairs, so that both leave the same order.
"""

from __future__ import annotations

import asyncpg

from playlist_sync.reconcile.playlist_edit import Item, position_after_predecessor
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.errors import InvalidInput


async def insert_in_place(
    youtube: SyncYouTube,
    pool: asyncpg.Pool,
    playlist_id: str,
    video: str,
    order: list[Item],
    rank: dict[str, int],
) -> Item:
    """Inserts `video` right after its predecessor in `order` (the playlist as it stands,
    updated here); at the end, no position is sent, which any playlist accepts."""
    position = position_after_predecessor(order, video, rank)
    at_end = position == len(order)
    try:
        item_id = await youtube.add_video_to_playlist(
            playlist_id, video, None if at_end else position
        )
    except InvalidInput as error:
        if error.reason != "manualSortRequired":
            raise
        # Not sorted by hand: YouTube only appends to it (verification reports the order).
        await note_refuses_positions(pool, playlist_id)
        item_id = await youtube.add_video_to_playlist(playlist_id, video)
        position = len(order)
    item = Item(item_id, video)
    order.insert(position, item)
    return item


async def note_refuses_positions(pool: asyncpg.Pool, playlist_id: str) -> None:
    """Remembered, so that no later plan adopts it for a category whose order needs them."""
    await pool.execute(
        "UPDATE playlists SET refuses_positions = true WHERE youtube_playlist_id = $1",
        playlist_id,
    )
