"""The user on a phone, between the job's batches: removes, adds and moves a video, renames a
playlist. Choices are indexes into YouTube as it is at that moment (so that a step means the
same thing when Hypothesis replays it on the same state)."""

from __future__ import annotations

from typing import Any

from playlist_sync.emulator import EmulatorAdmin, EmulatorAdminError
from tests.model.oracle import UserEdits, ordered_items


def _pick(playlists: list[dict[str, Any]], index: int, min_items: int) -> dict[str, Any] | None:
    eligible = sorted((p for p in playlists if len(p["items"]) >= min_items), key=lambda p: p["id"])
    return eligible[index % len(eligible)] if eligible else None


def _edit(
    admin: EmulatorAdmin, edits: UserEdits, edit: str, playlist: dict[str, Any], **fields: Any
) -> None:
    try:
        admin.user_edit(edit, playlist["id"], **fields)
    except EmulatorAdminError as refused:
        edits.log.append(f"{edit} refused: {refused}")
        return
    edits.note(edit, playlist["id"], playlist["title"], fields.get("video_id"))


def remove_video(admin: EmulatorAdmin, edits: UserEdits, which: int, item: int) -> None:
    playlist = _pick(admin.state()["playlists"], which, 1)
    if playlist is not None:
        items = ordered_items(playlist)
        _edit(admin, edits, "removeVideo", playlist, video_id=items[item % len(items)])


def add_video(
    admin: EmulatorAdmin,
    edits: UserEdits,
    library: list[str],
    which: int,
    video: int,
    position: int,
) -> None:
    playlist = _pick(admin.state()["playlists"], which, 0)
    if playlist is None:
        return
    items = ordered_items(playlist)
    candidates = [v for v in library if v not in items]
    if candidates:
        chosen = candidates[video % len(candidates)]
        _edit(
            admin,
            edits,
            "addVideo",
            playlist,
            video_id=chosen,
            position=position % (len(items) + 1),
        )


def move_video(
    admin: EmulatorAdmin, edits: UserEdits, which: int, item: int, position: int
) -> None:
    playlist = _pick(admin.state()["playlists"], which, 2)
    if playlist is not None:
        items = ordered_items(playlist)
        _edit(
            admin,
            edits,
            "moveVideo",
            playlist,
            video_id=items[item % len(items)],
            position=position % len(items),
        )


def rename_playlist(admin: EmulatorAdmin, edits: UserEdits, which: int) -> None:
    playlist = _pick(admin.state()["playlists"], which, 0)
    if playlist is not None:
        _edit(admin, edits, "renamePlaylist", playlist, title=f"{playlist['title']} (mine)")
