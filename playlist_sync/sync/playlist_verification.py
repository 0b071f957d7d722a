"""The end of each playlist's add_videos: read it back, compare with the category, repair.

Whatever lied, lagged or came late on the way (an error answer for a write that landed, a
superseded attempt's write), the playlist is read back once its operations are done and made to
hold the category's available videos once each, in order, with the fewest writes
(reconcile/playlist_edit.py): second copies removed, misplaced ones moved, missing ones
inserted. An item of a video that is not the category's is removed only if the plan removes it
(it was in the backup); one added since is the user's, and is left alone. A video this job
skipped or failed to add is an explained absence, not a difference.
"""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from playlist_sync.library.seen import record_playlist
from playlist_sync.reconcile.playlist_edit import (
    Item,
    PlaylistEdit,
    edit_for,
    position_after_predecessor,
)
from playlist_sync.sync.lagging_reads import settled_items
from playlist_sync.sync.playlist_leases import (
    PlaylistLease,
    fenced,
    last_write_at,
    mark_verified,
    note_write,
)
from playlist_sync.sync.playlist_writes import insert_in_place, note_refuses_positions
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.errors import InvalidInput, PlaylistFull, YouTubeError
from playlist_sync.youtube.failures import worth_retrying
from playlist_sync.youtube.resources import RemotePlaylistItem

# Read, compare and repair at most this often in one batch; then the workflow tries later.
_ROUNDS = 3


class _Expected:
    """What the playlist must hold, and what the repair may do to it."""

    def __init__(
        self, videos: list[str], absent_ok: set[str], removable: set[str], sortable: bool
    ) -> None:
        self.videos = videos
        self.absent_ok = absent_ok
        self.removable = removable  # item ids the plan removes (they were in the backup)
        self.sortable = sortable  # False: YouTube refuses positions in this playlist

    def edit(self, listed: list[RemotePlaylistItem]) -> PlaylistEdit:
        edit = edit_for(
            [Item(i.id, i.video_id) for i in listed],
            self.videos,
            may_be_absent=self.absent_ok,
            leave_alone=lambda item: item.id not in self.removable,
        )
        if not self.sortable:
            edit.move = []  # the order is YouTube's: reported, not repaired
        return edit


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
    expected = _Expected(
        await expected_videos(pool, lease.category_id),
        await explained_absences(pool, lease),
        await _planned_removals(pool, lease),
        not await pool.fetchval(
            "SELECT refuses_positions FROM playlists WHERE youtube_playlist_id = $1", playlist_id
        ),
    )
    notes: list[str] = []
    for _ in range(_ROUNDS):
        items = await settled_items(
            youtube,
            playlist_id,
            last_write=await last_write_at(pool, lease),
            lag_allowance=lag_allowance,
            shows=lambda found: expected.edit(found).writes == 0,
            beat=beat,
        )
        edit = expected.edit(items)
        if edit.writes == 0:
            await _note_kept_items(pool, lease, {v: i.id for v, i in edit.kept.items() if i.id})
            async with pool.acquire() as conn, conn.transaction():
                # The library is YouTube as last seen: the next sync plans from this.
                await record_playlist(conn, playlist_id, items)
            await mark_verified(pool, lease)
            return True, notes
        notes += await _apply(youtube, pool, lease, playlist_id, items, edit, expected)
    return False, notes


async def _planned_removals(pool: asyncpg.Pool, lease: PlaylistLease) -> set[str]:
    rows = await pool.fetch(
        """SELECT youtube_item_id FROM sync_video_operations
           WHERE sync_job_id = $1 AND category_id = $2 AND operation = 'remove'
             AND youtube_item_id IS NOT NULL""",
        lease.job_id,
        lease.category_id,
    )
    return {row[0] for row in rows}


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
    edit: PlaylistEdit,
    expected: _Expected,
) -> list[str]:
    """The repair's writes, one at a time, as add_videos makes them: removals, then each
    moved or missing video right after its predecessor. A write whose outcome is unknown ends
    the round: the next round's read-back shows what happened."""
    notes: list[str] = []
    order = [Item(item.id, item.video_id) for item in items]
    rank = {video: index for index, video in enumerate(expected.videos)}
    for item in edit.remove:
        async with fenced(pool, lease) as conn:
            await note_write(conn, lease)
        try:
            await youtube.delete_playlist_item(item.id or "")
        except InvalidInput as error:
            if error.status != 404:
                raise
            # Already gone (a lagging list still showed it).
        except YouTubeError as error:
            if not worth_retrying(error):
                raise
            return notes
        order.remove(item)
        notes.append(f"removed a copy of {item.video_id} (a duplicate or not the category's)")
    moving = {item.video_id: item for item in edit.move}
    for video in expected.videos:
        if video not in moving and video not in edit.insert:
            continue
        async with fenced(pool, lease) as conn:
            await note_write(conn, lease)
        try:
            if video in moving:
                item = moving[video]
                rest = [i for i in order if i is not item]
                position = position_after_predecessor(rest, video, rank)
                try:
                    await youtube.move_playlist_item(item.id or "", playlist_id, video, position)
                except InvalidInput as error:
                    if error.reason != "manualSortRequired":
                        raise
                    await note_refuses_positions(pool, playlist_id)
                    expected.sortable = False
                    notes.append("YouTube sorts this playlist itself: its order is left as is")
                    return notes
                order = [*rest[:position], item, *rest[position:]]
                notes.append(f"moved {video} into place (position {position})")
                continue
            item = await insert_in_place(youtube, pool, playlist_id, video, order, rank)
            notes.append(f"inserted missing {video} at position {order.index(item)}")
        except PlaylistFull:
            missing = edit.insert[edit.insert.index(video) :] if video in edit.insert else []
            expected.absent_ok.update(missing)
            notes.append(f"could not insert {', '.join(missing)}: the playlist is full")
            break
        except YouTubeError as error:
            if not worth_retrying(error):
                raise
            return notes
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
