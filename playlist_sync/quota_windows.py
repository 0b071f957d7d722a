"""Quota windows: when YouTube's daily budget starts again.

Pure functions of time, so the workflow can compute its resume timer from `workflow.now()`
and the ledger, the emulator and the preview all agree on where a window begins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")
_EVERY = re.compile(r"^every:(\d+)s$")


@dataclass(frozen=True)
class QuotaReset:
    """`pacific-midnight` (YouTube's real reset) or fixed windows of `seconds` since the epoch."""

    seconds: int | None = None

    @classmethod
    def parse(cls, text: str) -> QuotaReset:
        text = text.strip()
        if text == "pacific-midnight":
            return cls()
        match = _EVERY.match(text)
        if match and int(match.group(1)) > 0:
            return cls(int(match.group(1)))
        raise ValueError(f"expected 'pacific-midnight' or 'every:<N>s' with N > 0, got {text!r}")

    def __str__(self) -> str:
        return "pacific-midnight" if self.seconds is None else f"every:{self.seconds}s"


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("quota windows need timezone-aware datetimes")
    return at


def window_start(at: datetime, reset: QuotaReset) -> datetime:
    """The start (UTC) of the quota window that contains `at`."""
    at = _aware(at)
    if reset.seconds is not None:
        epoch = int(at.timestamp())
        return datetime.fromtimestamp(epoch - epoch % reset.seconds, UTC)
    local = at.astimezone(PACIFIC)
    # Midnight of the Pacific calendar day; zoneinfo picks the right offset on DST days.
    return datetime.combine(local.date(), time(0), tzinfo=PACIFIC).astimezone(UTC)


def next_quota_reset(after: datetime, reset: QuotaReset) -> datetime:
    """The first window start strictly after `after` (UTC)."""
    at = _aware(after)
    if reset.seconds is not None:
        return window_start(at, reset) + timedelta(seconds=reset.seconds)
    local_day = at.astimezone(PACIFIC).date() + timedelta(days=1)
    return datetime.combine(local_day, time(0), tzinfo=PACIFIC).astimezone(UTC)


def windows_needed(cost: int, daily_quota: int, left_in_current: int) -> int:
    """How many windows, counting the rest of the current one, a cost of `cost` units needs."""
    if cost <= 0:
        return 0
    if cost <= left_in_current:
        return 1
    remaining = cost - max(left_in_current, 0)
    extra = -(-remaining // daily_quota)
    return extra + (1 if left_in_current > 0 else 0)
