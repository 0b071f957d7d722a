"""Everything one emulator instance knows, owned by its event loop (so no locks are needed)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from playlist_sync.emulator.clock import utc_now
from playlist_sync.emulator.faults import Faults, FaultUpdate
from playlist_sync.emulator.library import Library, ListedPlaylist
from playlist_sync.emulator.list_history import ListHistory
from playlist_sync.emulator.playlist_creations import PlaylistCreations
from playlist_sync.emulator.quota import QuotaMeter
from playlist_sync.emulator.seed import LibrarySeed
from playlist_sync.emulator.tokens import TokenStore
from playlist_sync.emulator.watch import Watch, Write
from playlist_sync.quota_windows import QuotaReset


@dataclass
class EmulatorOptions:
    daily_quota: int = 10000
    quota_reset: QuotaReset = field(default_factory=QuotaReset)
    token_ttl: int = 3600
    any_token: bool = False
    seed: dict[str, Any] | None = None
    # Seconds a refresh token lives (apps in Google's "testing" status: 7 days); None: forever.
    refresh_token_ttl: int | None = None


class EmulatorState:
    def __init__(self, options: EmulatorOptions, public_url: str, seed: LibrarySeed) -> None:
        self.options = options
        self.public_url = public_url.rstrip("/")
        self.tokens = TokenStore(options.token_ttl, options.refresh_token_ttl)
        # Playlists with a write in flight; a second write to one of them is refused.
        self.busy: set[str] = set()
        self.load(seed)

    def load(self, seed: LibrarySeed) -> None:
        """A fresh account: library, quota, request count and faults; tokens stay valid."""
        self.library = Library.from_seed(seed, utc_now())
        self.quota = QuotaMeter(self.options.daily_quota, self.options.quota_reset)
        self.creations = PlaylistCreations(self.options.quota_reset)
        self.faults = Faults()
        self.history: ListHistory | None = None
        self.watch = Watch()
        self.requests = 0

    def set_faults(self, patch: FaultUpdate) -> None:
        self.faults.update(patch)
        if self.faults.list_lag_seconds <= 0:
            self.history = None
        elif self.history is None:
            self.history = ListHistory(self.library, time.monotonic())

    def note_writes(self, method: str, by: str = "app") -> None:
        """Called after every write (`method`, made by the app or the user): the list history
        learns what the write changed, and the watch whether a video left every playlist."""
        changed = self.library.take_touched()
        if changed and self.history is not None:
            self.history.record(
                self.library, changed, time.monotonic(), self.faults.list_lag_seconds
            )
        if changed:
            playlist_id = next(iter(changed)) if len(changed) == 1 else None
            self.watch.after_write(self.library, Write(by, method, playlist_id), utc_now())

    def begin_watch(self, videos: list[str]) -> None:
        self.watch = Watch.begin(videos, self.library)

    def listed_playlists(self) -> Mapping[str, ListedPlaylist]:
        """The playlists as list calls see them now: as they were `listLagMs` ago."""
        if self.history is None:
            return self.library.playlists
        return self.history.as_of(time.monotonic() - self.faults.list_lag_seconds)

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
            "playlistCreation": self.creations.snapshot(self.faults.playlist_creates_per_window),
            "requests": self.requests,
            "tokens": self.tokens.issued(),
        }


STATE_KEY = web.AppKey("emulator_state", EmulatorState)
