"""Fencing a playlist's writes: one attempt at a time, even when Temporal has started another.

An activity attempt that Temporal gave up on (its heartbeat was silent too long) may still be
running, and still writing. Each batch takes its playlist's lease (sync_playlist_leases) as it
starts; the newest attempt wins. Every record an attempt makes about the playlist's operations
(an intent before a write, an outcome after it) is made in a transaction that first finds the
lease still held by that attempt, so a superseded attempt can neither record an intent (and
therefore never writes) nor overwrite what the newer one found.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg


class LeaseLost(Exception):
    """A newer attempt holds the playlist: this one stops quietly."""


@dataclass(frozen=True)
class PlaylistLease:
    job_id: int
    category_id: int
    holder: str  # the attempt: activity id, attempt number and a random token


async def take_lease(
    pool: asyncpg.Pool, job_id: int, category_id: int, holder: str
) -> PlaylistLease:
    """Hold the category's playlist for this attempt. Waits for a transaction of the previous
    holder that is recording an intent, so that intent is visible to this attempt's reads."""
    await pool.execute(
        """INSERT INTO sync_playlist_leases (sync_job_id, category_id, holder)
           VALUES ($1, $2, $3)
           ON CONFLICT (sync_job_id, category_id)
           DO UPDATE SET holder = EXCLUDED.holder, taken_at = now()""",
        job_id,
        category_id,
        holder,
    )
    return PlaylistLease(job_id, category_id, holder)


@asynccontextmanager
async def fenced(pool: asyncpg.Pool, lease: PlaylistLease) -> AsyncIterator[asyncpg.Connection]:
    """A transaction that runs only while `lease` is held (the row stays locked meanwhile)."""
    async with pool.acquire() as conn, conn.transaction():
        held = await conn.fetchval(
            """SELECT true FROM sync_playlist_leases
               WHERE sync_job_id = $1 AND category_id = $2 AND holder = $3 FOR UPDATE""",
            lease.job_id,
            lease.category_id,
            lease.holder,
        )
        if not held:
            raise LeaseLost(lease.holder)
        yield conn


async def note_write(conn: asyncpg.Connection, lease: PlaylistLease) -> None:
    """Inside `fenced`, just before a write is sent: reads sooner than the allowed lag after
    it prove nothing, and the playlist is no longer verified."""
    await conn.execute(
        """UPDATE sync_playlist_leases SET last_write_at = $3, verified_at = NULL
           WHERE sync_job_id = $1 AND category_id = $2""",
        lease.job_id,
        lease.category_id,
        datetime.now(UTC),
    )


async def last_write_at(pool: asyncpg.Pool, lease: PlaylistLease) -> datetime | None:
    written: datetime | None = await pool.fetchval(
        """SELECT last_write_at FROM sync_playlist_leases
           WHERE sync_job_id = $1 AND category_id = $2""",
        lease.job_id,
        lease.category_id,
    )
    return written


async def mark_verified(pool: asyncpg.Pool, lease: PlaylistLease) -> None:
    async with fenced(pool, lease) as conn:
        await conn.execute(
            """UPDATE sync_playlist_leases SET verified_at = now()
               WHERE sync_job_id = $1 AND category_id = $2""",
            lease.job_id,
            lease.category_id,
        )


async def is_verified(pool: asyncpg.Pool, job_id: int, category_id: int) -> bool:
    return bool(
        await pool.fetchval(
            """SELECT verified_at IS NOT NULL FROM sync_playlist_leases
               WHERE sync_job_id = $1 AND category_id = $2""",
            job_id,
            category_id,
        )
    )
