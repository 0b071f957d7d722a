"""The reads a playlist batch (playlist_batch.py) trusts, when YouTube's lists trail its writes.

A read proves what it lacks only once it was sent the lag allowance after the playlist's last
write (lagging_reads.py); sooner, it is trusted only if it shows every write of the job (its
adds present, its removals gone, the writes of unknown outcome it settles), and never sooner
than the allowance after the job's last move, which no item shows. The writes whose outcome
was unknown are settled by the read, and the read is noted (what the user changed since).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from playlist_sync.reconcile.playlist_edit import Item
from playlist_sync.reconcile.playlist_edit import position_after_predecessor as after_predecessor
from playlist_sync.sync.batch_ledger import BatchLedger, PlannedWrite
from playlist_sync.sync.lagging_reads import settled_items, wait_heartbeating
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.resources import RemotePlaylistItem


async def settled_read(
    youtube: SyncYouTube,
    ledger: BatchLedger,
    playlist_id: str,
    rank: dict[str, int],
    lag: float,
    beat: Callable[[], None],
    *,
    fresh: bool = False,
) -> list[RemotePlaylistItem]:
    """The playlist as YouTube shows it, from a read that shows every write of the job
    (or sent late enough after the last one for what it lacks to be missing for real;
    `fresh`: only such a read); the writes whose outcome was unknown are settled by it,
    and it is noted."""
    unknown = [w for w in await ledger.pending() if w.intent]
    known = await ledger.known_items()
    present, taken = await ledger.written()
    last_move = await ledger.last_move_at()
    if last_move is not None:
        # A read older than a move would plan moves from positions that are no more.
        wait = (last_move - datetime.now(UTC)).total_seconds() + lag
        if wait > 0:
            await wait_heartbeating(wait, beat)

    def shows(listed: list[RemotePlaylistItem]) -> bool:
        ids = {item.id for item in listed}
        return (
            not fresh
            and present <= ids
            and not taken & ids
            and len(found_done(unknown, known, items_of(listed), rank)) == len(unknown)
        )

    sent_at = datetime.now(UTC)
    listed = await settled_items(
        youtube,
        playlist_id,
        last_write=await ledger.last_write_at(),
        lag_allowance=lag,
        shows=shows,
        beat=beat,
    )
    items = items_of(listed)
    found = found_done(unknown, known, items, rank)
    for write in unknown:
        if write.id in found:
            await ledger.complete(write, found[write.id])
        else:
            await ledger.forget(write)
    await ledger.note_read(items, sent_at)
    return listed


async def landed(
    youtube: SyncYouTube,
    ledger: BatchLedger,
    playlist_id: str,
    write: PlannedWrite,
    rank: dict[str, int],
    lag: float,
    beat: Callable[[], None],
) -> str | None:
    """After an answer that may hide success: the item that shows the write done, or None
    once a read late enough says it did not happen. One video's items (1 unit) tell for a
    removal or an addition; a move needs the whole order."""
    known = await ledger.known_items()
    read = None
    if write.operation != "move":
        playlist, video = playlist_id, write.video_id
        read = lambda: youtube.playlist_items_of_video(playlist, video)  # noqa: E731
    listed = await settled_items(
        youtube,
        playlist_id,
        last_write=await ledger.last_write_at(),
        lag_allowance=lag,
        shows=lambda found: write.id in found_done([write], known, items_of(found), rank),
        beat=beat,
        read=read,
    )
    return found_done([write], known, items_of(listed), rank).get(write.id)


def items_of(listed: list[RemotePlaylistItem]) -> list[Item]:
    return [Item(item.id, item.video_id) for item in listed]


def found_done(
    writes: list[PlannedWrite], known: set[str], items: list[Item], rank: dict[str, int]
) -> dict[int, str]:
    """Write -> the item that shows it done, for those of `writes` that `items` show done."""
    free = [item for item in items if item.id not in known]
    done: dict[int, str] = {}
    for write in writes:
        if write.operation == "add":
            item = next((i for i in free if i.video_id == write.video_id), None)
            if item is not None and item.id is not None:
                free.remove(item)
                done[write.id] = item.id
        elif write.item_id is not None:
            mine = next((i for i in items if i.id == write.item_id), None)
            if write.operation == "remove" and mine is None:
                done[write.id] = write.item_id
            elif write.operation == "move" and mine is not None and mine.video_id in rank:
                rest = [i for i in items if i is not mine]
                if items.index(mine) == after_predecessor(rest, mine.video_id, rank):
                    done[write.id] = write.item_id
    return done
