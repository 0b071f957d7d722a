"""playlists.list / insert / update / delete."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from playlist_sync.emulator.calls import ApiCall, ApiMethod, only_filter
from playlist_sync.emulator.errors import bad_request
from playlist_sync.emulator.library import Library, ListedPlaylist
from playlist_sync.emulator.paging import list_response, max_results, page_of
from playlist_sync.emulator.resources import PLAYLIST_PARTS, playlist_resource
from playlist_sync.youtube.costs import READ_COST, WRITE_COST

TITLE_MAX = 150
DESCRIPTION_MAX = 5000


class _Body(BaseModel):
    # Clients often send back a resource they fetched; read-only fields are ignored.
    model_config = ConfigDict(extra="ignore")


class SnippetIn(_Body):
    title: str | None = None
    description: str | None = None


class StatusIn(_Body):
    privacyStatus: Literal["public", "unlisted", "private"] | None = None


class PlaylistIn(_Body):
    id: str | None = None
    snippet: SnippetIn | None = None
    status: StatusIn | None = None


def _checked_snippet(snippet: SnippetIn | None) -> tuple[str, str]:
    title = snippet.title if snippet is not None else None
    description = (snippet.description if snippet is not None else None) or ""
    if title is None or not title.strip():
        raise bad_request("playlistTitleRequired", "Must specify a playlist title.")
    if (
        len(title) > TITLE_MAX
        or len(description) > DESCRIPTION_MAX
        or any(mark in text for mark in "<>" for text in (title, description))
    ):
        raise bad_request("invalidPlaylistSnippet", "Invalid playlist snippet.")
    return title, description


def list_playlists(library: Library, call: ApiCall) -> dict[str, Any]:
    chosen = only_filter(call, ("mine", "id", "channelId"))
    size = max_results(call.one("maxResults"))
    playlists: list[ListedPlaylist]
    # call.playlists, not library.playlists: the list may trail the writes (listLagMs).
    listed = call.playlists
    if chosen == "id":
        playlists = [listed[i] for i in call.many("id") if i in listed]
    elif chosen == "mine" or call.one("channelId") == library.channel.id:
        playlists = list(listed.values())
    else:
        playlists = []
    page = page_of(playlists, size, call.one("pageToken"))
    resources = [playlist_resource(library, playlist, call.parts) for playlist in page.entries]
    return list_response("youtube#playlistListResponse", resources, page, size)


def insert_playlist(library: Library, call: ApiCall) -> dict[str, Any]:
    body = call.body_as(PlaylistIn)
    # `part` names the properties a write sets: a snippet outside it is not read at all.
    title, description = _checked_snippet(body.snippet if "snippet" in call.parts else None)
    privacy = "public"
    if "status" in call.parts and body.status is not None and body.status.privacyStatus:
        privacy = body.status.privacyStatus
    playlist = library.create_playlist(title, description, privacy, call.now)
    return playlist_resource(library, playlist, call.parts)


def update_playlist(library: Library, call: ApiCall) -> dict[str, Any]:
    body = call.body_as(PlaylistIn)
    if not body.id:
        raise bad_request("playlistIdRequired", "The request must specify a playlist id.")
    playlist = library.playlist(body.id, "id")
    title, description, privacy = playlist.title, playlist.description, playlist.privacy_status
    if "snippet" in call.parts:
        # The snippet is replaced whole: a description left out is cleared.
        title, description = _checked_snippet(body.snippet)
    if "status" in call.parts and body.status is not None and body.status.privacyStatus:
        privacy = body.status.privacyStatus
    library.edit_playlist(playlist, title, description, privacy)
    return playlist_resource(library, playlist, call.parts)


def delete_playlist(library: Library, call: ApiCall) -> None:
    library.delete_playlist(call.one("id") or "")


def _updated_playlist(library: Library, call: ApiCall) -> str | None:
    body = call.body
    playlist_id = body.get("id") if isinstance(body, dict) else None
    return playlist_id if isinstance(playlist_id, str) else None


def _deleted_playlist(library: Library, call: ApiCall) -> str | None:
    return call.one("id")


PLAYLIST_METHODS = {
    ("GET", "playlists"): ApiMethod(
        "playlists.list", READ_COST, False, PLAYLIST_PARTS, list_playlists, lags=True
    ),
    ("POST", "playlists"): ApiMethod(
        "playlists.insert",
        WRITE_COST,
        True,
        PLAYLIST_PARTS,
        insert_playlist,
        creates_playlist=True,
    ),
    ("PUT", "playlists"): ApiMethod(
        "playlists.update", WRITE_COST, True, PLAYLIST_PARTS, update_playlist, _updated_playlist
    ),
    ("DELETE", "playlists"): ApiMethod(
        "playlists.delete", WRITE_COST, True, None, delete_playlist, _deleted_playlist
    ),
}
