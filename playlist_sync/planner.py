"""The plan of a sync, computed from Postgres: what the preview shows and the stages do.

The preview and the sync's stages both call these functions, so what a user approves is
exactly what the sync does.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, TypeAlias

import asyncpg

from playlist_sync.categories.shared import shared_videos
from playlist_sync.models import (
    AddVideosPlan,
    CategoryAddition,
    CreatePlaylistsPlan,
    DeletePlaylistsPlan,
    PlannedStages,
    PlaylistToCreate,
    PlaylistToDelete,
    SyncPreview,
    UnavailableVideo,
    VideoInNoPlaylist,
)
from playlist_sync.quota_windows import QuotaReset, sync_windows, window_start
from playlist_sync.youtube.costs import WRITE_COST
from playlist_sync.youtube.quota_ledger import DEFAULT_CREATES_PER_WINDOW

# The planner reads through a pool, or a connection when several reads must agree.
Database: TypeAlias = asyncpg.Pool | asyncpg.Connection

# A category needs a playlist when it has none yet, or when the one it had is gone from
# YouTube (the user deleted it): adding to it would only answer playlistNotFound.
_NEEDS_PLAYLIST = """
    (c.youtube_playlist_id IS NULL OR EXISTS (
        SELECT 1 FROM playlists gone WHERE gone.youtube_playlist_id = c.youtube_playlist_id
        AND gone.deleted_from_youtube_at IS NOT NULL))
"""

# The videos of each category that its playlist lacks, in the category's order. A video is
# already in the playlist if the last import saw it there, or if a sync added it since the
# moment that import read the playlist (or ever, if the playlist was never imported). The
# job a preview is for ($2) trusts all its own additions: YouTube's lists can lag its writes.
_MISSING_VIDEOS = f"""
    SELECT c.id AS category_id, c.name AS category_name, v.id AS video_id,
           v.youtube_video_id, cv.position, v.unavailable_reason
    FROM categories c
    JOIN category_videos cv ON cv.category_id = c.id
    JOIN videos v ON v.id = cv.video_id
    LEFT JOIN playlists target ON target.youtube_playlist_id = c.youtube_playlist_id
    WHERE ($1::bigint IS NULL OR c.id = $1)
      AND ({_NEEDS_PLAYLIST} OR NOT (
          EXISTS (SELECT 1 FROM playlist_videos pv
                  WHERE pv.playlist_id = target.id AND pv.video_id = v.id)
          OR EXISTS (SELECT 1 FROM sync_video_operations op
                     WHERE op.category_id = c.id AND op.video_id = v.id
                       AND op.status = 'completed'
                       AND (target.id IS NULL OR op.completed_at > target.imported_at
                            OR op.sync_job_id = $2))))
    ORDER BY c.position, c.id, cv.position
"""


class VideoToAdd(NamedTuple):
    video_id: int
    youtube_video_id: str
    position: int  # in the category: the order to add them in


async def categories_to_create(db: Database) -> list[PlaylistToCreate]:
    rows = await db.fetch(
        f"""SELECT c.name AS category_name, c.id AS category_id FROM categories c
            WHERE {_NEEDS_PLAYLIST} ORDER BY c.position, c.id"""
    )
    return [PlaylistToCreate(**row) for row in rows]


async def videos_to_add(
    db: Database, category_id: int, *, sync_job_id: int | None = None
) -> list[VideoToAdd]:
    """The category's available videos its playlist lacks; unavailable ones are left out."""
    rows = await db.fetch(_MISSING_VIDEOS, category_id, sync_job_id)
    return [
        VideoToAdd(row["video_id"], row["youtube_video_id"], row["position"])
        for row in rows
        if row["unavailable_reason"] is None
    ]


async def missing_videos(db: Database, *, sync_job_id: int | None = None) -> list[asyncpg.Record]:
    """Every category's videos its playlist lacks, unavailable ones included (with the reason):
    the rows the sync's add_videos stage turns into operations."""
    return list(await db.fetch(_MISSING_VIDEOS, None, sync_job_id))


async def unavailable_videos(
    db: Database, *, sync_job_id: int | None = None
) -> list[UnavailableVideo]:
    """The videos a sync would add but cannot (deleted or private), with the reason."""
    rows = await db.fetch(_MISSING_VIDEOS, None, sync_job_id)
    return _unavailable(rows)


async def playlists_to_delete(db: Database) -> list[PlaylistToDelete]:
    """Old playlists: imported, still on YouTube, no category's target and not kept."""
    rows = await db.fetch(
        """SELECT p.title AS playlist_name, p.id AS playlist_id, p.youtube_playlist_id AS youtube_id,
                  (SELECT count(*) FROM playlist_videos pv WHERE pv.playlist_id = p.id)::int
                      AS video_count
           FROM playlists p
           WHERE p.deleted_from_youtube_at IS NULL AND NOT p.kept
             AND NOT EXISTS (SELECT 1 FROM categories c
                             WHERE c.youtube_playlist_id = p.youtube_playlist_id)
           ORDER BY p.title, p.id"""
    )
    return [PlaylistToDelete(**row) for row in rows]


# Available videos of the old playlists to delete that no category and no kept playlist holds.
_IN_NO_PLAYLIST = """
    SELECT v.youtube_video_id, v.title, array_agg(DISTINCT p.title ORDER BY p.title) AS names
    FROM playlists p
    JOIN playlist_videos pv ON pv.playlist_id = p.id
    JOIN videos v ON v.id = pv.video_id
    WHERE p.id = ANY($1::bigint[]) AND v.unavailable_reason IS NULL
      AND NOT EXISTS (SELECT 1 FROM category_videos cv WHERE cv.video_id = v.id)
      AND NOT EXISTS (SELECT 1 FROM playlist_videos kv JOIN playlists k ON k.id = kv.playlist_id
                      WHERE kv.video_id = v.id AND k.kept AND k.deleted_from_youtube_at IS NULL)
    GROUP BY v.id ORDER BY min(p.title), v.youtube_video_id
"""


async def videos_in_no_playlist(
    db: Database, to_delete: list[PlaylistToDelete]
) -> list[VideoInNoPlaylist]:
    rows = await db.fetch(_IN_NO_PLAYLIST, [p.playlist_id for p in to_delete])
    return [
        VideoInNoPlaylist(youtube_video_id=row[0], title=row[1], playlist_names=row[2])
        for row in rows
    ]


async def quota_remaining(
    db: Database, *, daily_quota: int, reset: QuotaReset, now: datetime
) -> int:
    """Units left in the quota window that contains `now`, by the ledger."""
    used = await db.fetchval(
        "SELECT units_used FROM quota_windows WHERE window_start = $1", window_start(now, reset)
    )
    return max(daily_quota - (used or 0), 0)


async def creations_left(
    db: Database, *, creates_per_window: int, reset: QuotaReset, now: datetime
) -> int:
    """New playlists the window that contains `now` still allows, by the ledger."""
    row = await db.fetchrow(
        "SELECT playlists_created, creation_refused_at FROM quota_windows WHERE window_start = $1",
        window_start(now, reset),
    )
    if row is None:
        return creates_per_window
    if row["creation_refused_at"] is not None:
        return 0
    return max(creates_per_window - row["playlists_created"], 0)


async def build_preview(
    pool: asyncpg.Pool,
    *,
    daily_quota: int,
    reset: QuotaReset,
    now: datetime,
    sync_job_id: int | None = None,
    creates_per_window: int = DEFAULT_CREATES_PER_WINDOW,
) -> SyncPreview:
    """What a sync would do now, what it costs, and how many quota windows it takes.

    The windows: the sync makes its playlists first, at most `creates_per_window` a window
    (YouTube's limit on new playlists), then spends the rest of the units from the window of
    the last one on; see quota_windows.sync_windows."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        # One snapshot: an import or apply running meanwhile cannot make the parts disagree.
        to_create = await categories_to_create(conn)
        missing = await conn.fetch(_MISSING_VIDEOS, None, sync_job_id)
        to_delete = await playlists_to_delete(conn)
        in_no_playlist = await videos_in_no_playlist(conn, to_delete)
        shared = await shared_videos(conn)
        remaining = await quota_remaining(conn, daily_quota=daily_quota, reset=reset, now=now)
        creates_left = await creations_left(
            conn, creates_per_window=creates_per_window, reset=reset, now=now
        )

    counts: dict[int, int] = {}
    names: dict[int, str] = {}
    for row in missing:
        if row["unavailable_reason"] is None:
            counts[row["category_id"]] = counts.get(row["category_id"], 0) + 1
            names[row["category_id"]] = row["category_name"]
    additions = [
        CategoryAddition(category_name=names[category_id], category_id=category_id, video_count=n)
        for category_id, n in counts.items()
    ]
    add_count = sum(counts.values())
    total = WRITE_COST * (len(to_create) + add_count + len(to_delete))
    return SyncPreview(
        stages=PlannedStages(
            create_playlists=CreatePlaylistsPlan(
                count=len(to_create), quota_cost=WRITE_COST * len(to_create), items=to_create
            ),
            add_videos=AddVideosPlan(
                count=add_count, quota_cost=WRITE_COST * add_count, by_category=additions
            ),
            delete_playlists=DeletePlaylistsPlan(
                count=len(to_delete), quota_cost=WRITE_COST * len(to_delete), items=to_delete
            ),
        ),
        total_quota_cost=total,
        estimated_days=sync_windows(
            creates=len(to_create),
            other_units=total - WRITE_COST * len(to_create),
            daily_quota=daily_quota,
            units_left=remaining,
            creates_per_window=creates_per_window,
            creates_left=creates_left,
            write_cost=WRITE_COST,
        ),
        daily_quota_limit=daily_quota,
        unavailable_videos=_unavailable(missing),
        quota_remaining_today=remaining,
        videos_in_no_playlist=in_no_playlist,
        shared_videos=shared,
    )


def _unavailable(rows: list[asyncpg.Record]) -> list[UnavailableVideo]:
    return [
        UnavailableVideo(
            category_name=row["category_name"],
            youtube_video_id=row["youtube_video_id"],
            reason=row["unavailable_reason"],
        )
        for row in rows
        if row["unavailable_reason"] is not None
    ]
