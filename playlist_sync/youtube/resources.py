"""What the app reads from YouTube, as plain values (the API's JSON stays inside the client)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RemotePlaylist:
    id: str
    title: str
    description: str
    privacy_status: str
    item_count: int


@dataclass(frozen=True)
class RemotePlaylistItem:
    id: str
    video_id: str
    position: int
    title: str  # "Deleted video" / "Private video" for items YouTube no longer shows
    privacy_status: str | None


@dataclass(frozen=True)
class RemoteVideo:
    id: str
    title: str
    channel_title: str
    privacy_status: str
    channel_id: str = ""  # the uploader's channel (UC...)


@dataclass(frozen=True)
class Channel:
    id: str
    title: str
