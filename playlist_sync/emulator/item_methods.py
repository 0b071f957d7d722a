"""playlistItems.list / insert / update / delete."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from playlist_sync.emulator.calls import ApiCall, ApiMethod, only_filter
from playlist_sync.emulator.errors import ApiError, playlist_item_error, required_parameter
from playlist_sync.emulator.library import Library, PlaylistItem, playlist_not_found
from playlist_sync.emulator.paging import list_response, max_results, page_of
from playlist_sync.emulator.resources import ITEM_PARTS, item_resource
from playlist_sync.youtube.costs import READ_COST, WRITE_COST


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class ResourceIdIn(_Body):
    kind: str | None = None
    videoId: str | None = None


class ItemSnippetIn(_Body):
    playlistId: str | None = None
    resourceId: ResourceIdIn | None = None
    position: int | None = None


class ItemDetailsIn(_Body):
    note: str | None = None


class PlaylistItemIn(_Body):
    id: str | None = None
    snippet: ItemSnippetIn | None = None
    contentDetails: ItemDetailsIn | None = None


def list_items(library: Library, call: ApiCall) -> dict[str, Any]:
    chosen = only_filter(call, ("playlistId", "id"))
    size = max_results(call.one("maxResults"))
    entries: list[tuple[PlaylistItem, int]] = []
    # call.playlists, not library.playlists: the list may trail the writes (listLagMs).
    if chosen == "playlistId":
        playlist = call.playlists.get(call.one("playlistId") or "")
        if playlist is None:
            raise playlist_not_found("playlistId")
        video_filter = set(call.many("videoId"))
        entries = [
            (item, position)
            for position, item in enumerate(playlist.items)
            if not video_filter or item.video_id in video_filter
        ]
    else:
        wanted = call.many("id")
        found = {
            item.id: (item, position)
            for playlist in call.playlists.values()
            for position, item in enumerate(playlist.items)
            if item.id in wanted
        }
        entries = [found[item_id] for item_id in wanted if item_id in found]
    page = page_of(entries, size, call.one("pageToken"))
    resources = [
        item_resource(library, item, position, call.parts) for item, position in page.entries
    ]
    return list_response("youtube#playlistItemListResponse", resources, page, size)


def _checked_snippet(body: PlaylistItemIn, call: ApiCall) -> tuple[ItemSnippetIn, str, str]:
    """The snippet, its playlist id and its video id, or YouTube's refusal of a missing one."""
    snippet = body.snippet if "snippet" in call.parts else None
    if snippet is None or not snippet.playlistId:
        raise playlist_item_error(
            400, "playlistIdRequired", "The request must specify a playlist id."
        )
    resource_id = snippet.resourceId
    if resource_id is None or not resource_id.videoId:
        raise playlist_item_error(
            400, "resourceIdRequired", "The request must specify a resource id."
        )
    if resource_id.kind != "youtube#video":
        raise playlist_item_error(
            400,
            "invalidResourceType",
            "The type specified in the resource ID is not supported for this operation.",
        )
    return snippet, snippet.playlistId, resource_id.videoId


def _note(body: PlaylistItemIn, call: ApiCall) -> str | None:
    return body.contentDetails.note if body.contentDetails is not None else None


def insert_item(library: Library, call: ApiCall) -> dict[str, Any]:
    body = call.body_as(PlaylistItemIn)
    snippet, playlist_id, video_id = _checked_snippet(body, call)
    note = _note(body, call) if "contentDetails" in call.parts else None
    item = library.add_item(playlist_id, video_id, snippet.position, call.now, note)
    position = library.playlists[item.playlist_id].items.index(item)
    return item_resource(library, item, position, call.parts)


def update_item(library: Library, call: ApiCall) -> dict[str, Any]:
    """A move (and the note): the resource sent replaces every mutable property of the parts
    named, so what a sent part leaves out is cleared, as on YouTube."""
    body = call.body_as(PlaylistItemIn)
    if not body.id:
        raise ApiError(400, "required", "Required", "global", location="id")
    snippet, playlist_id, video_id = _checked_snippet(body, call)
    found = library.find_item(body.id)
    if found is not None and found[0].items[found[1]].video_id != video_id:
        # An item is a video's place in a playlist: it cannot be turned into another video.
        raise playlist_item_error(400, "invalidSnippet", "Invalid snippet.")
    current_note = found[0].items[found[1]].note if found is not None else None
    note = _note(body, call) if "contentDetails" in call.parts else current_note
    item, position = library.update_item(body.id, playlist_id, snippet.position, note)
    return item_resource(library, item, position, call.parts)


def delete_item(library: Library, call: ApiCall) -> None:
    item_id = call.one("id")
    if not item_id:
        raise required_parameter("id")
    library.remove_item(item_id)


def _inserted_into(library: Library, call: ApiCall) -> str | None:
    snippet = call.body.get("snippet") if isinstance(call.body, dict) else None
    playlist_id = snippet.get("playlistId") if isinstance(snippet, dict) else None
    return playlist_id if isinstance(playlist_id, str) else None


def _updated_in(library: Library, call: ApiCall) -> str | None:
    item_id = call.body.get("id") if isinstance(call.body, dict) else None
    return library.item_playlist(item_id) if isinstance(item_id, str) else None


def _deleted_from(library: Library, call: ApiCall) -> str | None:
    return library.item_playlist(call.one("id") or "")


ITEM_METHODS = {
    ("GET", "playlistItems"): ApiMethod(
        "playlistItems.list", READ_COST, False, ITEM_PARTS, list_items, lags=True
    ),
    ("POST", "playlistItems"): ApiMethod(
        "playlistItems.insert", WRITE_COST, True, ITEM_PARTS, insert_item, _inserted_into
    ),
    ("PUT", "playlistItems"): ApiMethod(
        "playlistItems.update", WRITE_COST, True, ITEM_PARTS, update_item, _updated_in
    ),
    ("DELETE", "playlistItems"): ApiMethod(
        "playlistItems.delete", WRITE_COST, True, None, delete_item, _deleted_from
    ),
}
