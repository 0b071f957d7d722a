"""The plan of a sync, computed from Postgres: what the preview shows and the stages do.

The library tables are YouTube as last seen (the import, the backup each sync takes first, and
what syncs wrote since); the categories say what it should be. reconcile/ turns the two into
the fewest writes. The preview and the sync's stages both call these functions, so what a user
approves is what the sync does.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TypeAlias

import asyncpg

from playlist_sync.models import (
    PlaylistToCreate,
    PlaylistToDelete,
    UnavailableVideo,
    VideoInNoPlaylist,
)
from playlist_sync.quota_windows import QuotaReset, window_start
from playlist_sync.reconcile.assignment import (
    Candidate,
    Reconciliation,
    Strategy,
    Target,
    reconcile,
)
from playlist_sync.reconcile.playlist_edit import Item

# The planner reads through a pool, or a connection when several reads must agree.
Database: TypeAlias = asyncpg.Pool | asyncpg.Connection

# A category needs a playlist when it has none yet, or when the one it had is gone from
# YouTube (the user deleted it): adding to it would only answer playlistNotFound.
_NEEDS_PLAYLIST = """
    (c.youtube_playlist_id IS NULL OR EXISTS (
        SELECT 1 FROM playlists gone WHERE gone.youtube_playlist_id = c.youtube_playlist_id
        AND gone.deleted_from_youtube_at IS NOT NULL))
"""


async def categories_to_create(db: Database) -> list[PlaylistToCreate]:
    rows = await db.fetch(
        f"""SELECT c.name AS category_name, c.id AS category_id FROM categories c
            WHERE {_NEEDS_PLAYLIST} ORDER BY c.position, c.id"""
    )
    return [PlaylistToCreate(**row) for row in rows]


async def targets(db: Database) -> list[Target]:
    """Each category as the playlist it must become: its available videos, in its order."""
    categories = await db.fetch(
        """SELECT id, name, description, privacy_status, youtube_playlist_id
           FROM categories ORDER BY position, id"""
    )
    videos: dict[int, list[str]] = defaultdict(list)
    tolerated: dict[int, set[str]] = defaultdict(set)
    for row in await db.fetch(
        """SELECT cv.category_id, v.youtube_video_id, v.unavailable_reason IS NULL AS available
           FROM category_videos cv JOIN videos v ON v.id = cv.video_id
           ORDER BY cv.category_id, cv.position"""
    ):
        if row["available"]:
            videos[row["category_id"]].append(row["youtube_video_id"])
        else:
            tolerated[row["category_id"]].add(row["youtube_video_id"])
    return [
        Target(
            key=row["id"],
            title=row["name"],
            description=row["description"],
            privacy=row["privacy_status"],
            videos=tuple(videos[row["id"]]),
            previous_playlist=row["youtube_playlist_id"],
            tolerated=frozenset(tolerated[row["id"]]),
        )
        for row in categories
    ]


async def candidates(db: Database) -> list[Candidate]:
    """The playlists a category may adopt: on YouTube, not kept. Every other is deleted."""
    playlists = await db.fetch(
        """SELECT id, youtube_playlist_id, title, description, privacy_status, refuses_positions
           FROM playlists WHERE deleted_from_youtube_at IS NULL AND NOT kept
           ORDER BY title, id"""
    )
    items: dict[int, list[Item]] = defaultdict(list)
    for row in await db.fetch(
        """SELECT pv.playlist_id, pv.youtube_item_id, v.youtube_video_id
           FROM playlist_videos pv JOIN videos v ON v.id = pv.video_id
           JOIN playlists p ON p.id = pv.playlist_id
           WHERE p.deleted_from_youtube_at IS NULL AND NOT p.kept
           ORDER BY pv.playlist_id, pv.position"""
    ):
        items[row["playlist_id"]].append(Item(row["youtube_item_id"], row["youtube_video_id"]))
    return [
        Candidate(
            id=row["youtube_playlist_id"],
            title=row["title"],
            description=row["description"],
            privacy=row["privacy_status"],
            items=tuple(items[row["id"]]),
            refuses_positions=row["refuses_positions"],
        )
        for row in playlists
    ]


async def reconciliation(db: Database, strategy: Strategy) -> Reconciliation:
    return reconcile(await targets(db), await candidates(db), strategy)


async def unavailable_videos(db: Database) -> list[tuple[int, UnavailableVideo]]:
    """The categories' videos a sync cannot add (deleted or private), with the reason, each
    beside its category's id."""
    rows = await db.fetch(
        """SELECT c.id, c.name, v.youtube_video_id, v.unavailable_reason FROM categories c
           JOIN category_videos cv ON cv.category_id = c.id JOIN videos v ON v.id = cv.video_id
           WHERE v.unavailable_reason IS NOT NULL ORDER BY c.position, c.id, cv.position"""
    )
    return [
        (r[0], UnavailableVideo(category_name=r[1], youtube_video_id=r[2], reason=r[3]))
        for r in rows
    ]


def left_in_place(plan: Reconciliation) -> set[tuple[int, str]]:
    """(category, video) of the unavailable videos whose items the playlist a category adopts
    already holds: its edit leaves them where they are (Target.tolerated), as add_videos does."""
    return {
        (choice.target.key, item.video_id)
        for choice in plan.choices
        if choice.adopted is not None
        for item in choice.adopted.items
        if item.video_id in choice.target.tolerated
    }


async def playlists_to_delete(db: Database) -> list[PlaylistToDelete]:
    """Old playlists: on YouTube, no category's target and not kept."""
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


# Available videos of the playlists the sync deletes or edits that no category and no kept
# playlist holds: after the sync they are in no playlist (the backup keeps them).
_IN_NO_PLAYLIST = """
    SELECT v.youtube_video_id, v.title, array_agg(DISTINCT p.title ORDER BY p.title) AS names
    FROM playlists p
    JOIN playlist_videos pv ON pv.playlist_id = p.id
    JOIN videos v ON v.id = pv.video_id
    WHERE p.deleted_from_youtube_at IS NULL AND NOT p.kept AND v.unavailable_reason IS NULL
      AND NOT EXISTS (SELECT 1 FROM category_videos cv WHERE cv.video_id = v.id)
      AND NOT EXISTS (SELECT 1 FROM playlist_videos kv JOIN playlists k ON k.id = kv.playlist_id
                      WHERE kv.video_id = v.id AND k.kept AND k.deleted_from_youtube_at IS NULL)
    GROUP BY v.id ORDER BY min(p.title), v.youtube_video_id
"""


async def videos_in_no_playlist(db: Database) -> list[VideoInNoPlaylist]:
    rows = await db.fetch(_IN_NO_PLAYLIST)
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
