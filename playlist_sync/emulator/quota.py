"""The project's quota as Google keeps it: units used per window, refused past the limit.

Windows come from `quota_windows`, the same functions the app's ledger uses, so a check can
compare the two window by window.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from playlist_sync.emulator.clock import iso_z
from playlist_sync.quota_windows import QuotaReset, window_start


class QuotaMeter:
    def __init__(self, daily_limit: int, reset: QuotaReset) -> None:
        self.daily_limit = daily_limit
        self.reset = reset
        self._used: dict[datetime, int] = {}

    def used(self, at: datetime) -> int:
        return self._used.get(window_start(at, self.reset), 0)

    def try_charge(self, cost: int, at: datetime) -> bool:
        """Charges `cost` to the window of `at`; False (and nothing charged) if over the limit."""
        start = window_start(at, self.reset)
        used = self._used.get(start, 0)
        if used + cost > self.daily_limit:
            return False
        self._used[start] = used + cost
        return True

    def snapshot(self) -> dict[str, Any]:
        return {
            "dailyLimit": self.daily_limit,
            "windows": [
                {"start": iso_z(start), "used": used} for start, used in sorted(self._used.items())
            ],
        }
