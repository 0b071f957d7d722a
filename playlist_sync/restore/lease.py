"""Fencing a restored playlist's writes: one attempt at a time, as the sync's leases do
(playlist_sync/sync/playlist_leases.py says why).

Each batch takes its playlist's lease as it starts; the newest attempt wins. Just before each
write, a transaction finds the lease still held by the attempt and notes the write's time:
a superseded attempt sends nothing, and a read of the playlist sooner than the lag allowance
after its last write proves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from playlist_sync.sync.playlist_leases import LeaseLost


@dataclass(frozen=True)
class RestoreLease:
    restore_playlist_id: int
    holder: str  # the attempt: activity id, attempt number and a random token


async def take_lease(pool: asyncpg.Pool, restore_playlist_id: int, holder: str) -> RestoreLease:
    await pool.execute(
        "UPDATE restore_playlists SET lease_holder = $2 WHERE id = $1", restore_playlist_id, holder
    )
    return RestoreLease(restore_playlist_id, holder)


async def note_write(pool: asyncpg.Pool, lease: RestoreLease, *, of_items: bool = True) -> None:
    """Just before a write is sent: LeaseLost if a newer attempt holds the playlist. A write of
    its items (`of_items`) is what a list of them may trail."""
    async with pool.acquire() as conn, conn.transaction():
        noted = await conn.fetchval(
            """UPDATE restore_playlists
               SET last_write_at = CASE WHEN $4 THEN $3 ELSE last_write_at END,
                   expected_items = CASE WHEN $4 THEN NULL ELSE expected_items END
               WHERE id = $1 AND lease_holder = $2 RETURNING id""",
            lease.restore_playlist_id,
            lease.holder,
            datetime.now(UTC),
            of_items,
        )
    if noted is None:
        raise LeaseLost(lease.holder)


async def note_acknowledged(pool: asyncpg.Pool, lease: RestoreLease, item_ids: list[str]) -> None:
    """Every write of the batch was answered with success: the playlist is now `item_ids`."""
    await pool.execute(
        """UPDATE restore_playlists SET expected_items = $3
           WHERE id = $1 AND lease_holder = $2""",
        lease.restore_playlist_id,
        lease.holder,
        item_ids,
    )


async def expected_items(pool: asyncpg.Pool, lease: RestoreLease) -> list[str] | None:
    found = await pool.fetchval(
        "SELECT expected_items FROM restore_playlists WHERE id = $1", lease.restore_playlist_id
    )
    return None if found is None else list(found)


async def last_write_at(pool: asyncpg.Pool, lease: RestoreLease) -> datetime | None:
    written: datetime | None = await pool.fetchval(
        "SELECT last_write_at FROM restore_playlists WHERE id = $1", lease.restore_playlist_id
    )
    return written
