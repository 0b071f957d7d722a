"""The watch: every moment a watched video was in no playlist, and which write put it there.

"No video in no playlist, at any moment" cannot be checked by reading the playlists now and
then: a video that leaves one playlist and enters another a second later is in none for that
second, and a poll between the two writes is luck. The watch sees every write as it is applied
(the app's through the Data API, the user's through `/_emulator/user-edit`) and notes each
time a watched video went from some playlist to none (a gap), and the write that ended it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from playlist_sync.emulator.library import Library


@dataclass(frozen=True)
class Write:
    """What changed the library: a Data API method (the app) or a user's edit."""

    by: str  # "app" | "user"
    method: str  # "playlistItems.delete", "playlists.delete", "removeVideo", ...
    playlist_id: str | None

    def to_json(self) -> dict[str, Any]:
        return {"by": self.by, "method": self.method, "playlistId": self.playlist_id}


@dataclass
class Gap:
    video_id: str
    began_at: datetime
    began_after: Write
    ended_at: datetime | None = None
    ended_after: Write | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "videoId": self.video_id,
            "from": self.began_at.isoformat(),
            "after": self.began_after.to_json(),
            "until": self.ended_at.isoformat() if self.ended_at else None,
            "endedAfter": self.ended_after.to_json() if self.ended_after else None,
        }


@dataclass
class Watch:
    videos: frozenset[str] = frozenset()
    # Watched videos in no playlist when the watch began: not a gap any write opened.
    absent_at_start: frozenset[str] = frozenset()
    gaps: list[Gap] = field(default_factory=list)
    _open: dict[str, Gap] = field(default_factory=dict)

    @classmethod
    def begin(cls, videos: list[str], library: Library) -> Watch:
        watched = frozenset(videos)
        return cls(watched, frozenset(watched - _in_some_playlist(library, watched)))

    def after_write(self, library: Library, write: Write, now: datetime) -> None:
        """Called once a write is applied: opens and closes gaps."""
        if not self.videos:
            return
        present = _in_some_playlist(library, self.videos)
        for video_id in self.videos:
            gap = self._open.get(video_id)
            if video_id in present and gap is not None:
                gap.ended_at, gap.ended_after = now, write
                del self._open[video_id]
            elif video_id not in present and gap is None and video_id not in self.absent_at_start:
                gap = Gap(video_id, now, write)
                self.gaps.append(gap)
                self._open[video_id] = gap
            elif video_id in present and video_id in self.absent_at_start:
                # Back in a playlist: from now on, leaving every playlist is a gap.
                self.absent_at_start = self.absent_at_start - {video_id}

    def snapshot(self, library: Library) -> dict[str, Any]:
        present = _in_some_playlist(library, self.videos)
        return {
            "videos": sorted(self.videos),
            "inNoPlaylistNow": sorted(self.videos - present),
            "gaps": [gap.to_json() for gap in self.gaps],
        }


def _in_some_playlist(library: Library, videos: frozenset[str]) -> set[str]:
    return {
        item.video_id
        for playlist in library.playlists.values()
        for item in playlist.items
        if item.video_id in videos
    }
