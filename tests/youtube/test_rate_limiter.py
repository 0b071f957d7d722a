"""Pacing: writes per second with reads weighing less; off when the rate is 0 or None."""

from __future__ import annotations

import asyncio
import time

from playlist_sync.youtube.rate_limiter import READ_WEIGHT, RateLimiter


async def elapsed(limiter: RateLimiter, weights: list[float]) -> float:
    start = time.monotonic()
    await asyncio.gather(*(limiter.acquire(weight) for weight in weights))
    return time.monotonic() - start


async def test_writes_are_spaced_at_the_rate() -> None:
    # Burst of 1, then one every 50 ms: the sixth write goes out after 250 ms.
    took = await elapsed(RateLimiter(20, burst=1), [1.0] * 6)
    assert 0.24 <= took < 0.6


async def test_reads_weigh_less_than_writes() -> None:
    reads = await elapsed(RateLimiter(20, burst=1), [READ_WEIGHT] * 9)  # 2 writes' worth
    assert reads < 0.15


async def test_disabled_limiter_never_waits() -> None:
    for rate in (None, 0):
        assert await elapsed(RateLimiter(rate), [1.0] * 200) < 0.05


async def test_default_is_generous() -> None:
    assert await elapsed(RateLimiter(), [1.0] * 10) < 0.05
