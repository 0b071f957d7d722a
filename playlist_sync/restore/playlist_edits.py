"""One batch of a restored playlist's edit, planned from a read of the playlist right before it.

The read is sent no sooner than the lag allowance after the playlist's last write (lagging
reads), so it shows every write that landed, those answered with an error included: the plan
made from it (reconcile/playlist_edit.py: the fewest writes, each video right after its
predecessor) never sends a write twice. A write whose answer was an error that another try may
get past ends the batch: the next one reads again. A write YouTube refuses as it is
(invalidPlaylistItemPosition, playlistItemNotFound, ...) is planned again from a new read, and
after a few refusals its video is reported failed with the reason.

While restoring, only wanted videos are inserted and moved (and second copies removed): items the
snapshot lacks stay until every restored playlist holds its videos, so that a video moving
between playlists is in its new one before it leaves the old one. Removing then takes those
items out. A batch that finds nothing to write has verified the playlist.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import NoReturn

import asyncpg

from playlist_sync.reconcile.playlist_edit import Item, PlaylistEdit, edit_for
from playlist_sync.reconcile.playlist_edit import position_after_predecessor as after_predecessor
from playlist_sync.restore.job_store import append_errors, writes_held
from playlist_sync.restore.lease import (
    RestoreLease,
    expected_items,
    last_write_at,
    note_acknowledged,
    note_write,
)
from playlist_sync.restore.models import RestoreError
from playlist_sync.restore.payloads import PlaylistOutcome
from playlist_sync.restore.playlist_making import gone
from playlist_sync.restore.youtube_port import RestoreYouTube
from playlist_sync.sync.lagging_reads import settled_items
from playlist_sync.youtube.errors import (
    InvalidInput,
    PlaylistFull,
    PlaylistNotFound,
    QuotaExceeded,
    VideoUnavailable,
    YouTubeError,
)
from playlist_sync.youtube.failures import needs_user, worth_retrying

# The same write refused this many times, each from a new read: the video is reported failed.
REFUSALS_BEFORE_FAILING = 3


class _BatchEnds(Exception):
    """The batch stops here; the next one plans again from a new read."""


class _Wanted:
    """What the playlist must hold: the snapshot's videos still to be in it, in order."""

    def __init__(self, rows: list[asyncpg.Record], *, removing: bool) -> None:
        self.rows = rows
        ended = {r["youtube_video_id"] for r in rows if r["status"] in ("skipped", "failed")}
        self.videos = list(
            dict.fromkeys(
                r["youtube_video_id"] for r in rows if r["status"] in ("pending", "completed")
            )
        )
        self.videos = [v for v in self.videos if v not in ended]
        self.snapshot = {r["youtube_video_id"] for r in rows}
        self.removing = removing

    def edit(self, items: list[Item]) -> PlaylistEdit:
        edit = edit_for(
            items,
            self.videos,
            # Restoring: nothing but second copies goes. Removing: every item the snapshot
            # lacks (a skipped or failed video of the snapshot stays, as it was backed up).
            leave_alone=lambda item: not self.removing or item.video_id in self.snapshot,
        )
        return edit


async def edit_playlist(
    youtube: RestoreYouTube,
    pool: asyncpg.Pool,
    lease: RestoreLease,
    row: asyncpg.Record,
    playlist_id: str,
    outcome: PlaylistOutcome,
    *,
    max_writes: int,
    lag_allowance: float,
    removing: bool,
    beat: Callable[[], None],
) -> bool:
    """One batch; True when a read found the playlist as wanted (nothing written)."""
    expected = await expected_items(pool, lease)
    try:
        listed = await settled_items(
            youtube,
            playlist_id,
            last_write=await last_write_at(pool, lease),
            lag_allowance=lag_allowance,
            # A list showing what the last batch's acknowledged writes left is as new as them.
            shows=lambda found: expected is not None and [i.id for i in found] == expected,
            beat=beat,
        )
    except PlaylistNotFound:
        await gone(pool, row["id"])
        return False
    rows = await pool.fetch(
        """SELECT id, youtube_video_id, status, refusals FROM restore_items
           WHERE restore_playlist_id = $1 ORDER BY position""",
        row["id"],
    )
    wanted = _Wanted(list(rows), removing=removing)
    order = [Item(i.id, i.video_id) for i in listed]
    edit = wanted.edit(order)
    moving = {item.video_id for item in edit.move}
    await _note_in_place(
        pool, row["id"], {v: i.id for v, i in edit.kept.items() if v not in moving}
    )
    if edit.writes == 0:
        return True
    writes = _Writes(youtube, pool, lease, row, playlist_id, outcome, order, wanted)
    try:
        for item in edit.remove:
            await writes.remove(item)
        for video in wanted.videos:
            if writes.sent >= max_writes:
                break
            if video in moving:
                await writes.move(edit.kept[video])
            elif video in edit.insert:
                await writes.insert(video)
        await note_acknowledged(pool, lease, [item.id or "" for item in order])
    except _BatchEnds:
        pass
    except PlaylistNotFound:
        await gone(pool, row["id"])
    except PlaylistFull as error:
        outcome.new_errors += await _fail_rest(pool, row, error)
    return False


class _Writes:
    """The batch's writes, one at a time, keeping `order` (the playlist as it stands) exact."""

    def __init__(
        self,
        youtube: RestoreYouTube,
        pool: asyncpg.Pool,
        lease: RestoreLease,
        row: asyncpg.Record,
        playlist_id: str,
        outcome: PlaylistOutcome,
        order: list[Item],
        wanted: _Wanted,
    ) -> None:
        self.youtube, self.pool, self.lease, self.row = youtube, pool, lease, row
        self.playlist_id, self.outcome, self.order, self.wanted = (
            playlist_id,
            outcome,
            order,
            wanted,
        )
        self.rank = {video: index for index, video in enumerate(wanted.videos)}
        self.sent = 0
        self.positions_refused = False

    async def remove(self, item: Item) -> None:
        await self._before()
        try:
            await self.youtube.delete_playlist_item(item.id or "")
        except InvalidInput as error:
            if error.status != 404:
                await self._refused(item.video_id, error)
            # A 404: already gone, as wanted (a lagging list still showed it).
        except YouTubeError as error:
            await self._failed(item.video_id, error)
        self.order.remove(item)

    async def move(self, item: Item) -> None:
        rest = [i for i in self.order if i is not item]
        position = after_predecessor(rest, item.video_id, self.rank)
        if self.order.index(item) == position or self.positions_refused:
            return
        await self._before()
        try:
            await self.youtube.move_playlist_item(
                item.id or "", self.playlist_id, item.video_id, position
            )
        except InvalidInput as error:
            if error.reason == "manualSortRequired":
                await self._positions_refused()
                return
            await self._refused(item.video_id, error)
        except YouTubeError as error:
            await self._failed(item.video_id, error)
        self.order[:] = [*rest[:position], item, *rest[position:]]
        await self._done(item.video_id, item.id)

    async def insert(self, video: str) -> None:
        position = after_predecessor(self.order, video, self.rank)
        at_end = position == len(self.order) or self.positions_refused
        await self._before()
        try:
            try:
                item_id = await self.youtube.add_video_to_playlist(
                    self.playlist_id, video, None if at_end else position
                )
            except InvalidInput as error:
                if error.reason != "manualSortRequired":
                    raise
                await self._positions_refused()
                # Not sorted by hand: YouTube only appends to it.
                await self._before()
                item_id = await self.youtube.add_video_to_playlist(self.playlist_id, video)
                at_end = True
        except VideoUnavailable as error:
            await self._end_video(video, "skipped", error.message)
            return
        except InvalidInput as error:
            await self._refused(video, error)
        except YouTubeError as error:
            await self._failed(video, error)
        self.order.insert(len(self.order) if at_end else position, Item(item_id, video))
        await self._done(video, item_id)
        await self.pool.execute(
            """UPDATE restore_items SET added = true
               WHERE restore_playlist_id = $1 AND youtube_video_id = $2""",
            self.row["id"],
            video,
        )
        self.outcome.done += 1

    async def _before(self) -> None:
        if await writes_held(self.pool, self.row["restore_job_id"]):
            self.outcome.held = True
            raise _BatchEnds
        await note_write(self.pool, self.lease)
        self.sent += 1

    async def _failed(self, video: str, error: YouTubeError) -> NoReturn:
        if isinstance(error, QuotaExceeded):
            # Refused before it was sent, or by YouTube: either way nothing was written.
            self.outcome.quota_exhausted, self.outcome.next_reset = True, error.next_reset
            raise _BatchEnds
        if isinstance(error, PlaylistNotFound | PlaylistFull):
            raise error
        if worth_retrying(error):
            # Unknown, not failed: the next batch's read (late enough) shows what happened.
            self.outcome.retry_later = True
            raise _BatchEnds
        if needs_user(error):
            raise error
        await self._refused(video, error)

    async def _refused(self, video: str, error: YouTubeError) -> NoReturn:
        """The same request would be refused again: plan again from a new read, and after a
        few refusals report the video failed with YouTube's reason."""
        refusals = await self.pool.fetchval(
            """UPDATE restore_items SET refusals = refusals + 1
               WHERE restore_playlist_id = $1 AND youtube_video_id = $2
                 AND status IN ('pending', 'completed')
               RETURNING refusals""",
            self.row["id"],
            video,
        )
        if refusals is not None and refusals >= REFUSALS_BEFORE_FAILING:
            await self._end_video(video, "failed", error.message)
        self.outcome.consecutive_failures += 1
        raise _BatchEnds

    async def _end_video(self, video: str, status: str, reason: str) -> None:
        error = RestoreError(
            entity_type="video",
            entity_id=video,
            message=f"{status} in {self.row['title']!r}: {reason}",
            timestamp=datetime.now(UTC),
        )
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                """UPDATE restore_items SET status = $3, error_message = $4,
                       completed_at = now()
                   WHERE restore_playlist_id = $1 AND youtube_video_id = $2
                     AND status IN ('pending', 'completed')""",
                self.row["id"],
                video,
                status,
                reason,
            )
            await append_errors(conn, self.row["restore_job_id"], [error])
        self.outcome.new_errors.append(error)
        self.outcome.skipped += status == "skipped"
        self.outcome.failed += status == "failed"

    async def _positions_refused(self) -> None:
        if not self.positions_refused:
            self.positions_refused = True
            await self.pool.execute(
                "UPDATE playlists SET refuses_positions = true WHERE youtube_playlist_id = $1",
                self.playlist_id,
            )

    async def _done(self, video: str, item_id: str | None) -> None:
        await _note_in_place(self.pool, self.row["id"], {video: item_id})


async def _note_in_place(
    pool: asyncpg.Pool, restore_playlist_id: int, items: dict[str, str | None]
) -> None:
    """These videos are in the playlist, in place: their rows are done."""
    if not items:
        return
    await pool.execute(
        """UPDATE restore_items i SET status = 'completed', youtube_item_id = k.item_id,
               refusals = 0, completed_at = COALESCE(i.completed_at, now())
           FROM unnest($2::text[], $3::text[]) AS k(video_id, item_id)
           WHERE i.restore_playlist_id = $1 AND i.youtube_video_id = k.video_id
             AND i.status IN ('pending', 'completed')""",
        restore_playlist_id,
        list(items),
        list(items.values()),
    )


async def _fail_rest(
    pool: asyncpg.Pool, row: asyncpg.Record, error: YouTubeError
) -> list[RestoreError]:
    """Nothing more can go into this playlist (it is full): the rest is reported."""
    reason = f"not added: {error.message}"
    rows = await pool.fetch(
        """UPDATE restore_items SET status = 'failed', error_message = $2, completed_at = now()
           WHERE restore_playlist_id = $1 AND status = 'pending' RETURNING youtube_video_id""",
        row["id"],
        reason,
    )
    errors = [
        RestoreError(
            entity_type="video",
            entity_id=r["youtube_video_id"],
            message=reason,
            timestamp=datetime.now(UTC),
        )
        for r in rows
    ]
    await append_errors(pool, row["restore_job_id"], errors)
    return errors
