"""Pacing of API calls: a token bucket measured in writes per second.

Quota is a daily budget; this is about bursts. YouTube answers bursts of writes to one
playlist with 500 backendError or 429, so calls are spread out, and a read counts as a
fraction of a write because it is cheaper for YouTube too.
"""

from __future__ import annotations

import asyncio
import threading
import time

WRITE_WEIGHT = 1.0
READ_WEIGHT = 0.25


class RateLimiter:
    """`await limiter.acquire(weight)` before each call; `writes_per_second` 0 or None: no pacing.

    The bucket is guarded by a thread lock rather than an asyncio lock, and nobody awaits while
    holding it: each caller books its slot and then sleeps outside the lock, so one limiter can
    pace calls from any event loop or thread, in arrival order.
    """

    # The default is a safety cap against a runaway loop, not a throttle: YouTube's real limit
    # is the quota (about 200 writes a day), and its burst trouble is parallel writes into one
    # playlist, which the sync never makes. A low cap here would serialise the parallel playlists.
    def __init__(self, writes_per_second: float | None = 100.0, *, burst: float | None = None):
        self.rate = writes_per_second or 0.0
        if self.rate < 0:
            raise ValueError("writes_per_second must not be negative")
        self.burst = burst if burst is not None else max(1.0, self.rate)
        self._tokens = self.burst
        self._updated = time.monotonic()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    async def acquire(self, weight: float = WRITE_WEIGHT) -> None:
        delay = self._book(weight)
        if delay > 0:
            await asyncio.sleep(delay)

    def _book(self, weight: float) -> float:
        """Take `weight` tokens now, going into debt if needed; returns how long to wait."""
        if not self.enabled:
            return 0.0
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            self._tokens -= weight
            # Debt is paid back by later callers waiting longer, which keeps the order fair.
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate
