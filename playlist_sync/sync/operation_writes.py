"""One operation's write into a category's playlist: remove an item, move one, or add a video.

Each keeps `order` (the playlist as it stands, playlist_order.py) up to date, so that the next
write of the batch puts its video right after its predecessor without reading the playlist.
"""

from __future__ import annotations

import asyncpg

from playlist_sync.models import SyncVideoOperationRecord
from playlist_sync.reconcile.playlist_edit import Item, position_after_predecessor
from playlist_sync.sync.playlist_writes import insert_in_place, note_refuses_positions
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.errors import InvalidInput


class PositionsRefused(Exception):
    """The playlist answered a move with manualSortRequired."""


async def write_operation(
    youtube: SyncYouTube,
    pool: asyncpg.Pool,
    playlist_id: str,
    op: SyncVideoOperationRecord,
    order: list[Item],
    rank: dict[str, int],
) -> str | None:
    """The operation's one write, keeping `order` (the playlist as it stands) up to date;
    the id of the item it leaves."""
    video = op.youtube_video_id
    item = _item_of(order, op)
    if op.operation == "remove":
        if item is None:
            return op.youtube_item_id  # not there (any more): nothing to remove
        try:
            await youtube.delete_playlist_item(_known(item))
        except InvalidInput as error:
            if error.status != 404:
                raise  # a 404: already gone, as wanted
        order.remove(item)
        return item.id
    if op.operation == "move" and item is not None:
        rest = [i for i in order if i is not item]
        position = position_after_predecessor(rest, video, rank)
        if order.index(item) != position:
            try:
                await youtube.move_playlist_item(_known(item), playlist_id, video, position)
            except InvalidInput as error:
                if error.reason != "manualSortRequired":
                    raise
                await note_refuses_positions(pool, playlist_id)
                raise PositionsRefused(
                    "YouTube sorts this playlist itself (not by hand): its order is left as is;"
                    " the next sync does not adopt it for an order that needs moves"
                ) from None
        order[:] = [*rest[:position], item, *rest[position:]]
        return item.id
    # An addition (or a move whose item is gone: the video goes back in).
    return (await insert_in_place(youtube, pool, playlist_id, video, order, rank)).id


def _item_of(order: list[Item], op: SyncVideoOperationRecord) -> Item | None:
    """The item a removal or move is of: by its id, else (an id the library lacked) the
    first item of its video."""
    if op.operation == "add":
        return None
    if op.youtube_item_id is not None:
        return next((i for i in order if i.id == op.youtube_item_id), None)
    return next((i for i in order if i.video_id == op.youtube_video_id), None)


def _known(item: Item) -> str:
    if item.id is None:
        raise InvalidInput(f"the item of {item.video_id} has no id yet", status=400)
    return item.id
