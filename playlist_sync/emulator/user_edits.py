"""`POST /_emulator/user-edit`: the account's owner editing playlists in YouTube's own app.

A user who removes, adds or moves a video on a phone, or renames a playlist, while a sync runs
is the world a sync must absorb. Such edits are not the app's calls: they cost the app's
project no quota and meet no injected fault, but lagging lists show them late and the watch
notes them (as the user's), like any write.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from playlist_sync.emulator.clock import utc_now
from playlist_sync.emulator.errors import ApiError
from playlist_sync.emulator.library import Library, Playlist
from playlist_sync.emulator.state import EmulatorState


class UserEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    edit: Literal["removeVideo", "addVideo", "moveVideo", "renamePlaylist", "deletePlaylist"]
    playlistId: str
    videoId: str | None = None
    # addVideo: where (left out: at the end); moveVideo: to where.
    position: int | None = None
    title: str | None = None


class EditRefused(Exception):
    """What the user's app would say: no such playlist, no such video in it, ..."""


def apply_user_edit(state: EmulatorState, edit: UserEdit) -> dict[str, Any]:
    """Applies the edit as YouTube's app does; the playlist after it (or only its id, deleted)."""
    library = state.library
    playlist = library.playlists.get(edit.playlistId)
    if playlist is None:
        raise EditRefused(f"no playlist {edit.playlistId!r}")
    try:
        match edit.edit:
            case "removeVideo":
                library.remove_item(_item_of(playlist, _video(edit)))
            case "addVideo":
                library.add_item(playlist.id, _video(edit), edit.position, utc_now())
            case "moveVideo":
                if edit.position is None:
                    raise EditRefused("moveVideo needs a position")
                library.update_item(
                    _item_of(playlist, _video(edit)), playlist.id, edit.position, None
                )
            case "renamePlaylist":
                if not edit.title:
                    raise EditRefused("renamePlaylist needs a title")
                library.edit_playlist(
                    playlist, edit.title, playlist.description, playlist.privacy_status
                )
            case "deletePlaylist":
                library.delete_playlist(playlist.id)
    except ApiError as refusal:
        raise EditRefused(f"{refusal.reason}: {refusal.message}") from None
    finally:
        state.note_writes(edit.edit, by="user")
    if playlist.id not in library.playlists:
        return {"id": playlist.id, "deleted": True}
    return _shown(library, playlist)


def _video(edit: UserEdit) -> str:
    if not edit.videoId:
        raise EditRefused(f"{edit.edit} needs a videoId")
    return edit.videoId


def _item_of(playlist: Playlist, video_id: str) -> str:
    """The first item of the video in the playlist, as the user picks it from the list."""
    for item in playlist.items:
        if item.video_id == video_id:
            return item.id
    raise EditRefused(f"video {video_id!r} is not in playlist {playlist.id!r}")


def _shown(library: Library, playlist: Playlist) -> dict[str, Any]:
    return {
        "id": playlist.id,
        "title": playlist.title,
        "items": [item.video_id for item in playlist.items],
    }
