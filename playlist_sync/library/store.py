"""Postgres writes for the imported library; every function is idempotent.

The caller owns the transaction, so the importer can write one playlist (its videos, its row
and its items) atomically and a crash leaves each playlist either old or new, never half.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import asyncpg

from playlist_sync.youtube.resources import RemotePlaylist


class UnavailableReason(StrEnum):
    """Why a video cannot be added to a playlist; the preview shows it to the user."""

    DELETED = "deleted"
    PRIVATE = "private"
    # videos.list left it out: YouTube hides deleted and other people's private videos.
    NOT_RETURNED = "not returned by YouTube"


# The titles YouTube gives an item whose video the viewer may no longer see.
HIDDEN_ITEM_TITLES = {
    "Deleted video": UnavailableReason.DELETED,
    "Private video": UnavailableReason.PRIVATE,
}


class Change(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class VideoRecord:
    youtube_video_id: str
    # None keeps what an earlier import stored: YouTube hides the title of a deleted video,
    # and the user still wants to see which one it was.
    title: str | None
    channel_title: str | None
    privacy_status: str | None
    unavailable_reason: UnavailableReason | None
    channel_id: str | None = None


@dataclass(frozen=True)
class PlaylistEntry:
    video_id: int
    youtube_item_id: str


async def upsert_playlist(
    conn: asyncpg.Connection,
    playlist: RemotePlaylist,
    *,
    read_at: datetime,
    list_position: int | None = None,
) -> tuple[int, Change]:
    """The playlist's row id, and whether its own fields are new or changed.

    `imported_at` becomes `read_at`, the moment its items were read: the planner trusts
    sync operations completed after that moment, since this import could not have seen them.
    `list_position` is where YouTube listed it: the library's order for the categories' rules.
    """
    old = await conn.fetchrow(
        """SELECT title, description, privacy_status, item_count, deleted_from_youtube_at
           FROM playlists WHERE youtube_playlist_id = $1""",
        playlist.id,
    )
    fields = (playlist.title, playlist.description, playlist.privacy_status, playlist.item_count)
    if old is None:
        change = Change.NEW
    elif tuple(old.values())[:4] != fields or old["deleted_from_youtube_at"] is not None:
        change = Change.UPDATED
    else:
        change = Change.UNCHANGED
    playlist_id: int = await conn.fetchval(
        """INSERT INTO playlists AS p
               (youtube_playlist_id, title, description, privacy_status, item_count, imported_at,
                list_position, first_title)
           VALUES ($1, $2, $3, $4, $5, $6, $8, $2)
           ON CONFLICT (youtube_playlist_id) DO UPDATE SET
               title = EXCLUDED.title,
               description = EXCLUDED.description,
               privacy_status = EXCLUDED.privacy_status,
               item_count = EXCLUDED.item_count,
               imported_at = EXCLUDED.imported_at,
               list_position = coalesce(EXCLUDED.list_position, p.list_position),
               -- YouTube lists it, so it exists (again).
               deleted_from_youtube_at = NULL,
               updated_at = CASE WHEN $7 THEN now() ELSE p.updated_at END
           RETURNING id""",
        playlist.id,
        *fields,
        read_at,
        change is not Change.UNCHANGED,
        list_position,
    )
    return playlist_id, change


async def upsert_videos(conn: asyncpg.Connection, videos: Sequence[VideoRecord]) -> dict[str, int]:
    """Row ids by YouTube video id. Rows that did not change are not rewritten."""
    unique = list({video.youtube_video_id: video for video in videos}.values())
    if not unique:
        return {}
    ids = [video.youtube_video_id for video in unique]
    await conn.execute(
        """INSERT INTO videos AS v
               (youtube_video_id, title, channel_title, privacy_status, unavailable_reason,
                channel_id)
           -- An unavailable video arrives without a title: keep the one an earlier import saw.
           SELECT r.id, coalesce(r.title, old.title, ''),
                  coalesce(r.channel, old.channel_title, ''),
                  coalesce(r.privacy, old.privacy_status), r.reason,
                  coalesce(r.channel_id, old.channel_id)
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
               AS r (id, title, channel, privacy, reason, channel_id)
           LEFT JOIN videos AS old ON old.youtube_video_id = r.id
           ON CONFLICT (youtube_video_id) DO UPDATE SET
               title = EXCLUDED.title,
               channel_title = EXCLUDED.channel_title,
               privacy_status = EXCLUDED.privacy_status,
               unavailable_reason = EXCLUDED.unavailable_reason,
               channel_id = EXCLUDED.channel_id,
               updated_at = now()
           WHERE (v.title, v.channel_title, v.privacy_status, v.unavailable_reason, v.channel_id)
                 IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.channel_title,
                                   EXCLUDED.privacy_status, EXCLUDED.unavailable_reason,
                                   EXCLUDED.channel_id)""",
        ids,
        [video.title for video in unique],
        [video.channel_title for video in unique],
        [video.privacy_status for video in unique],
        [video.unavailable_reason for video in unique],
        [video.channel_id for video in unique],
    )
    rows = await conn.fetch(
        "SELECT id, youtube_video_id FROM videos WHERE youtube_video_id = ANY($1::text[])", ids
    )
    return {row["youtube_video_id"]: row["id"] for row in rows}


async def replace_playlist_videos(
    conn: asyncpg.Connection, playlist_id: int, entries: Sequence[PlaylistEntry]
) -> bool:
    """Makes the playlist's rows exactly `entries`, positions 0..n-1; True if anything changed."""
    wanted = [(position, e.video_id, e.youtube_item_id) for position, e in enumerate(entries)]
    current = await conn.fetch(
        """SELECT position, video_id, youtube_item_id FROM playlist_videos
           WHERE playlist_id = $1 ORDER BY position""",
        playlist_id,
    )
    if [tuple(row.values()) for row in current] == wanted:
        return False
    await conn.execute("DELETE FROM playlist_videos WHERE playlist_id = $1", playlist_id)
    await conn.execute(
        """INSERT INTO playlist_videos (playlist_id, position, video_id, youtube_item_id)
           SELECT $1, position - 1, video_id, item_id
           FROM unnest($2::bigint[], $3::text[]) WITH ORDINALITY AS r (video_id, item_id, position)""",
        playlist_id,
        [e.video_id for e in entries],
        [e.youtube_item_id for e in entries],
    )
    return True


async def mark_gone_playlists(conn: asyncpg.Connection, present: Collection[str]) -> list[str]:
    """Marks imported playlists YouTube no longer lists; returns their titles.

    Their rows and items stay: a categories file may still draw videos `from_playlists` of a
    playlist the sync deleted, and the backup needs what they held.
    """
    rows = await conn.fetch(
        """UPDATE playlists SET deleted_from_youtube_at = now(), updated_at = now()
           WHERE deleted_from_youtube_at IS NULL AND NOT youtube_playlist_id = ANY($1::text[])
           RETURNING title""",
        list(present),
    )
    return sorted(row["title"] for row in rows)
