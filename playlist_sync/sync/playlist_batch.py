"""One playlist's batch: read it, plan its edit, write, and read again, until it holds what it must.

Every write a job makes into a playlist goes through this unit. It knows no categories and no
snapshots: it takes a PlaylistTarget (the playlist, the videos it must hold in order, which of
its other items it may remove) and a BatchLedger (batch_ledger.py: the job's record of what it
plans and writes into that playlist, fenced by the playlist's lease), and keeps these promises
(the reads it trusts are batch_reads.py's):

- Each plan is made from a read of the playlist as YouTube shows it now, not from what the job
  believes it wrote: positions come from that read. A read that lacks one of the job's own
  writes proves nothing until the lag allowance after the playlist's last write has passed
  (lagging_reads.py); so it settles the writes whose outcome is unknown before anything is
  planned, and the user's edits (items deleted, added, moved) are simply planned around.
- Exactly once: a write's intent is recorded (under the lease) before it is sent; after a crash
  or a lost answer the next read says whether it landed. A write answered with an error that
  may hide success is read back (one video: `playlistItems.list` with `videoId`, 1 unit).
- A refused write (a 4xx the same request would get again) is never sent again as it is: the
  ledger supersedes it and the playlist is read and planned again. After REFUSALS_BEFORE_FAILING
  refusals of one video the ledger reports it failed (with YouTube's reason), and plans leave
  that video be, so the job can finish.
- Nothing is removed before it is safe elsewhere: a removal whose video some other playlist of
  the job must hold waits (RemovalHold.WAIT) until the ledger finds it there, so a video moving
  between playlists goes into its new one before it leaves the old one, whatever runs in
  parallel and wherever a pause, cancel or crash falls. The number of writes is the same.
- The batch ends with the playlist verified (a settled read that needs no write), or with what
  stops it: its write budget, a pause or cancel, the quota, a failure another try may get past,
  or removals waiting for other playlists.

How a restore plugs in: per snapshot playlist, a PlaylistTarget (its available videos in the
snapshot's order; may_remove: the items the restore is allowed to take out) and a BatchLedger
over the restore's own rows with its own lease (or sync_video_operations' shape, see
operation_ledger.py for the sync's), then `run_playlist_batch` once per batch, as add_videos does
in video_additions.py. Its removal_hold answers GO for a video that another restored playlist
already holds, WAIT while that playlist still has to receive it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from playlist_sync.playlist_marker import description_for, marked_by, without_marker
from playlist_sync.reconcile.playlist_edit import Item, PlaylistEdit, edit_for
from playlist_sync.reconcile.playlist_edit import position_after_predecessor as after_predecessor
from playlist_sync.sync.batch_ledger import BatchLedger, PlannedWrite, RemovalHold
from playlist_sync.sync.batch_reads import items_of, landed, settled_read
from playlist_sync.sync.lagging_reads import wait_heartbeating
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.errors import (
    Forbidden,
    InvalidInput,
    PlaylistFull,
    PlaylistNotFound,
    QuotaExceeded,
    VideoUnavailable,
    YouTubeError,
)
from playlist_sync.youtube.failures import needs_user, worth_retrying
from playlist_sync.youtube.resources import RemotePlaylistItem

# Reads (and plans) in one batch at most: the first, one after each refusal or change of mind
# (a playlist that refuses positions), and the one that verifies. Then the workflow goes on.
_ROUNDS = 6


@dataclass(frozen=True)
class PlaylistSnippet:
    title: str
    description: str
    privacy: str


@dataclass(frozen=True)
class PlaylistTarget:
    """What one playlist must become."""

    playlist_id: str
    wanted: Sequence[str]  # available, distinct video ids, in order
    # An item whose video is not wanted: may the job remove it? (False: not its to remove,
    # e.g. added by the user since the job's backup: it stays.)
    may_remove: Callable[[Item], bool]
    # False: YouTube sorts the playlist itself and refuses positions (manualSortRequired).
    sortable: bool = True
    # Its title, description and privacy, when the job owns them: a playlist renamed on
    # YouTube meanwhile is given them back (playlists.update) before it is verified. A marker
    # (playlist_marker.py) that ends its description stays.
    snippet: PlaylistSnippet | None = None


@dataclass
class BatchResult:
    done: int = 0
    held: bool = False
    quota_exhausted: bool = False
    next_reset: datetime | None = None
    # Ended by something another try gets past (a failure worth retrying, a playlist that does
    # not match yet, removals that wait for other playlists): the next batch after a delay.
    retry_later: bool = False
    consecutive_failures: int = 0
    playlist_gone: bool = False
    verified: bool = False
    # All it has left are removals that wait for other playlists to hold their videos.
    waits_for_other_playlists: bool = False
    sent: int = 0  # writes sent, refused ones included: the budget


class _Replan(Exception):
    """Read the playlist and plan it again: a write was refused, or positions were."""

    def __init__(self, *, fresh: bool = False) -> None:
        super().__init__()
        # Only from a read sent the lag allowance after the refused write: a read that shows
        # the job's writes may still trail the user's edit that made YouTube refuse it.
        self.fresh = fresh


async def run_playlist_batch(
    youtube: SyncYouTube,
    ledger: BatchLedger,
    target: PlaylistTarget,
    *,
    max_writes: int,
    lag_allowance: float,
    beat: Callable[[], None],
) -> BatchResult:
    """One batch into one playlist: at most `max_writes` writes sent."""
    batch = _Batch(youtube, ledger, target, lag_allowance, beat)
    result = batch.result
    if await _only_waiting(ledger):
        # Nothing to read for: other playlists come first, and this one is looked at again
        # after a delay (doubling), not at once.
        result.retry_later = result.waits_for_other_playlists = True
        return result
    fresh = False
    try:
        for _ in range(_ROUNDS):
            listed = await batch.settled_read(fresh=fresh)
            fresh = False
            items = items_of(listed)
            edit = await batch.edit(items)
            waiting: set[str] = set()
            kept: dict[str, str] = {}
            for item in edit.remove:
                if item.video_id in edit.kept:
                    continue  # a second copy: the video stays here
                hold = await ledger.removal_hold(item.video_id)
                if hold is RemovalHold.WAIT:
                    waiting.add(item.id or "")
                elif hold is RemovalHold.KEEP:
                    kept[item.id or ""] = item.video_id
            edit.remove = [item for item in edit.remove if item.id not in kept]
            writes = await ledger.plan(edit, batch.rank, waiting, kept)
            if edit.writes == 0:
                if not await batch.snippet_in_place(max_writes):
                    return result
                await ledger.verified(listed, edit)
                result.verified = True
                return result
            if not writes:
                # Only removals that wait for other playlists.
                result.retry_later = result.waits_for_other_playlists = True
                return result
            if result.sent >= max_writes:
                return result
            try:
                if not await batch.write(writes, items, max_writes):
                    return result
            except _Replan as replan:
                fresh = replan.fresh
                continue
    except QuotaExceeded as error:
        # A read refused: the writes wait for the next window like any other.
        result.quota_exhausted, result.next_reset = True, error.next_reset
        return result
    except PlaylistNotFound as error:
        # Gone for longer than lists lag (deleted by the user): nothing can go into it.
        await ledger.fail_rest(error)
        result.playlist_gone = True
        return result
    except YouTubeError as error:
        if needs_user(error):
            raise
        # A read that failed: the next batch reads again after a delay, and the failure is
        # counted, so that one that does not pass pauses the job rather than loop.
        result.retry_later = True
        result.consecutive_failures += 1
        return result
    result.retry_later = True  # not settled within the batch's rounds: the next one goes on
    return result


async def _only_waiting(ledger: BatchLedger) -> bool:
    """Every write left is a removal still waiting for another playlist: no read needed."""
    pending = await ledger.pending()
    if not pending or any(w.operation != "remove" or w.intent for w in pending):
        return False
    for write in pending:
        if await ledger.removal_hold(write.video_id) is not RemovalHold.WAIT:
            return False
    return True


class _Batch:
    def __init__(
        self,
        youtube: SyncYouTube,
        ledger: BatchLedger,
        target: PlaylistTarget,
        lag_allowance: float,
        beat: Callable[[], None],
    ) -> None:
        self.youtube = youtube
        self.ledger = ledger
        self.target = target
        self.lag = lag_allowance
        self.beat = beat
        self.rank = {video: index for index, video in enumerate(target.wanted)}
        self.sortable = target.sortable
        self.result = BatchResult()

    # -- reading -------------------------------------------------------------------------------

    async def settled_read(self, *, fresh: bool = False) -> list[RemotePlaylistItem]:
        return await settled_read(
            self.youtube, self.ledger, self.target.playlist_id, self.rank, self.lag, self.beat,
            fresh=fresh,
        )  # fmt: skip

    async def landed(self, write: PlannedWrite) -> str | None:
        return await landed(
            self.youtube, self.ledger, self.target.playlist_id, write, self.rank, self.lag,
            self.beat,
        )  # fmt: skip

    async def edit(self, items: list[Item]) -> PlaylistEdit:
        given_up = await self.ledger.given_up()
        edit = edit_for(
            items,
            self.target.wanted,
            may_be_absent=given_up,
            leave_alone=lambda item: not self.target.may_remove(item),
        )
        edit.remove = [item for item in edit.remove if item.video_id not in given_up]
        if not self.sortable:
            edit.move = []  # the order is YouTube's: reported, not repaired
        edit.move = [item for item in edit.move if item.video_id not in given_up]
        return edit

    async def snippet_in_place(self, max_writes: int) -> bool:
        """The playlist's title, description and privacy are the target's, given back when the
        user changed them (False: the batch's budget is spent first). A read sooner than the
        lag allowance after the playlist's last write may not show that write: it is read
        again once it must."""
        wanted = self.target.snippet
        if wanted is None:
            return True
        playlist_id = self.target.playlist_id
        while True:
            found = await self.youtube.find_playlist(playlist_id)
            if found is None:
                return True  # its items were just read: a list that trails its creation
            shown = (found.title, without_marker(found.description), found.privacy_status)
            if shown == (wanted.title, wanted.description.strip(), wanted.privacy):
                return True
            last_write = await self.ledger.last_write_at()
            wait = (last_write - datetime.now(UTC)).total_seconds() + self.lag if last_write else 0
            if wait <= 0:
                break
            await wait_heartbeating(wait, self.beat)
        if self.result.sent >= max_writes:
            return False
        marked = marked_by(found.description)
        description = description_for(wanted.description, *marked) if marked else wanted.description
        await self.ledger.intend_update()
        self.result.sent += 1
        try:
            await self.youtube.update_playlist(
                playlist_id, wanted.title, description, wanted.privacy
            )
        except YouTubeError as error:
            if worth_retrying(error) or needs_user(error) or isinstance(error, QuotaExceeded):
                raise  # the next batch reads the playlist again before it sends anything
            await self.ledger.update_refused(error)  # reported once: its items still count
        return True

    # -- writing -------------------------------------------------------------------------------

    async def write(self, writes: list[PlannedWrite], items: list[Item], max_writes: int) -> bool:
        """The plan's writes in order, tracking the playlist's order as they land. False when
        the batch ends (budget, held, quota, a failure to retry later, the playlist full);
        True when they are all made (read again to verify); _Replan to plan again."""
        result, ledger = self.result, self.ledger
        order = list(items)
        for write in writes:
            if result.sent >= max_writes:
                return False
            if await ledger.writes_held():
                result.held = True
                return False
            if not await ledger.intend(write):
                continue  # done meanwhile (by an attempt that held the playlist before)
            self.beat()
            result.sent += 1
            try:
                item_id = await self._send(write, order)
            except QuotaExceeded as error:
                # Refused before it was sent, or by YouTube: either way nothing was written.
                await ledger.forget(write)
                result.quota_exhausted, result.next_reset = True, error.next_reset
                return False
            except YouTubeError as error:
                if needs_user(error):
                    raise
                if isinstance(error, InvalidInput) and error.reason == "manualSortRequired":
                    # Sent with a position YouTube does not take here: nothing was written.
                    await ledger.forget(write)
                    self.sortable = False
                    await ledger.refuses_positions(
                        "YouTube sorts this playlist itself (not by hand): its order is left"
                        " as is; the next sync does not adopt it for an order that needs moves"
                    )
                    raise _Replan() from None
                if worth_retrying(error) or _may_have_landed(error, write):
                    # Unknown, not failed: read back until a read can tell.
                    landed = await self.landed(write)
                    if landed is not None:
                        await ledger.complete(write, landed)
                        _track(write, order, landed, self.rank, self.sortable)
                        result.done += 1
                        continue
                    if worth_retrying(error):
                        # It did not happen: the batch ends rather than write the next video
                        # ahead of it; the workflow tries again after a delay.
                        await ledger.forget(write)
                        await ledger.note_retry(write, error)
                        result.retry_later = True
                        result.consecutive_failures += 1
                        return False
                if _refused(error):
                    # The same request would be refused again: read, plan again.
                    await ledger.refuse(write, error)
                    raise _Replan(fresh=True) from None
                if isinstance(error, VideoUnavailable):
                    await ledger.skip(write, error)
                    continue
                if isinstance(error, PlaylistFull | PlaylistNotFound):
                    await ledger.fail_rest(error)
                    result.playlist_gone = isinstance(error, PlaylistNotFound)
                    return False
                raise
            await ledger.complete(write, item_id)
            result.done += 1
            result.consecutive_failures = 0
            self.beat()
        return True

    async def _send(self, write: PlannedWrite, order: list[Item]) -> str | None:
        """The write, keeping `order` (the playlist as it stands) up to date; the id of the
        item it leaves."""
        youtube, playlist_id, video = self.youtube, self.target.playlist_id, write.video_id
        item = next((i for i in order if i.id == write.item_id), None)
        if write.operation == "remove":
            if item is None:
                return write.item_id  # not there (any more): nothing to remove
            try:
                await youtube.delete_playlist_item(item.id or "")
            except InvalidInput as error:
                if error.status != 404:
                    raise
            _track(write, order, item.id, self.rank, self.sortable)  # a 404: gone, as wanted
            return item.id
        if write.operation == "move" and item is not None:
            rest = [i for i in order if i is not item]
            position = after_predecessor(rest, video, self.rank)
            if order.index(item) != position:
                await youtube.move_playlist_item(item.id or "", playlist_id, video, position)
            _track(write, order, item.id, self.rank, self.sortable)
            return item.id
        # An addition (or a move whose item is gone: the video goes back in).
        position = after_predecessor(order, video, self.rank)
        at_end = position == len(order) or not self.sortable
        item_id = await youtube.add_video_to_playlist(
            playlist_id, video, None if at_end else position
        )
        _track(write, order, item_id, self.rank, self.sortable)
        return item_id


def _track(
    write: PlannedWrite,
    order: list[Item],
    item_id: str | None,
    rank: dict[str, int],
    sortable: bool,
) -> None:
    """`order` as the write left the playlist: an item removed, moved right after its
    predecessor, or added there (at the end where YouTube takes no positions)."""
    item = next((i for i in order if item_id is not None and i.id == item_id), None)
    if item is not None:
        order.remove(item)
    if write.operation == "remove":
        return
    position = after_predecessor(order, write.video_id, rank) if sortable else len(order)
    order.insert(position, Item(item_id, write.video_id))


def _may_have_landed(error: YouTubeError, write: PlannedWrite) -> bool:
    """YouTube has answered 404 videoNotFound for an insert that landed."""
    return write.operation == "add" and isinstance(error, VideoUnavailable) and error.status == 404


def _refused(error: YouTubeError) -> bool:
    """A 4xx the same request would get again (a position past the end, an item gone, a
    video YouTube does not know, a forbidden write): read the playlist and plan again."""
    if isinstance(error, VideoUnavailable):
        return error.status == 404  # videoNotFound; 400 failedPrecondition: unavailable
    if isinstance(error, Forbidden):
        return not needs_user(error)
    return isinstance(error, InvalidInput) and error.reason != "manualSortRequired"
