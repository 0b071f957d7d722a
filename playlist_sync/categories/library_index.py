"""The imported library as a categories file refers to it: playlists by title or id, and
every video of the imported playlists in library order, for the `channels` and
`title_matches` rules."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import asyncpg


def closest(ref: str, names: Iterable[str]) -> str | None:
    """The name a typo most likely meant: the same but for case, else a close spelling."""
    names = sorted(names)
    folded = {name.casefold(): name for name in names}
    if ref.casefold() in folded:
        return folded[ref.casefold()]
    close = difflib.get_close_matches(ref, names, n=1, cutoff=0.6)
    return close[0] if close else None


@dataclass(frozen=True)
class IndexedPlaylist:
    id: int
    youtube_playlist_id: str
    title: str
    gone: bool
    category_target: bool
    # The title it was imported with: a sync that adopts a playlist renames it, and a file
    # written before still names it so.
    first_title: str


class PlaylistIndex:
    """Finds an imported playlist by YouTube id, or by title when that is not ambiguous."""

    def __init__(self, playlists: list[IndexedPlaylist]) -> None:
        self._live_titles = sorted({p.title for p in playlists if not p.gone})
        self._by_id = {p.youtube_playlist_id: p for p in playlists}
        self._by_title: dict[str, list[IndexedPlaylist]] = defaultdict(list)
        self._by_first_title: dict[str, list[IndexedPlaylist]] = defaultdict(list)
        for playlist in playlists:
            self._by_title[playlist.title].append(playlist)
            if playlist.first_title != playlist.title:
                self._by_first_title[playlist.first_title].append(playlist)

    @classmethod
    async def load(cls, conn: asyncpg.Connection) -> PlaylistIndex:
        rows = await conn.fetch(
            """SELECT id, youtube_playlist_id, title, coalesce(first_title, title) AS first_title,
                      deleted_from_youtube_at IS NOT NULL AS gone,
                      youtube_playlist_id IN (SELECT youtube_playlist_id FROM categories
                                              WHERE youtube_playlist_id IS NOT NULL)
                          AS category_target
               FROM playlists"""
        )
        return cls([IndexedPlaylist(**row) for row in rows])

    def resolve(self, ref: str) -> IndexedPlaylist | str:
        """The playlist, or why there is none."""
        if ref in self._by_id:
            return self._by_id[ref]
        titled = self._by_title.get(ref, [])
        renamed = self._by_first_title.get(ref, [])
        # Prefer, in turn: the user's own live playlists, ones YouTube no longer has (a
        # file still names the playlists the sync deleted), the sync's category playlists,
        # whose title is usually the very category being described, and last playlists a
        # sync adopted and renamed, by the title they had.
        for tier in (
            [p for p in titled if not p.category_target and not p.gone],
            [p for p in titled if not p.category_target],
            titled,
            renamed,
        ):
            if len(tier) == 1:
                return tier[0]
            if tier:
                ids = ", ".join(sorted(p.youtube_playlist_id for p in tier))
                return f"{len(tier)} imported playlists are titled {ref!r} ({ids}): use the id"
        why = f"unknown playlist {ref!r} (no imported playlist has this title or id)"
        close = closest(ref, self._live_titles)
        return f"{why}; did you mean {close!r}?" if close else why


@dataclass(frozen=True)
class LibraryVideo:
    id: int
    title: str
    channel_title: str
    channel_id: str | None


# Library order: the playlists as YouTube listed them at the last import (those it no longer
# lists after them, in their old order), each playlist's items by position.
_LIBRARY_ORDER = """
    SELECT v.id, v.title, v.channel_title, v.channel_id
    FROM playlists p
    JOIN playlist_videos pv ON pv.playlist_id = p.id
    JOIN videos v ON v.id = pv.video_id
    ORDER BY p.deleted_from_youtube_at IS NOT NULL, p.list_position NULLS LAST, p.id, pv.position
"""


async def video_facts(conn: asyncpg.Connection) -> dict[int, LibraryVideo]:
    """Title and channel of every known video (the library's and those looked up), for the
    filters that keep or drop the selected videos."""
    rows = await conn.fetch("SELECT id, title, channel_title, channel_id FROM videos")
    return {row["id"]: LibraryVideo(**row) for row in rows}


class LibraryVideos:
    """Every video of the imported playlists, once each, in library order."""

    def __init__(self, videos: list[LibraryVideo]) -> None:
        first: dict[int, LibraryVideo] = {}
        for video in videos:
            first.setdefault(video.id, video)  # a video in several playlists: its first place
        self.videos = list(first.values())
        self._by_channel: dict[str, set[int]] = defaultdict(set)
        for video in self.videos:
            for key in (video.channel_title, video.channel_id):
                if key:
                    self._by_channel[key].add(video.id)
        self._missing_channel_ids = any(video.channel_id is None for video in self.videos)

    @classmethod
    async def load(cls, conn: asyncpg.Connection) -> LibraryVideos:
        return cls([LibraryVideo(**row) for row in await conn.fetch(_LIBRARY_ORDER)])

    def of_channel(self, ref: str) -> set[int] | str:
        """The ids of the channel's videos (by its title or UC… id), or why there are none."""
        found = self._by_channel.get(ref)
        if found:
            return found
        why = f"no video of channel {ref!r} in the library (no imported playlist holds one)"
        close = closest(ref, {v.channel_title for v in self.videos if v.channel_title})
        if close:
            return f"{why}; did you mean {close!r}?"
        if ref.startswith("UC") and self._missing_channel_ids:
            # Imported before channel ids were kept: only a new import knows them.
            return f"{why}; run `starter.py import` again to match channels by id"
        return why
