"""The account's library in memory: channel, videos, playlists and their ordered items.

Positions are list indexes, so they stay 0..n-1 after every insert and delete by construction.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from playlist_sync.emulator.errors import (
    ApiError,
    manual_sort_required,
    not_found,
    playlist_item_error,
)
from playlist_sync.emulator.seed import LibrarySeed
from playlist_sync.youtube.costs import MAX_PLAYLIST_ITEMS


@dataclass
class Channel:
    id: str
    title: str
    description: str
    published_at: datetime


@dataclass
class Video:
    id: str
    title: str
    channel_title: str
    status: str
    description: str
    duration: str
    published_at: datetime
    channel_id: str | None = None


# Frozen: lagging lists keep old versions of a playlist, so an edit makes a new item.
@dataclass(frozen=True)
class PlaylistItem:
    id: str
    playlist_id: str
    video_id: str
    published_at: datetime
    note: str | None = None


@dataclass
class Playlist:
    id: str
    title: str
    description: str
    privacy_status: str
    published_at: datetime
    manual_sort: bool = True
    items: list[PlaylistItem] = field(default_factory=list)


class ListedPlaylist(Protocol):
    """A playlist as a list call shows it: the live one, or one as it was (lagging lists)."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def privacy_status(self) -> str: ...
    @property
    def published_at(self) -> datetime: ...
    @property
    def items(self) -> Sequence[PlaylistItem]: ...


def new_playlist_id() -> str:
    # token_urlsafe(24) is exactly 32 url-safe characters, the length of real ids.
    return "PL" + secrets.token_urlsafe(24)


def _item_id(playlist_id: str, suffix: str) -> str:
    # Real ids are base64("<playlistId>.<16 hex>") without padding.
    raw = f"{playlist_id}.{suffix}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _seed_item_id(playlist_id: str, position: int) -> str:
    # Deterministic, so a seed always yields the same item ids.
    digest = hashlib.sha1(f"{playlist_id}:{position}".encode()).hexdigest()
    return _item_id(playlist_id, digest[:16].upper())


class Library:
    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.videos: dict[str, Video] = {}
        self.playlists: dict[str, Playlist] = {}
        self._item_home: dict[str, str] = {}
        # Playlists changed since the last `take_touched`: what the list history must copy.
        self._touched: set[str] = set()

    @classmethod
    def from_seed(cls, seed: LibrarySeed, now: datetime) -> Library:
        library = cls(Channel(seed.channel.id, seed.channel.title, seed.channel.description, now))
        for video in seed.videos:
            library.videos[video.id] = Video(
                video.id,
                video.title,
                video.channelTitle,
                video.status,
                video.description,
                video.duration,
                now,
                video.channelId,
            )
        for entry in seed.playlists:
            playlist = Playlist(
                entry.id,
                entry.title,
                entry.description,
                entry.privacyStatus,
                now,
                entry.manualSort,
            )
            library.playlists[playlist.id] = playlist
            for position, video_id in enumerate(entry.items):
                item = PlaylistItem(
                    _seed_item_id(playlist.id, position), playlist.id, video_id, now
                )
                playlist.items.append(item)
                library._item_home[item.id] = playlist.id
        return library

    def owns(self, video: Video) -> bool:
        """The channel's own upload: visible and addable to it even when private."""
        return video.channel_id == self.channel.id

    def visible(self, video: Video | None) -> bool:
        """Whether this account sees the video (and may add it to a playlist)."""
        if video is None or video.status == "deleted":
            return False
        return video.status != "private" or self.owns(video)

    def take_touched(self) -> set[str]:
        touched, self._touched = self._touched, set()
        return touched

    def playlist(self, playlist_id: str, parameter: str = "playlistId") -> Playlist:
        playlist = self.playlists.get(playlist_id)
        if playlist is None:
            raise playlist_not_found(parameter)
        return playlist

    def create_playlist(
        self, title: str, description: str, privacy_status: str, now: datetime
    ) -> Playlist:
        playlist_id = new_playlist_id()
        while playlist_id in self.playlists:
            playlist_id = new_playlist_id()
        playlist = Playlist(playlist_id, title, description, privacy_status, now)
        self.playlists[playlist_id] = playlist
        self._touched.add(playlist_id)
        return playlist

    def edit_playlist(
        self, playlist: Playlist, title: str, description: str, privacy_status: str
    ) -> None:
        playlist.title, playlist.description = title, description
        playlist.privacy_status = privacy_status
        self._touched.add(playlist.id)

    def delete_playlist(self, playlist_id: str) -> None:
        playlist = self.playlist(playlist_id, "id")
        for item in playlist.items:
            del self._item_home[item.id]
        del self.playlists[playlist_id]
        self._touched.add(playlist_id)

    def add_item(
        self,
        playlist_id: str,
        video_id: str,
        position: int | None,
        now: datetime,
        note: str | None = None,
    ) -> PlaylistItem:
        """Appends (or inserts at `position`) after YouTube's checks, in YouTube's order."""
        playlist = self.playlist(playlist_id)
        video = self.videos.get(video_id)
        if video is None or video.status == "deleted":
            raise playlist_item_error(404, "videoNotFound", "Video not found.")
        if not self.visible(video):
            # Reported: someone else's private video is refused like this, not with a 404.
            raise ApiError(400, "failedPrecondition", "Precondition check failed.", "global")
        if len(playlist.items) >= MAX_PLAYLIST_ITEMS:
            raise playlist_item_error(
                403,
                "playlistContainsMaximumNumberOfVideos",
                "The playlist already contains the maximum allowed number of items.",
            )
        _check_position(playlist, position, len(playlist.items))
        item_id = _item_id(playlist_id, secrets.token_hex(8).upper())
        while item_id in self._item_home:
            item_id = _item_id(playlist_id, secrets.token_hex(8).upper())
        item = PlaylistItem(item_id, playlist_id, video_id, now, note)
        playlist.items.insert(len(playlist.items) if position is None else position, item)
        self._item_home[item_id] = playlist_id
        self._touched.add(playlist_id)
        return item

    def update_item(
        self, item_id: str, playlist_id: str, position: int | None, note: str | None
    ) -> tuple[PlaylistItem, int]:
        """playlistItems.update: a move (to `position`, or to the end when it was left out,
        since a property left out of the sent part is cleared) and the item's new note."""
        found = self.find_item(item_id)
        if found is None or found[0].id != playlist_id:
            raise item_not_found()
        playlist, current = found
        _check_position(playlist, position, len(playlist.items) - 1)
        item = playlist.items.pop(current)
        if note != item.note:
            item = PlaylistItem(item.id, item.playlist_id, item.video_id, item.published_at, note)
        if position is None:
            # A playlist YouTube sorts itself has no end to move to: the item stays put.
            position = len(playlist.items) if playlist.manual_sort else current
        playlist.items.insert(position, item)
        self._touched.add(playlist.id)
        return item, position

    def item_playlist(self, item_id: str) -> str | None:
        return self._item_home.get(item_id)

    def find_item(self, item_id: str) -> tuple[Playlist, int] | None:
        """The item's playlist and position, or None."""
        playlist_id = self._item_home.get(item_id)
        if playlist_id is None:
            return None
        playlist = self.playlists[playlist_id]
        for position, item in enumerate(playlist.items):
            if item.id == item_id:
                return playlist, position
        return None

    def remove_item(self, item_id: str) -> None:
        found = self.find_item(item_id)
        if found is None:
            raise item_not_found()
        playlist, position = found
        del playlist.items[position]
        del self._item_home[item_id]
        self._touched.add(playlist.id)


def playlist_not_found(parameter: str) -> ApiError:
    return not_found(
        "playlistNotFound",
        f"The playlist identified with the request's <code>{parameter}</code> parameter "
        "cannot be found.",
    )


def item_not_found() -> ApiError:
    return playlist_item_error(
        404,
        "playlistItemNotFound",
        "The playlist item identified with the request's <code>id</code> parameter cannot be "
        "found.",
        location="id",
    )


def _check_position(playlist: Playlist, position: int | None, last: int) -> None:
    """A position must fall within 0..`last` and needs a manually sorted playlist."""
    if position is None:
        return
    if not playlist.manual_sort:
        raise manual_sort_required()
    if not 0 <= position <= last:
        raise playlist_item_error(
            400,
            "invalidPlaylistItemPosition",
            "Request contains an invalid value for the position of the playlist item.",
        )
