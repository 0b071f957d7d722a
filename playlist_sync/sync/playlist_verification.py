"""The end of each playlist's add_videos: read it back, compare with the category, repair.

Whatever lied, lagged or came late on the way (an error answer for a write that landed, a
superseded attempt's write), the playlist is read back once its operations are done and made to
hold the category's available videos once each, in order: copies out of order or twice are
removed (`playlistItems.delete`), missing videos inserted at their place. Items of videos that
are not the category's are left alone. A video this job skipped or failed to add is an
explained absence, not a difference.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg

from playlist_sync.sync.failures import worth_retrying
from playlist_sync.sync.lagging_reads import settled_items
from playlist_sync.sync.playlist_leases import (
    PlaylistLease,
    fenced,
    last_write_at,
    mark_verified,
    note_write,
)
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.errors import InvalidInput, PlaylistFull, YouTubeError
from playlist_sync.youtube.resources import RemotePlaylistItem

# Read, compare and repair at most this often in one batch; then the workflow tries later.
_ROUNDS = 3


@dataclass
class Repair:
    """What makes a playlist match its category."""

    remove: list[RemotePlaylistItem] = field(default_factory=list)
    insert: list[str] = field(default_factory=list)  # video ids, in the category's order
    kept: dict[str, str] = field(default_factory=dict)  # video id -> the item kept

    @property
    def needed(self) -> bool:
        return bool(self.remove or self.insert)


def repair_for(
    items: list[RemotePlaylistItem], expected: list[str], may_be_absent: set[str]
) -> Repair:
    """Keep the longest run of the category's videos already in order (each once), remove
    their other copies, insert what is missing."""
    rank = {video: index for index, video in enumerate(expected)}
    ours = [item for item in items if item.video_id in rank]
    keep = _longest_in_order(ours, rank)
    repair = Repair(kept={item.video_id: item.id for item in keep})
    kept_ids = {item.id for item in keep}
    repair.remove = [item for item in ours if item.id not in kept_ids]
    repair.insert = [v for v in expected if v not in repair.kept and v not in may_be_absent]
    return repair


def _longest_in_order(
    items: list[RemotePlaylistItem], rank: dict[str, int]
) -> list[RemotePlaylistItem]:
    """The longest subsequence whose ranks strictly increase (patience sorting)."""
    tails: list[int] = []  # rank at the end of the best run of each length
    ends: list[int] = []  # index (in items) of that run's last item
    previous: list[int | None] = []
    for index, item in enumerate(items):
        length = bisect.bisect_left(tails, rank[item.video_id])
        if length == len(tails):
            tails.append(rank[item.video_id])
            ends.append(index)
        else:
            tails[length] = rank[item.video_id]
            ends[length] = index
        previous.append(ends[length - 1] if length else None)
    run: list[RemotePlaylistItem] = []
    at = ends[-1] if ends else None
    while at is not None:
        run.append(items[at])
        at = previous[at]
    return run[::-1]


async def verify_playlist(
    youtube: SyncYouTube,
    pool: asyncpg.Pool,
    lease: PlaylistLease,
    playlist_id: str,
    *,
    lag_allowance: float,
    beat: Callable[[], None],
) -> tuple[bool, list[str]]:
    """Whether the playlist now matches the category (noted as `verified_at`), and what the
    repairs did (for the job's errors: a repair means something went wrong on the way)."""
    expected = await expected_videos(pool, lease.category_id)
    absent_ok = await explained_absences(pool, lease)
    notes: list[str] = []
    for _ in range(_ROUNDS):
        items = await settled_items(
            youtube,
            playlist_id,
            last_write=await last_write_at(pool, lease),
            lag_allowance=lag_allowance,
            shows=lambda found: not repair_for(found, expected, absent_ok).needed,
            beat=beat,
        )
        repair = repair_for(items, expected, absent_ok)
        if not repair.needed:
            await _note_kept_items(pool, lease, repair.kept)
            await mark_verified(pool, lease)
            return True, notes
        notes += await _apply(youtube, pool, lease, playlist_id, items, repair, expected, absent_ok)
    return False, notes


async def expected_videos(pool: asyncpg.Pool, category_id: int) -> list[str]:
    """The category's available videos, in its order: what its playlist must hold."""
    rows = await pool.fetch(
        """SELECT v.youtube_video_id FROM category_videos cv JOIN videos v ON v.id = cv.video_id
           WHERE cv.category_id = $1 AND v.unavailable_reason IS NULL ORDER BY cv.position""",
        category_id,
    )
    return [row["youtube_video_id"] for row in rows]


async def explained_absences(pool: asyncpg.Pool, lease: PlaylistLease) -> set[str]:
    """Videos this job skipped or failed to add (reported already): not to be inserted."""
    rows = await pool.fetch(
        """SELECT youtube_video_id FROM sync_video_operations
           WHERE sync_job_id = $1 AND category_id = $2 AND status IN ('skipped', 'failed')""",
        lease.job_id,
        lease.category_id,
    )
    return {row["youtube_video_id"] for row in rows}


async def _apply(
    youtube: SyncYouTube,
    pool: asyncpg.Pool,
    lease: PlaylistLease,
    playlist_id: str,
    items: list[RemotePlaylistItem],
    repair: Repair,
    expected: list[str],
    absent_ok: set[str],
) -> list[str]:
    """The repair's writes, one at a time. A write whose outcome is unknown ends the round:
    the next round's read-back shows what happened."""
    notes: list[str] = []
    # The playlist as it stands after each write: (item id, video id).
    order = [(item.id, item.video_id) for item in items]
    for item in repair.remove:
        async with fenced(pool, lease) as conn:
            await note_write(conn, lease)
        try:
            await youtube.delete_playlist_item(item.id)
        except InvalidInput as error:
            if error.status != 404:
                raise
            # Already gone (a lagging list still showed it).
        except YouTubeError as error:
            if not worth_retrying(error):
                raise
            return notes
        order = [entry for entry in order if entry[0] != item.id]
        notes.append(f"removed a copy of {item.video_id} (a duplicate or out of order)")
    rank = {video: index for index, video in enumerate(expected)}
    for video in repair.insert:
        # Right after the nearest video that comes before it in the category.
        before = [i for i, (_, v) in enumerate(order) if v in rank and rank[v] < rank[video]]
        position = before[-1] + 1 if before else 0
        async with fenced(pool, lease) as conn:
            await note_write(conn, lease)
        try:
            item_id = await youtube.add_video_to_playlist(playlist_id, video, position)
        except InvalidInput as error:
            if error.reason != "manualSortRequired":
                raise
            # Not sorted by hand: YouTube only appends to it.
            item_id = await youtube.add_video_to_playlist(playlist_id, video)
            position = len(order)
        except PlaylistFull:
            missing = repair.insert[repair.insert.index(video) :]
            absent_ok.update(missing)
            notes.append(f"could not insert {', '.join(missing)}: the playlist is full")
            break
        except YouTubeError as error:
            if not worth_retrying(error):
                raise
            return notes
        order.insert(position, (item_id, video))
        notes.append(f"inserted missing {video} at position {position}")
    return notes


async def _note_kept_items(pool: asyncpg.Pool, lease: PlaylistLease, kept: dict[str, str]) -> None:
    """The operations point at the items that stayed (a removed copy may have been theirs)."""
    async with fenced(pool, lease) as conn:
        await conn.execute(
            """UPDATE sync_video_operations o SET youtube_item_id = k.item_id
               FROM unnest($3::text[], $4::text[]) AS k(video_id, item_id)
               WHERE o.sync_job_id = $1 AND o.category_id = $2 AND o.status = 'completed'
                 AND o.youtube_video_id = k.video_id""",
            lease.job_id,
            lease.category_id,
            list(kept),
            list(kept.values()),
        )
