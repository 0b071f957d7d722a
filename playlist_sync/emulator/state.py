"""Everything one emulator instance knows, owned by its event loop (so no locks are needed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from playlist_sync.emulator.clock import utc_now
from playlist_sync.emulator.faults import Faults
from playlist_sync.emulator.library import Library
from playlist_sync.emulator.quota import QuotaMeter
from playlist_sync.emulator.seed import LibrarySeed
from playlist_sync.emulator.tokens import TokenStore
from playlist_sync.quota_windows import QuotaReset


@dataclass
class EmulatorOptions:
    daily_quota: int = 10000
    quota_reset: QuotaReset = field(default_factory=QuotaReset)
    token_ttl: int = 3600
    any_token: bool = False
    seed: dict[str, Any] | None = None


class EmulatorState:
    def __init__(self, options: EmulatorOptions, public_url: str, seed: LibrarySeed) -> None:
        self.options = options
        self.public_url = public_url.rstrip("/")
        self.tokens = TokenStore(options.token_ttl)
        self.library = Library.from_seed(seed, utc_now())
        self.quota = QuotaMeter(options.daily_quota, options.quota_reset)
        self.faults = Faults()
        self.requests = 0
        # Playlists with a write in flight; a second write to one of them is refused.
        self.busy: set[str] = set()

    def load(self, seed: LibrarySeed) -> None:
        """A fresh account: library, quota, request count and faults; tokens stay valid."""
        self.library = Library.from_seed(seed, utc_now())
        self.quota = QuotaMeter(self.options.daily_quota, self.options.quota_reset)
        self.faults = Faults()
        self.requests = 0

    def snapshot(self) -> dict[str, Any]:
        return {
            "playlists": [
                {
                    "id": playlist.id,
                    "title": playlist.title,
                    "description": playlist.description,
                    "privacyStatus": playlist.privacy_status,
                    "items": [
                        {"id": item.id, "videoId": item.video_id, "position": position}
                        for position, item in enumerate(playlist.items)
                    ],
                }
                for playlist in self.library.playlists.values()
            ],
            "quota": self.quota.snapshot(),
            "requests": self.requests,
            "tokens": self.tokens.issued(),
        }


STATE_KEY = web.AppKey("emulator_state", EmulatorState)
