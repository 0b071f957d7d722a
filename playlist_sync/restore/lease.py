"""Fencing a restored playlist's writes: one attempt at a time, as the sync's leases do
(playlist_sync/sync/playlist_leases.py says why).

Each batch takes its playlist's lease as it starts; the newest attempt wins. Whatever an attempt
records about the playlist's writes (an intent just before a write, an outcome after it) is
recorded in a transaction that first finds the lease still held by that attempt: a superseded
attempt sends nothing and overwrites nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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


@asynccontextmanager
async def fenced(pool: asyncpg.Pool, lease: RestoreLease) -> AsyncIterator[asyncpg.Connection]:
    """A transaction that runs only while `lease` is held (the row stays locked meanwhile)."""
    async with pool.acquire() as conn, conn.transaction():
        held = await conn.fetchval(
            """SELECT true FROM restore_playlists WHERE id = $1 AND lease_holder = $2
               FOR UPDATE""",
            lease.restore_playlist_id,
            lease.holder,
        )
        if not held:
            raise LeaseLost(lease.holder)
        yield conn


async def note_write(conn: asyncpg.Connection, lease: RestoreLease) -> None:
    """Inside `fenced`, just before a write into the playlist is sent: a read of it sooner than
    the lag allowance after this proves nothing."""
    await conn.execute(
        "UPDATE restore_playlists SET last_write_at = $2 WHERE id = $1",
        lease.restore_playlist_id,
        datetime.now(UTC),
    )


async def last_write_at(pool: asyncpg.Pool, lease: RestoreLease) -> datetime | None:
    written: datetime | None = await pool.fetchval(
        "SELECT last_write_at FROM restore_playlists WHERE id = $1", lease.restore_playlist_id
    )
    return written
