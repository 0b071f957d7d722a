"""The quota ledger: every API call reserves its units in Postgres before it is sent.

YouTube's budget is per Google Cloud project, so a worker, the CLI's import and a second
worker all draw on the same window; the database row is the only place they can agree.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg

from playlist_sync.quota_windows import QuotaReset, next_quota_reset, window_start
from playlist_sync.youtube.errors import PlaylistCreationLimited, QuotaExceeded

# YouTube's limit on new playlists per channel and day (youtube-facts.md).
DEFAULT_CREATES_PER_WINDOW = 10

# One statement, so two processes can never both take the last units: the upsert locks the
# window row, re-checks the budget on the row's latest version, and only then is the event
# written. An insert of a cost larger than the whole budget is filtered out by `WHERE`.
_RESERVE = """
WITH charged AS (
    INSERT INTO quota_windows AS w (window_start, units_used, daily_limit)
    SELECT $1::timestamptz, $2::integer, $3::integer WHERE $2::integer <= $3::integer
    ON CONFLICT (window_start) DO UPDATE
        SET units_used = w.units_used + EXCLUDED.units_used,
            daily_limit = EXCLUDED.daily_limit
        WHERE w.exhausted_at IS NULL
          AND w.units_used + EXCLUDED.units_used <= EXCLUDED.daily_limit
    RETURNING w.window_start
)
INSERT INTO quota_events (window_start, operation, units, details, sync_job_id)
SELECT window_start, $4::text, $2::integer, $5::jsonb, $6::bigint FROM charged
RETURNING id
"""

# Gives the units of one event back (its row stays, with 0 units, as the record of the call).
_RELEASE = """
WITH event AS (
    SELECT id, units, window_start FROM quota_events WHERE id = $1 AND units > 0 FOR UPDATE
), zeroed AS (
    UPDATE quota_events AS q SET units = 0, outcome = $2 FROM event WHERE q.id = event.id
)
UPDATE quota_windows AS w SET units_used = GREATEST(0, w.units_used - event.units)
FROM event WHERE w.window_start = event.window_start
"""

_MARK_EXHAUSTED = """
INSERT INTO quota_windows AS w (window_start, units_used, daily_limit, exhausted_at)
VALUES ($1, 0, $2, $3)
ON CONFLICT (window_start) DO UPDATE
    SET exhausted_at = COALESCE(w.exhausted_at, EXCLUDED.exhausted_at)
"""


# One new playlist more in the window, unless its allowance is used or YouTube refused one.
# The row is locked by the upsert, so workers racing for the last one cannot both get it.
_RESERVE_CREATION = """
INSERT INTO quota_windows AS w (window_start, units_used, daily_limit, playlists_created)
SELECT $1::timestamptz, 0, $3::integer, 1 WHERE $2::integer >= 1
ON CONFLICT (window_start) DO UPDATE
    SET playlists_created = w.playlists_created + 1
    WHERE w.creation_refused_at IS NULL AND w.playlists_created < $2::integer
RETURNING playlists_created
"""

_REFUSE_CREATIONS = """
INSERT INTO quota_windows AS w (window_start, units_used, daily_limit, creation_refused_at)
VALUES ($1, 0, $2, $3)
ON CONFLICT (window_start) DO UPDATE
    SET creation_refused_at = COALESCE(w.creation_refused_at, EXCLUDED.creation_refused_at)
"""


class QuotaLedger:
    """Reserves, records and reports quota units per window (`quota_windows`, `quota_events`),
    and the new playlists made in each window (`playlists_created`)."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        daily_quota: int,
        reset: QuotaReset,
        creates_per_window: int = DEFAULT_CREATES_PER_WINDOW,
    ):
        if daily_quota <= 0:
            raise ValueError("daily_quota must be positive")
        if creates_per_window <= 0:
            raise ValueError("creates_per_window must be positive")
        self.pool = pool
        self.daily_quota = daily_quota
        self.reset = reset
        self.creates_per_window = creates_per_window

    def next_reset(self, at: datetime | None = None) -> datetime:
        return next_quota_reset(_now(at), self.reset)

    async def reserve(
        self,
        cost: int,
        operation: str,
        details: dict[str, Any],
        *,
        sync_job_id: int | None = None,
        at: datetime | None = None,
    ) -> int:
        """Charge `cost` units to the window of `at` and return the event's id.

        Raises QuotaExceeded (nothing charged) when the units do not fit or the window was
        marked exhausted by the API.
        """
        if cost <= 0:
            raise ValueError("cost must be positive")
        at = _now(at)
        start = window_start(at, self.reset)
        event_id = await self.pool.fetchval(
            _RESERVE, start, cost, self.daily_quota, operation, details, sync_job_id
        )
        if event_id is not None:
            return int(event_id)
        row = await self.pool.fetchrow(
            "SELECT units_used, exhausted_at FROM quota_windows WHERE window_start = $1", start
        )
        next_reset = next_quota_reset(at, self.reset)
        if row is not None and row["exhausted_at"] is not None:
            why = "YouTube reported the quota exhausted for this window"
        else:
            used = row["units_used"] if row is not None else 0
            why = f"{operation} needs {cost} units, {used} of {self.daily_quota} already used"
        raise QuotaExceeded(
            f"quota window full: {why}; next reset at {next_reset.isoformat()}",
            reason="ledgerRefused",
            next_reset=next_reset,
        )

    async def record_outcome(self, event_id: int, outcome: str) -> None:
        """Note how the call went; the units stay charged whatever happened (YouTube keeps them)."""
        await self.pool.execute(
            "UPDATE quota_events SET outcome = $2 WHERE id = $1", event_id, outcome
        )

    async def release(self, event_id: int, outcome: str) -> None:
        """Give back the units of a call YouTube did not charge: a 401, a quotaExceeded refusal,
        or a request that never left this machine. Every other failure keeps its charge."""
        await self.pool.execute(_RELEASE, event_id, outcome)

    async def mark_exhausted(self, at: datetime | None = None) -> None:
        """The API answered quotaExceeded to a call charged at `at`: refuse everything else
        until the window of `at` ends (see quota_refusal for which window that is).

        Our count can be lower than YouTube's (another app on the same project, a reset of the
        ledger), and YouTube's word is the one that counts.
        """
        at = _now(at)
        await self.pool.execute(_MARK_EXHAUSTED, window_start(at, self.reset), self.daily_quota, at)

    async def reserve_creation(self, at: datetime) -> None:
        """Count one new playlist in the window of `at` (the same instant its units were
        charged at), or raise PlaylistCreationLimited naming the next reset."""
        start = window_start(at, self.reset)
        created = await self.pool.fetchval(
            _RESERVE_CREATION, start, self.creates_per_window, self.daily_quota
        )
        if created is not None:
            return
        next_reset = next_quota_reset(at, self.reset)
        refused = await self.pool.fetchval(
            "SELECT creation_refused_at FROM quota_windows WHERE window_start = $1", start
        )
        why = (
            "YouTube refused a new playlist in this window (429 too many playlists)"
            if refused is not None
            else f"{self.creates_per_window} new playlists made in this window"
            " (YOUTUBE_PLAYLIST_CREATES_PER_DAY)"
        )
        raise PlaylistCreationLimited(
            f"playlist-creation limit: {why}; next new playlist after {next_reset.isoformat()}",
            reason="ledgerRefused",
            next_reset=next_reset,
        )

    @asynccontextmanager
    async def creation_turn(self, beat: Callable[[], None] | None = None) -> AsyncIterator[None]:
        """One new playlist in flight at a time, across workers (a Postgres advisory lock held
        from the reservation to the settling of the answer). Two inserts sent side by side
        could each draw YouTube's 429 before either answer closed the window's creations,
        and a second 429 in a day is what has cost users their channel. `beat` is called
        while the turn is awaited (an activity's heartbeat)."""
        async with self.pool.acquire() as conn:
            while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", _CREATION_LOCK):
                if beat is not None:
                    beat()
                await asyncio.sleep(_CREATION_TURN_POLL)
            try:
                yield
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", _CREATION_LOCK)

    async def release_creation(self, at: datetime) -> None:
        """Give back the count of an insert that certainly made nothing (refused with a 4xx,
        or never sent). An insert whose outcome is unknown keeps it."""
        await self.pool.execute(
            """UPDATE quota_windows SET playlists_created = GREATEST(0, playlists_created - 1)
               WHERE window_start = $1""",
            window_start(at, self.reset),
        )

    async def refuse_creations(self, at: datetime) -> None:
        """YouTube answered 429 "too many playlists" to an insert counted in the window of
        `at`: no other insert is sent in that window, by any process."""
        await self.pool.execute(
            _REFUSE_CREATIONS, window_start(at, self.reset), self.daily_quota, datetime.now(UTC)
        )

    async def creations_left(self, at: datetime | None = None) -> int:
        row = await self.pool.fetchrow(
            """SELECT playlists_created, creation_refused_at FROM quota_windows
               WHERE window_start = $1""",
            window_start(_now(at), self.reset),
        )
        if row is None:
            return self.creates_per_window
        if row["creation_refused_at"] is not None:
            return 0
        return max(0, self.creates_per_window - int(row["playlists_created"]))

    async def remaining(self, at: datetime | None = None) -> int:
        row = await self._window(at)
        if row is None:
            return self.daily_quota
        if row["exhausted_at"] is not None:
            return 0
        return max(0, self.daily_quota - int(row["units_used"]))

    async def used_in_window(self, at: datetime | None = None) -> int:
        row = await self._window(at)
        return 0 if row is None else int(row["units_used"])

    async def used_by_sync(self, sync_job_id: int) -> int:
        total = await self.pool.fetchval(
            "SELECT COALESCE(sum(units), 0) FROM quota_events WHERE sync_job_id = $1", sync_job_id
        )
        return int(total)

    async def _window(self, at: datetime | None) -> asyncpg.Record | None:
        start = window_start(_now(at), self.reset)
        return await self.pool.fetchrow(
            "SELECT units_used, exhausted_at FROM quota_windows WHERE window_start = $1", start
        )


# The advisory lock of creation_turn (an arbitrary constant of this app) and how often a
# waiting insert looks again.
_CREATION_LOCK = 7_140_001
_CREATION_TURN_POLL = 0.2


def _now(at: datetime | None) -> datetime:
    return datetime.now(UTC) if at is None else at
