"""videos.list and channels.list: what the account can see besides its playlists."""

from __future__ import annotations

import dataclasses
from typing import Any

from playlist_sync.emulator.calls import ApiCall, ApiMethod, only_filter
from playlist_sync.emulator.errors import ApiError
from playlist_sync.emulator.library import Library
from playlist_sync.emulator.paging import MAX_RESULTS_LIMIT, list_response, max_results, page_of
from playlist_sync.emulator.resources import (
    CHANNEL_PARTS,
    VIDEO_PARTS,
    channel_resource,
    video_resource,
)
from playlist_sync.youtube.costs import READ_COST


def list_videos(library: Library, call: ApiCall) -> dict[str, Any]:
    only_filter(call, ("id",))
    ids = call.many("id")
    if len(ids) > MAX_RESULTS_LIMIT:
        raise ApiError(
            400,
            "invalidFilters",
            "The request specifies an invalid filter parameter.",
            "youtube.parameter",
            location="id",
        )
    # Deleted videos and other channels' private ones are simply absent from the answer.
    videos = [
        video
        for video in (library.videos.get(video_id) for video_id in ids)
        if video is not None and library.visible(video)
    ]
    page = page_of(videos, len(videos), None)
    resources = [video_resource(video, call.parts) for video in videos]
    return list_response("youtube#videoListResponse", resources, page, len(videos))


def other_account_title(channel_id: str) -> str:
    return f"Other account {channel_id[-4:]}"


def list_channels(library: Library, call: ApiCall) -> dict[str, Any]:
    chosen = only_filter(call, ("mine", "id"))
    size = max_results(call.one("maxResults"))
    own = library.channel
    if call.account is not None:
        own = dataclasses.replace(own, id=call.account, title=other_account_title(call.account))
    mine = chosen == "mine" or own.id in call.many("id")
    channels = [own] if mine else []
    page = page_of(channels, size, call.one("pageToken"))
    resources = [channel_resource(channel, call.parts) for channel in page.entries]
    return list_response("youtube#channelListResponse", resources, page, size)


CATALOG_METHODS = {
    ("GET", "videos"): ApiMethod("videos.list", READ_COST, False, VIDEO_PARTS, list_videos),
    ("GET", "channels"): ApiMethod("channels.list", READ_COST, False, CHANNEL_PARTS, list_channels),
}
