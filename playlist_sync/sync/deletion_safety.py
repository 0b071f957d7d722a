"""Whether an old playlist may be deleted: deleting is the one thing a user cannot undo by hand,
so it is read from YouTube just before, and deleted only when everything it holds is safe.

Safe means: every item was in this job's backup (nothing added since would be lost without a
copy), and every available video of it that belongs to a category was verified in that
category's playlist by add_videos (a read made once its writes had settled needed no write,
see playlist_batch.py), or sits in a playlist the user keeps. Videos in no category end in no
playlist by the user's choice (the preview says which, and the backup keeps them). add_videos
holds to the same rule for the items it removes from adopted playlists: a video another
category wants leaves only once that category's playlist is seen holding it.
"""

from __future__ import annotations

import asyncpg

from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.errors import PlaylistNotFound

# Each category of each available video of the list, and whether add_videos verified the video
# in the category's playlist: the playlist matched the category, and the video is not one this
# job skipped or failed (the absences verification accepts).
_HOMES = """
    SELECT v.youtube_video_id, c.name, c.youtube_playlist_id,
           EXISTS (SELECT 1 FROM sync_playlist_leases l
                   WHERE l.sync_job_id = $2 AND l.category_id = c.id
                     AND l.verified_at IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM sync_video_operations o
                           WHERE o.sync_job_id = $2 AND o.category_id = c.id
                             AND o.video_id = v.id AND o.status IN ('failed', 'skipped')
                             AND o.superseded_at IS NULL)
               AS verified
    FROM videos v
    JOIN category_videos cv ON cv.video_id = v.id
    JOIN categories c ON c.id = cv.category_id
    WHERE v.youtube_video_id = ANY($1::text[]) AND v.unavailable_reason IS NULL
      AND NOT EXISTS (SELECT 1 FROM playlist_videos kv JOIN playlists k ON k.id = kv.playlist_id
                      WHERE kv.video_id = v.id AND k.kept AND k.deleted_from_youtube_at IS NULL)
    ORDER BY c.position, v.youtube_video_id
"""


async def unsafe_to_delete(
    youtube: SyncYouTube, pool: asyncpg.Pool, job_id: int, playlist_id: str, backed_up: set[str]
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
    homes = await pool.fetch(_HOMES, held, job_id)
    homeless = [row for row in homes if row["youtube_playlist_id"] is None]
    if homeless:
        return (
            f"kept: {len(homeless)} of its videos belong to a category that has no playlist"
            f" (e.g. {homeless[0][0]} in {homeless[0][1]!r}), so deleting it would lose them"
        )
    unverified = [row for row in homes if not row["verified"]]
    if unverified:
        return (
            f"kept: {len(unverified)} of its videos are not verified in their category's"
            f" playlist (e.g. {unverified[0][0]} in {unverified[0][1]!r}), so deleting it would"
            " lose them"
        )
    return None


async def homes_verified(pool: asyncpg.Pool, job_id: int, playlist_id: str) -> bool:
    """Whether every available video the library knows in the playlist is verified in its
    categories' playlists (or kept): the same rule, from Postgres alone, so that a playlist
    still waiting for a new playlist's videos is not read from YouTube each window for
    nothing. unsafe_to_delete still reads it before the delete."""
    held = await pool.fetch(
        """SELECT v.youtube_video_id FROM playlists p
           JOIN playlist_videos pv ON pv.playlist_id = p.id JOIN videos v ON v.id = pv.video_id
           WHERE p.youtube_playlist_id = $1""",
        playlist_id,
    )
    homes = await pool.fetch(_HOMES, [row[0] for row in held], job_id)
    return all(row["youtube_playlist_id"] is not None and row["verified"] for row in homes)
