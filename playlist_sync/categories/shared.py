"""Videos that several categories share: each category's playlist holds its own copy, which a
person who sorted by channel and by title words may not have meant."""

from __future__ import annotations

import asyncpg

from playlist_sync.models import SharedVideo

# Available videos only: the unavailable ones go into no playlist (the preview says why).
_SHARED = """
    SELECT v.youtube_video_id, v.title, array_agg(c.name ORDER BY c.position, c.id) AS names
    FROM category_videos cv
    JOIN categories c ON c.id = cv.category_id
    JOIN videos v ON v.id = cv.video_id
    WHERE v.unavailable_reason IS NULL
    GROUP BY v.id
    HAVING count(*) > 1
    ORDER BY min(c.position), v.youtube_video_id
"""


async def shared_videos(db: asyncpg.Pool | asyncpg.Connection) -> list[SharedVideo]:
    return [
        SharedVideo(youtube_video_id=row[0], title=row[1], category_names=row[2])
        for row in await db.fetch(_SHARED)
    ]
