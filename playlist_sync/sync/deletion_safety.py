"""Whether an old playlist may be deleted: deleting is the one thing a user cannot undo by hand,
so it is read from YouTube just before, and deleted only when everything it holds is safe.

Safe means: every item was in this job's backup (nothing added since would be lost without a
copy), and every available video of it that belongs to a category is in that category's
playlist on YouTube, or in a playlist the user keeps. Videos in no category end in no playlist
by the user's choice (the preview says which, and the backup keeps them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

import asyncpg

from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.errors import PlaylistNotFound

# A list may trail the last writes by seconds: a video missing from its category's playlist is
# looked for again after these pauses before the old playlist is kept for it.
RECHECK_DELAYS: Sequence[float] = (1.0, 2.0, 4.0)

# For each available video of the list: the categories it belongs to and their playlists.
_HOMES = """
    SELECT v.youtube_video_id, c.name, c.youtube_playlist_id
    FROM videos v
    JOIN category_videos cv ON cv.video_id = v.id
    JOIN categories c ON c.id = cv.category_id
    WHERE v.youtube_video_id = ANY($1::text[]) AND v.unavailable_reason IS NULL
"""
_IN_KEPT_PLAYLISTS = """
    SELECT DISTINCT v.youtube_video_id FROM videos v
    JOIN playlist_videos pv ON pv.video_id = v.id
    JOIN playlists p ON p.id = pv.playlist_id
    WHERE p.kept AND p.deleted_from_youtube_at IS NULL AND v.youtube_video_id = ANY($1::text[])
"""


class CategoryPlaylists:
    """The category playlists as YouTube lists them, read once per deletion step."""

    def __init__(self, youtube: SyncYouTube) -> None:
        self._youtube = youtube
        self._videos: dict[str, set[str]] = {}

    async def holds(self, playlist_id: str, video_id: str) -> bool:
        if playlist_id not in self._videos:
            await self.read(playlist_id)
        return video_id in self._videos[playlist_id]

    async def read(self, playlist_id: str) -> None:
        try:
            items = await self._youtube.playlist_items(playlist_id)
        except PlaylistNotFound:
            items = []
        self._videos[playlist_id] = {item.video_id for item in items}


async def unsafe_to_delete(
    youtube: SyncYouTube,
    pool: asyncpg.Pool,
    playlist_id: str,
    backed_up: set[str],
    categories: CategoryPlaylists,
    heartbeat: Callable[[], None],
) -> str | None:
    """Why the playlist must be kept (its error message), or None when deleting it is safe."""
    try:
        held = [item.video_id for item in await youtube.playlist_items(playlist_id)]
    except PlaylistNotFound:
        return None  # already gone: nothing of it can be lost
    added_since = [video for video in held if video not in backed_up]
    if added_since:
        return (
            f"kept: {len(added_since)} of its videos were added after the backup"
            f" (e.g. {added_since[0]}), so deleting it would lose them"
        )
    homes = await pool.fetch(_HOMES, held)
    kept = {row[0] for row in await pool.fetch(_IN_KEPT_PLAYLISTS, held)}
    # A category with no playlist (its creation failed) cannot hold the video, now or later.
    homeless = [row for row in homes if row[0] not in kept and row[2] is None]
    missing = [
        row
        for row in homes
        if row[0] not in kept and row[2] is not None and not await categories.holds(row[2], row[0])
    ]
    for delay in RECHECK_DELAYS:
        if not missing:
            break
        heartbeat()
        await asyncio.sleep(delay)
        for category_playlist in {row[2] for row in missing}:
            await categories.read(category_playlist)
        missing = [row for row in missing if not await categories.holds(row[2], row[0])]
    if homeless:
        video, category, _ = homeless[0]
        return (
            f"kept: {len(homeless)} of its videos belong to a category that has no playlist"
            f" (e.g. {video} in {category!r}), so deleting it would lose them"
        )
    if missing:
        video, category, _ = missing[0]
        return (
            f"kept: {len(missing)} of its videos are not in their category's playlist"
            f" (e.g. {video} in {category!r}), so deleting it would lose them"
        )
    return None
