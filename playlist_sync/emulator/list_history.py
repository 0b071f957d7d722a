"""Lagging lists: the playlists as they were after each write of the last `listLagMs`.

YouTube's lists were seen to trail its writes (item counts, fresh items, new playlists). Each
entry of the history is a mapping of frozen playlists that shares every playlist a write did
not change with the entry before, so a write costs one copy of the playlist it changed plus a
dict of references, whatever the size of the library. Entries older than the lag are dropped,
except the newest of them: that one is what a lagging list shows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from playlist_sync.emulator.library import Library, Playlist, PlaylistItem


@dataclass(frozen=True)
class PlaylistState:
    """A playlist frozen at one moment (a ListedPlaylist)."""

    id: str
    title: str
    description: str
    privacy_status: str
    published_at: datetime
    items: tuple[PlaylistItem, ...]


def frozen(playlist: Playlist) -> PlaylistState:
    return PlaylistState(
        playlist.id,
        playlist.title,
        playlist.description,
        playlist.privacy_status,
        playlist.published_at,
        tuple(playlist.items),
    )


Playlists = Mapping[str, PlaylistState]


class ListHistory:
    def __init__(self, library: Library, now: float) -> None:
        # Writes before the lag was switched on count as old enough to show.
        start = {playlist.id: frozen(playlist) for playlist in library.playlists.values()}
        self._entries: deque[tuple[float, Playlists]] = deque([(now, start)])

    def record(self, library: Library, changed: Iterable[str], now: float, lag: float) -> None:
        """Adds the state after a write that changed the playlists `changed`."""
        latest = dict(self._entries[-1][1])
        for playlist_id in changed:
            playlist = library.playlists.get(playlist_id)
            if playlist is None:
                latest.pop(playlist_id, None)
            else:
                # A new playlist lands at the end, as in the library's own (insertion) order.
                latest[playlist_id] = frozen(playlist)
        self._entries.append((now, latest))
        while len(self._entries) > 1 and self._entries[1][0] <= now - lag:
            self._entries.popleft()

    def as_of(self, at: float) -> Playlists:
        """The playlists as they were at `at` (or as far back as the history goes)."""
        for recorded_at, playlists in reversed(self._entries):
            if recorded_at <= at:
                return playlists
        return self._entries[0][1]
