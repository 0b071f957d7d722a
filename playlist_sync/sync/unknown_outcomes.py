"""Writes whose outcome is unknown, settled by reading the playlist back.

A pending operation with `insert_started_at` set was sent, or about to be, and nobody recorded
what happened: a crash, a lost answer, or an error answer for a write that landed. Before
anything else is written into its playlist, the playlist's real items say which of them
happened (completed) and which did not (pending again, to be sent again).
"""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from playlist_sync.reconcile.playlist_edit import Item, position_after_predecessor
from playlist_sync.sync.lagging_reads import settled_items
from playlist_sync.sync.operation_store import (
    complete_operation,
    forget_attempt,
    pending_operations,
)
from playlist_sync.sync.playlist_leases import PlaylistLease, last_write_at
from playlist_sync.sync.playlist_order import category_ranks, library_items
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.resources import RemotePlaylistItem


async def read_back(
    youtube: SyncYouTube,
    pool: asyncpg.Pool,
    lease: PlaylistLease,
    playlist_id: str,
    lag_allowance: float,
    beat: Callable[[], None],
) -> None:
    """Mark done every pending operation the playlist shows done; forget the attempts of the
    others. An attempt whose outcome is unknown is looked for until the list is late enough
    after the playlist's last write to show it."""
    known = {item.id for item in await library_items(pool, playlist_id)}
    known |= {
        row["youtube_item_id"]
        for row in await pool.fetch(
            """SELECT youtube_item_id FROM sync_video_operations
               WHERE category_id = $1 AND youtube_item_id IS NOT NULL""",
            lease.category_id,
        )
    }
    pending = await pending_operations(pool, lease.job_id, lease.category_id)
    unknown = {
        row["id"]
        for row in await pool.fetch(
            """SELECT id FROM sync_video_operations WHERE sync_job_id = $1
               AND category_id = $2 AND status = 'pending' AND insert_started_at IS NOT NULL""",
            lease.job_id,
            lease.category_id,
        )
    }
    rank = await category_ranks(pool, lease.category_id)

    def found(listed: list[RemotePlaylistItem]) -> dict[int, str]:
        """Pending operation -> the item that shows it done."""
        items = [Item(i.id, i.video_id) for i in listed]
        free = [item for item in items if item.id not in known]
        done: dict[int, str] = {}
        for op in pending:
            if op.operation == "add":
                item = next((i for i in free if i.video_id == op.youtube_video_id), None)
                if item is not None and item.id is not None:
                    free.remove(item)
                    done[op.id] = item.id
            elif op.id in unknown and op.youtube_item_id is not None:
                mine = next((i for i in items if i.id == op.youtube_item_id), None)
                if op.operation == "remove" and mine is None:
                    done[op.id] = op.youtube_item_id
                elif op.operation == "move" and mine is not None:
                    rest = [i for i in items if i is not mine]
                    if items.index(mine) == position_after_predecessor(rest, mine.video_id, rank):
                        done[op.id] = op.youtube_item_id
        return done

    items = await settled_items(
        youtube,
        playlist_id,
        last_write=await last_write_at(pool, lease),
        lag_allowance=lag_allowance,
        shows=lambda listed: unknown <= found(listed).keys(),
        beat=beat,
    )
    matched = found(items)
    for op in pending:
        if op.id in matched:
            await complete_operation(pool, lease, op.id, matched[op.id])
        elif op.id in unknown:
            await forget_attempt(pool, lease, op.id)
