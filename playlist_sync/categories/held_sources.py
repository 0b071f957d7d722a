"""What a category's `from_playlists` source stands for once a sync has changed it.

A source playlist that a sync adopts becomes a category's playlist (renamed, trimmed to that
category), and one it deletes is gone from YouTube. Read as it is then, the source would make
its categories follow another category's playlist, or lose what it held. So each source is held
as it was when a sync first planned from it (before that sync wrote anything), and from then
on an adopted or deleted source stands for what it held; a live source of the user's own, a
kept inbox such as "Watch later", is read as it is now.
"""

from __future__ import annotations

import asyncpg


async def hold_sources(conn: asyncpg.Connection) -> None:
    """Holds every source the stored categories name that is not held yet, as the library
    has it now (before the sync about to start writes)."""
    await conn.execute(
        """INSERT INTO held_sources (youtube_playlist_id, video_ids)
           SELECT p.youtube_playlist_id,
                  coalesce(array_agg(pv.video_id ORDER BY pv.position)
                           FILTER (WHERE pv.video_id IS NOT NULL), '{}')
           FROM playlists p LEFT JOIN playlist_videos pv ON pv.playlist_id = p.id
           WHERE p.youtube_playlist_id IN (
               SELECT jsonb_array_elements_text(rules -> 'fromPlaylists') FROM categories
               WHERE rules IS NOT NULL)
           GROUP BY p.youtube_playlist_id
           ON CONFLICT (youtube_playlist_id) DO NOTHING"""
    )


async def held_items(conn: asyncpg.Connection) -> dict[int, list[int]]:
    """Playlist row -> the videos it stands for as a source, for the sources a sync adopted
    (a category's playlist now) or deleted; live sources are not in it."""
    rows = await conn.fetch(
        """SELECT p.id, h.video_ids FROM held_sources h
           JOIN playlists p ON p.youtube_playlist_id = h.youtube_playlist_id
           WHERE p.deleted_from_youtube_at IS NOT NULL
              OR p.youtube_playlist_id IN (SELECT youtube_playlist_id FROM categories
                                           WHERE youtube_playlist_id IS NOT NULL)"""
    )
    return {row["id"]: list(row["video_ids"]) for row in rows}
