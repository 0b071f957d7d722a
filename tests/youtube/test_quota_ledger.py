"""The ledger against a real Postgres: atomic reservations, exhaustion, refunds, attribution."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from playlist_sync.quota_windows import QuotaReset
from playlist_sync.youtube.errors import QuotaExceeded
from playlist_sync.youtube.quota_ledger import QuotaLedger

AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


async def test_fifty_concurrent_reservations_get_exactly_the_budget(db_pool: asyncpg.Pool) -> None:
    ledger = QuotaLedger(db_pool, 1_000, QuotaReset())
    results = await asyncio.gather(
        *(ledger.reserve(50, "playlistItems.insert", {"n": n}, at=AT) for n in range(50)),
        return_exceptions=True,
    )
    granted = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, QuotaExceeded)]
    assert len(granted) == 20 and len(set(granted)) == 20
    assert len(refused) == 30
    assert await ledger.used_in_window(AT) == 1_000
    assert await ledger.remaining(AT) == 0
    events = await db_pool.fetchval("SELECT count(*) FROM quota_events")
    assert events == 20  # a refusal writes nothing


async def test_refusal_names_the_next_reset(db_pool: asyncpg.Pool) -> None:
    ledger = QuotaLedger(db_pool, 100, QuotaReset())
    await ledger.reserve(60, "playlists.insert", {}, at=AT)
    with pytest.raises(QuotaExceeded) as refused:
        await ledger.reserve(50, "playlists.insert", {}, at=AT)
    assert refused.value.next_reset == datetime(2026, 6, 2, 7, 0, tzinfo=UTC)
    assert refused.value.reason == "ledgerRefused"
    assert "60 of 100" in str(refused.value) and "\n" not in str(refused.value)
    # Smaller calls still fit; a cost above the whole budget never does.
    await ledger.reserve(40, "playlists.list", {}, at=AT)
    with pytest.raises(QuotaExceeded):
        await QuotaLedger(db_pool, 10, QuotaReset()).reserve(50, "x", {}, at=AT + timedelta(days=3))


async def test_a_new_window_starts_fresh_across_the_dst_change(db_pool: asyncpg.Pool) -> None:
    ledger = QuotaLedger(db_pool, 100, QuotaReset())
    before = datetime(2026, 3, 8, 7, 59, tzinfo=UTC)  # 23:59 PST, March 7
    after = datetime(2026, 3, 8, 8, 0, tzinfo=UTC)  # midnight PST, March 8
    await ledger.reserve(100, "x", {}, at=before)
    await ledger.reserve(100, "x", {}, at=after)
    with pytest.raises(QuotaExceeded) as refused:
        await ledger.reserve(1, "x", {}, at=after + timedelta(hours=22, minutes=59))
    assert refused.value.next_reset == datetime(2026, 3, 9, 7, 0, tzinfo=UTC)  # midnight PDT
    assert await ledger.remaining(datetime(2026, 3, 9, 7, 0, tzinfo=UTC)) == 100


async def test_mark_exhausted_refuses_the_rest_of_the_window(db_pool: asyncpg.Pool) -> None:
    ledger = QuotaLedger(db_pool, 10_000, QuotaReset())
    await ledger.reserve(50, "playlists.insert", {}, at=AT)
    await ledger.mark_exhausted(AT)
    await ledger.mark_exhausted(AT + timedelta(minutes=1))  # idempotent, keeps the first time
    assert await ledger.remaining(AT) == 0
    with pytest.raises(QuotaExceeded, match="YouTube reported the quota exhausted"):
        await ledger.reserve(1, "playlists.list", {}, at=AT)
    assert await ledger.remaining(AT + timedelta(days=1)) == 10_000
    exhausted_at = await db_pool.fetchval("SELECT exhausted_at FROM quota_windows")
    assert exhausted_at == AT
    # A window nobody used yet can be marked too (another app spent the project's quota).
    later = AT + timedelta(days=2)
    await ledger.mark_exhausted(later)
    assert await ledger.remaining(later) == 0


async def test_outcomes_refunds_and_attribution(db_pool: asyncpg.Pool) -> None:
    ledger = QuotaLedger(db_pool, 10_000, QuotaReset())
    kept = await ledger.reserve(50, "playlists.insert", {"title": "A"}, sync_job_id=7, at=AT)
    refunded = await ledger.reserve(50, "playlists.insert", {"title": "B"}, sync_job_id=7, at=AT)
    await ledger.reserve(1, "playlists.list", {"page": 1}, sync_job_id=8, at=AT)
    await ledger.record_outcome(kept, "PlaylistNotFound 404 playlistNotFound")
    await ledger.release(refunded, "AuthRequired 401 authError")
    await ledger.release(refunded, "AuthRequired 401 authError")  # once only
    assert await ledger.used_by_sync(7) == 50  # the failed call keeps its charge
    assert await ledger.used_by_sync(8) == 1
    assert await ledger.used_by_sync(9) == 0
    assert await ledger.used_in_window(AT) == 51
    rows = await db_pool.fetch("SELECT id, units, outcome, details FROM quota_events ORDER BY id")
    assert [(r["units"], r["outcome"]) for r in rows] == [
        (50, "PlaylistNotFound 404 playlistNotFound"),
        (0, "AuthRequired 401 authError"),
        (1, None),
    ]
    assert rows[0]["details"] == {"title": "A"}
