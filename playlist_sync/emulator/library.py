"""The account's library in memory: channel, videos, playlists and their ordered items.

Positions are list indexes, so they stay 0..n-1 after every insert and delete by construction.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from playlist_sync.emulator.errors import ApiError, not_found
from playlist_sync.emulator.seed import MAX_PLAYLIST_ITEMS, LibrarySeed


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


@dataclass
class PlaylistItem:
    id: str
    playlist_id: str
    video_id: str
    published_at: datetime


@dataclass
class Playlist:
    id: str
    title: str
    description: str
    privacy_status: str
    published_at: datetime
    items: list[PlaylistItem] = field(default_factory=list)


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
            )
        for entry in seed.playlists:
            playlist = Playlist(entry.id, entry.title, entry.description, entry.privacyStatus, now)
            library.playlists[playlist.id] = playlist
            for position, video_id in enumerate(entry.items):
                item = PlaylistItem(
                    _seed_item_id(playlist.id, position), playlist.id, video_id, now
                )
                playlist.items.append(item)
                library._item_home[item.id] = playlist.id
        return library

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
        return playlist

    def delete_playlist(self, playlist_id: str) -> None:
        playlist = self.playlist(playlist_id, "id")
        for item in playlist.items:
            del self._item_home[item.id]
        del self.playlists[playlist_id]

    def add_item(
        self, playlist_id: str, video_id: str, position: int | None, now: datetime
    ) -> PlaylistItem:
        """Appends (or inserts at `position`) after YouTube's checks, in YouTube's order."""
        playlist = self.playlist(playlist_id)
        video = self.videos.get(video_id)
        if video is None or video.status == "deleted":
            raise not_found("videoNotFound", "Video not found.")
        if video.status == "private":
            raise ApiError(400, "failedPrecondition", "Precondition check failed.", "global")
        if len(playlist.items) >= MAX_PLAYLIST_ITEMS:
            raise ApiError(
                403,
                "playlistContainsMaximumNumberOfVideos",
                "The playlist already contains the maximum allowed number of items.",
            )
        if position is not None and not 0 <= position <= len(playlist.items):
            raise ApiError(
                400,
                "invalidPlaylistItemPosition",
                "Request contains an invalid value for the position of the playlist item.",
            )
        item_id = _item_id(playlist_id, secrets.token_hex(8).upper())
        while item_id in self._item_home:
            item_id = _item_id(playlist_id, secrets.token_hex(8).upper())
        item = PlaylistItem(item_id, playlist_id, video_id, now)
        playlist.items.insert(len(playlist.items) if position is None else position, item)
        self._item_home[item_id] = playlist_id
        return item

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
            raise not_found("playlistItemNotFound", "Playlist item not found.")
        playlist, position = found
        del playlist.items[position]
        del self._item_home[item_id]


def playlist_not_found(parameter: str) -> ApiError:
    return not_found(
        "playlistNotFound",
        f"The playlist identified with the request's <code>{parameter}</code> parameter "
        "cannot be found.",
    )
