"""YouTube's resource JSON for channels, playlists, playlist items and videos.

Only the parts asked for are rendered; `kind`, `etag` and `id` always are, as on YouTube.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from playlist_sync.emulator.clock import iso_z
from playlist_sync.emulator.errors import ApiError, required_parameter
from playlist_sync.emulator.library import Channel, Library, ListedPlaylist, PlaylistItem, Video

# Parts YouTube knows; the ones this emulator does not render are accepted and left out.
PLAYLIST_PARTS = frozenset({"id", "snippet", "status", "contentDetails", "player", "localizations"})
ITEM_PARTS = frozenset({"id", "snippet", "contentDetails", "status"})
VIDEO_PARTS = frozenset(
    {"id", "snippet", "status", "contentDetails", "statistics", "player", "topicDetails"}
    | {"recordingDetails", "liveStreamingDetails", "localizations", "paidProductPlacementDetails"}
)
CHANNEL_PARTS = frozenset(
    {"id", "snippet", "contentDetails", "status", "statistics", "brandingSettings"}
    | {"topicDetails", "localizations", "contentOwnerDetails", "auditDetails"}
)


def parse_parts(values: list[str], known: frozenset[str]) -> frozenset[str]:
    """`part` may arrive as one comma list or repeated (`part=a&part=b`); both mean the union."""
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    if not names:
        raise required_parameter("part")
    for name in names:
        if name not in known:
            raise ApiError(400, "unknownPart", f"'{name}'", "youtube.part", location="part")
    return frozenset(names)


def _with_etag(resource: dict[str, Any]) -> dict[str, Any]:
    # Derived from the content, so it changes exactly when the resource does.
    digest = hashlib.sha1(json.dumps(resource, sort_keys=True).encode()).digest()
    etag = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return {"kind": resource["kind"], "etag": etag, **resource}


def _channel_id_for(title: str) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha1(title.encode()).digest()).decode()
    return "UC" + digest[:22]


def uploader_channel_id(video: Video) -> str:
    return video.channel_id or _channel_id_for(video.channel_title)


def _thumbnails(video_id: str) -> dict[str, Any]:
    return {
        "default": {
            "url": f"https://i.ytimg.com/vi/{video_id}/default.jpg",
            "width": 120,
            "height": 90,
        }
    }


def channel_resource(channel: Channel, parts: frozenset[str]) -> dict[str, Any]:
    resource: dict[str, Any] = {"kind": "youtube#channel", "id": channel.id}
    if "snippet" in parts:
        resource["snippet"] = {
            "title": channel.title,
            "description": channel.description,
            "publishedAt": iso_z(channel.published_at),
            "localized": {"title": channel.title, "description": channel.description},
        }
    if "contentDetails" in parts:
        uploads = "UU" + channel.id[2:] if channel.id.startswith("UC") else "UU" + channel.id
        resource["contentDetails"] = {"relatedPlaylists": {"likes": "LL", "uploads": uploads}}
    if "status" in parts:
        resource["status"] = {"privacyStatus": "public", "isLinked": True}
    return _with_etag(resource)


def playlist_resource(
    library: Library, playlist: ListedPlaylist, parts: frozenset[str]
) -> dict[str, Any]:
    resource: dict[str, Any] = {"kind": "youtube#playlist", "id": playlist.id}
    if "snippet" in parts:
        resource["snippet"] = {
            "publishedAt": iso_z(playlist.published_at),
            "channelId": library.channel.id,
            "title": playlist.title,
            "description": playlist.description,
            "channelTitle": library.channel.title,
            "localized": {"title": playlist.title, "description": playlist.description},
        }
    if "status" in parts:
        resource["status"] = {"privacyStatus": playlist.privacy_status}
    if "contentDetails" in parts:
        resource["contentDetails"] = {"itemCount": len(playlist.items)}
    return _with_etag(resource)


def item_resource(
    library: Library, item: PlaylistItem, position: int, parts: frozenset[str]
) -> dict[str, Any]:
    video = library.videos.get(item.video_id)
    status = video.status if video is not None else "deleted"
    # The owner sees its own private videos as they are; others' are placeholders.
    available = library.visible(video)
    resource: dict[str, Any] = {"kind": "youtube#playlistItem", "id": item.id}
    if "snippet" in parts:
        snippet: dict[str, Any] = {
            "publishedAt": iso_z(item.published_at),
            "channelId": library.channel.id,
            "title": video.title if available and video else _UNAVAILABLE[status][0],
            "description": video.description if available and video else _UNAVAILABLE[status][1],
            "channelTitle": library.channel.title,
            "playlistId": item.playlist_id,
            "position": position,
            "resourceId": {"kind": "youtube#video", "videoId": item.video_id},
        }
        if available and video is not None:
            snippet["thumbnails"] = _thumbnails(video.id)
            snippet["videoOwnerChannelTitle"] = video.channel_title
            snippet["videoOwnerChannelId"] = uploader_channel_id(video)
        resource["snippet"] = snippet
    if "contentDetails" in parts:
        details: dict[str, Any] = {"videoId": item.video_id}
        if item.note is not None:
            details["note"] = item.note
        if available and video is not None:
            details["videoPublishedAt"] = iso_z(video.published_at)
        resource["contentDetails"] = details
    if "status" in parts:
        privacy = "privacyStatusUnspecified" if status == "deleted" else status
        resource["status"] = {"privacyStatus": privacy}
    return _with_etag(resource)


# What YouTube shows in place of a video the viewer may not see.
_UNAVAILABLE = {
    "deleted": ("Deleted video", "This video is unavailable."),
    "private": ("Private video", "This video is private."),
}


def video_resource(video: Video, parts: frozenset[str]) -> dict[str, Any]:
    resource: dict[str, Any] = {"kind": "youtube#video", "id": video.id}
    if "snippet" in parts:
        resource["snippet"] = {
            "publishedAt": iso_z(video.published_at),
            "channelId": uploader_channel_id(video),
            "title": video.title,
            "description": video.description,
            "thumbnails": _thumbnails(video.id),
            "channelTitle": video.channel_title,
            "categoryId": "22",
            "liveBroadcastContent": "none",
            "localized": {"title": video.title, "description": video.description},
        }
    if "status" in parts:
        resource["status"] = {
            "uploadStatus": "processed",
            "privacyStatus": video.status,
            "license": "youtube",
            "embeddable": True,
            "publicStatsViewable": True,
            "madeForKids": False,
        }
    if "contentDetails" in parts:
        resource["contentDetails"] = {
            "duration": video.duration,
            "dimension": "2d",
            "definition": "hd",
            "caption": "false",
            "licensedContent": False,
            "contentRating": {},
            "projection": "rectangular",
        }
    return _with_etag(resource)
