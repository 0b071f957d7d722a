"""YouTube's limit on new playlists: about 10 per channel per day, then 429 until the next day.

Refusals are counted per window too: users who kept retrying past the limit lost their
channel (sigma67/spotify_to_ytmusic#82), so a check must be able to tell a client that waits
for the next window from one that hammers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from playlist_sync.emulator.clock import iso_z
from playlist_sync.quota_windows import QuotaReset, window_start


@dataclass
class _Window:
    created: int = 0
    refused: int = 0


class PlaylistCreations:
    def __init__(self, reset: QuotaReset) -> None:
        self.reset = reset
        self._windows: dict[datetime, _Window] = {}

    def admits(self, at: datetime, limit: int | None) -> bool:
        """Whether one more playlist may be made now; a refusal is counted."""
        window = self._window(at)
        if limit is None or window.created < limit:
            return True
        window.refused += 1
        return False

    def count(self, at: datetime) -> None:
        self._window(at).created += 1

    def snapshot(self, limit: int | None) -> dict[str, Any]:
        return {
            "limitPerWindow": limit,
            "windows": [
                {"start": iso_z(start), "created": w.created, "refused": w.refused}
                for start, w in sorted(self._windows.items())
            ],
        }

    def _window(self, at: datetime) -> _Window:
        return self._windows.setdefault(window_start(at, self.reset), _Window())
