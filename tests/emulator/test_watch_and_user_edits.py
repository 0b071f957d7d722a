"""The admin API's watch (each moment a watched video was in no playlist, and after which write)
and the user's own edits (`/_emulator/user-edit`: free, never faulted, seen late by lagging
lists, noted by the watch as the user's)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from playlist_sync.emulator import EmulatorAdminError, RunningEmulator
from tests.emulator.conftest import library


def _two_playlists(emulator: RunningEmulator) -> None:
    emulator.admin.seed(
        library(
            playlists=[
                {"id": "PLold", "title": "Old", "items": ["vidPublic01", "vidPublic02"]},
                {"id": "PLnew", "title": "New", "items": []},
            ]
        )
    )


def _item_of(youtube: Any, playlist_id: str, video_id: str) -> str:
    answer = youtube.playlistItems().list(part="snippet", playlistId=playlist_id).execute()
    (item,) = [i for i in answer["items"] if i["snippet"]["resourceId"]["videoId"] == video_id]
    return str(item["id"])


def _insert(youtube: Any, playlist_id: str, video_id: str) -> None:
    body = {
        "snippet": {
            "playlistId": playlist_id,
            "resourceId": {"kind": "youtube#video", "videoId": video_id},
        }
    }
    youtube.playlistItems().insert(part="snippet", body=body).execute()


def test_a_move_that_removes_first_is_a_gap_and_inserting_first_is_none(
    emulator: RunningEmulator, youtube: Any
) -> None:
    _two_playlists(emulator)
    watch = emulator.admin.watch(["vidPublic01", "vidPublic02", "vidUnlisted"])
    # Not in any playlist when the watch began: no write made that gap.
    assert watch["inNoPlaylistNow"] == ["vidUnlisted"] and watch["gaps"] == []

    # vidPublic01 moves the safe way: into the new playlist, then out of the old one.
    _insert(youtube, "PLnew", "vidPublic01")
    youtube.playlistItems().delete(id=_item_of(youtube, "PLold", "vidPublic01")).execute()
    # vidPublic02 moves the unsafe way: out first, in a moment later.
    youtube.playlistItems().delete(id=_item_of(youtube, "PLold", "vidPublic02")).execute()
    _insert(youtube, "PLnew", "vidPublic02")
    # vidUnlisted enters a playlist and leaves it: from then on, leaving is a gap.
    _insert(youtube, "PLold", "vidUnlisted")
    youtube.playlistItems().delete(id=_item_of(youtube, "PLold", "vidUnlisted")).execute()

    seen = emulator.admin.watched()
    gaps = [(g["videoId"], g["after"], g["endedAfter"]) for g in seen["gaps"]]
    assert gaps == [
        (
            "vidPublic02",
            {"by": "app", "method": "playlistItems.delete", "playlistId": "PLold"},
            {"by": "app", "method": "playlistItems.insert", "playlistId": "PLnew"},
        ),
        (
            "vidUnlisted",
            {"by": "app", "method": "playlistItems.delete", "playlistId": "PLold"},
            None,
        ),
    ]
    assert seen["gaps"][0]["from"] <= seen["gaps"][0]["until"]
    assert seen["gaps"][1]["until"] is None and seen["inNoPlaylistNow"] == ["vidUnlisted"]


def test_deleting_a_playlist_opens_a_gap_for_each_video_only_it_held(
    emulator: RunningEmulator, youtube: Any
) -> None:
    _two_playlists(emulator)
    _insert(youtube, "PLnew", "vidPublic01")
    emulator.admin.watch(["vidPublic01", "vidPublic02"])

    youtube.playlists().delete(id="PLold").execute()

    (gap,) = emulator.admin.watched()["gaps"]
    assert gap["videoId"] == "vidPublic02"
    assert gap["after"] == {"by": "app", "method": "playlists.delete", "playlistId": "PLold"}


def test_a_new_watch_replaces_the_old_one_and_a_seed_ends_it(
    emulator: RunningEmulator, youtube: Any
) -> None:
    _two_playlists(emulator)
    emulator.admin.watch(["vidPublic01"])
    youtube.playlists().delete(id="PLold").execute()
    assert len(emulator.admin.watched()["gaps"]) == 1

    assert emulator.admin.watch(["vidPublic02"])["gaps"] == []
    _two_playlists(emulator)
    assert emulator.admin.watched() == {"videos": [], "inNoPlaylistNow": [], "gaps": []}


def test_the_users_edits_are_free_never_faulted_and_noted_as_the_users(
    emulator: RunningEmulator, youtube: Any
) -> None:
    _two_playlists(emulator)
    emulator.admin.set_faults(error_rate=1.0)
    emulator.admin.watch(["vidPublic01", "vidPublic02"])

    added = emulator.admin.user_edit("addVideo", "PLnew", video_id="vidUnlisted")
    assert added == {"id": "PLnew", "title": "New", "items": ["vidUnlisted"]}
    moved = emulator.admin.user_edit("moveVideo", "PLold", video_id="vidPublic02", position=0)
    assert moved["items"] == ["vidPublic02", "vidPublic01"]
    emulator.admin.user_edit("addVideo", "PLold", video_id="vidPublic01", position=1)
    removed = emulator.admin.user_edit("removeVideo", "PLold", video_id="vidPublic01")
    assert removed["items"] == ["vidPublic02", "vidPublic01"]  # the first of its two items
    renamed = emulator.admin.user_edit("renamePlaylist", "PLold", title="Old, renamed")
    assert renamed["title"] == "Old, renamed"
    assert emulator.admin.user_edit("deletePlaylist", "PLold") == {"id": "PLold", "deleted": True}

    state = emulator.admin.state()
    assert state["quota"]["windows"] == [] and state["requests"] == 0
    gaps = [(g["videoId"], g["after"]["by"], g["after"]["method"]) for g in
            emulator.admin.watched()["gaps"]]  # fmt: skip
    assert sorted(gaps) == [
        ("vidPublic01", "user", "deletePlaylist"),
        ("vidPublic02", "user", "deletePlaylist"),
    ]


@pytest.mark.parametrize(
    ("edit", "playlist", "fields", "message"),
    [
        ("removeVideo", "PLnope", {"video_id": "vidPublic01"}, "no playlist 'PLnope'"),
        ("removeVideo", "PLnew", {"video_id": "vidPublic01"}, "is not in playlist 'PLnew'"),
        ("moveVideo", "PLold", {"video_id": "vidPublic01", "position": 7}, "invalidPlaylistItem"),
        ("addVideo", "PLold", {"video_id": "vidDeleted1"}, "videoNotFound"),
        ("renamePlaylist", "PLold", {}, "needs a title"),
    ],
)
def test_an_edit_the_app_would_refuse_changes_nothing(
    emulator: RunningEmulator,
    youtube: Any,
    edit: str,
    playlist: str,
    fields: dict[str, Any],
    message: str,
) -> None:
    _two_playlists(emulator)
    before = emulator.admin.state()["playlists"]
    with pytest.raises(EmulatorAdminError, match="409") as refused:
        emulator.admin.user_edit(edit, playlist, **fields)
    assert message in str(refused.value)
    assert emulator.admin.state()["playlists"] == before


def test_lagging_lists_show_the_users_edit_late(emulator: RunningEmulator, youtube: Any) -> None:
    _two_playlists(emulator)
    emulator.admin.set_faults(list_lag_ms=1000)
    emulator.admin.user_edit("removeVideo", "PLold", video_id="vidPublic01")

    def listed() -> list[str]:
        answer = youtube.playlistItems().list(part="snippet", playlistId="PLold").execute()
        return [i["snippet"]["resourceId"]["videoId"] for i in answer["items"]]

    assert listed() == ["vidPublic01", "vidPublic02"]
    time.sleep(1.1)  # the lag itself is what is under test
    assert listed() == ["vidPublic02"]


def test_bad_watch_and_bad_edit_bodies_are_refused(emulator: RunningEmulator) -> None:
    with pytest.raises(EmulatorAdminError, match="400"):
        emulator.admin._call("POST", "/_emulator/watch", {"videos": "vidPublic01"})
    with pytest.raises(EmulatorAdminError, match="400"):
        emulator.admin._call("POST", "/_emulator/user-edit", {"edit": "renameVideo"})
