"""The Data API's JSON into the app's plain values, tolerant of the parts YouTube leaves out."""

from __future__ import annotations

from typing import Any

from playlist_sync.youtube.resources import Channel, RemotePlaylist, RemotePlaylistItem, RemoteVideo

PLAYLIST_PARTS = "snippet,status,contentDetails"
ITEM_PARTS = "snippet,contentDetails,status"
VIDEO_PARTS = "snippet,status"


def playlist(resource: dict[str, Any]) -> RemotePlaylist:
    snippet = resource.get("snippet") or {}
    return RemotePlaylist(
        id=resource["id"],
        title=snippet.get("title", ""),
        description=snippet.get("description", ""),
        privacy_status=(resource.get("status") or {}).get("privacyStatus", "private"),
        item_count=int((resource.get("contentDetails") or {}).get("itemCount", 0)),
    )


def playlist_item(resource: dict[str, Any]) -> RemotePlaylistItem:
    snippet = resource.get("snippet") or {}
    # contentDetails.videoId is the documented place; resourceId is there for every kind.
    video_id = (resource.get("contentDetails") or {}).get("videoId") or (
        snippet.get("resourceId") or {}
    ).get("videoId", "")
    return RemotePlaylistItem(
        id=resource["id"],
        video_id=video_id,
        position=int(snippet.get("position", 0)),
        title=snippet.get("title", ""),
        privacy_status=(resource.get("status") or {}).get("privacyStatus"),
    )


def video(resource: dict[str, Any]) -> RemoteVideo:
    snippet = resource.get("snippet") or {}
    return RemoteVideo(
        id=resource["id"],
        title=snippet.get("title", ""),
        channel_title=snippet.get("channelTitle", ""),
        privacy_status=(resource.get("status") or {}).get("privacyStatus", "public"),
        channel_id=snippet.get("channelId", ""),
    )


def channel(resource: dict[str, Any]) -> Channel:
    return Channel(id=resource["id"], title=(resource.get("snippet") or {}).get("title", ""))
