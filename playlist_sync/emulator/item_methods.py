"""playlistItems.list / insert / delete."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from playlist_sync.emulator.calls import ApiCall, ApiMethod, only_filter
from playlist_sync.emulator.errors import bad_request
from playlist_sync.emulator.library import Library, PlaylistItem
from playlist_sync.emulator.paging import list_response, max_results, page_of
from playlist_sync.emulator.quota import LIST_COST, WRITE_COST
from playlist_sync.emulator.resources import ITEM_PARTS, item_resource


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ResourceIdIn(_Body):
    kind: str | None = None
    videoId: str | None = None


class ItemSnippetIn(_Body):
    playlistId: str | None = None
    resourceId: ResourceIdIn | None = None
    position: int | None = None


class PlaylistItemIn(_Body):
    snippet: ItemSnippetIn | None = None


def list_items(library: Library, call: ApiCall) -> dict[str, Any]:
    chosen = only_filter(call, ("playlistId", "id"))
    size = max_results(call.one("maxResults"))
    entries: list[tuple[PlaylistItem, int]] = []
    if chosen == "playlistId":
        playlist = library.playlist(call.one("playlistId") or "")
        video_filter = set(call.many("videoId"))
        entries = [
            (item, position)
            for position, item in enumerate(playlist.items)
            if not video_filter or item.video_id in video_filter
        ]
    else:
        for item_id in call.many("id"):
            found = library.find_item(item_id)
            if found is not None:
                entries.append((found[0].items[found[1]], found[1]))
    page = page_of(entries, size, call.one("pageToken"))
    resources = [
        item_resource(library, item, position, call.parts) for item, position in page.entries
    ]
    return list_response("youtube#playlistItemListResponse", resources, page, size)


def insert_item(library: Library, call: ApiCall) -> dict[str, Any]:
    body = call.body_as(PlaylistItemIn)
    snippet = body.snippet if "snippet" in call.parts else None
    if snippet is None or not snippet.playlistId:
        raise bad_request("playlistIdRequired", "The request must specify a playlist id.")
    resource_id = snippet.resourceId
    if resource_id is None or not resource_id.videoId:
        raise bad_request("resourceIdRequired", "The request must specify a resource id.")
    if resource_id.kind != "youtube#video":
        raise bad_request(
            "invalidResourceType",
            "The type specified in the resource ID is not supported for this operation.",
        )
    item = library.add_item(snippet.playlistId, resource_id.videoId, snippet.position, call.now)
    position = library.playlists[item.playlist_id].items.index(item)
    return item_resource(library, item, position, call.parts)


def delete_item(library: Library, call: ApiCall) -> None:
    library.remove_item(call.one("id") or "")


def _inserted_into(library: Library, call: ApiCall) -> str | None:
    snippet = call.body.get("snippet") if isinstance(call.body, dict) else None
    playlist_id = snippet.get("playlistId") if isinstance(snippet, dict) else None
    return playlist_id if isinstance(playlist_id, str) else None


def _deleted_from(library: Library, call: ApiCall) -> str | None:
    return library.item_playlist(call.one("id") or "")


ITEM_METHODS = {
    ("GET", "playlistItems"): ApiMethod(
        "playlistItems.list", LIST_COST, False, ITEM_PARTS, list_items
    ),
    ("POST", "playlistItems"): ApiMethod(
        "playlistItems.insert", WRITE_COST, True, ITEM_PARTS, insert_item, _inserted_into
    ),
    ("DELETE", "playlistItems"): ApiMethod(
        "playlistItems.delete", WRITE_COST, True, None, delete_item, _deleted_from
    ),
}
