"""playlistItems.update and .delete as YouTube plays them: moves shift the items between, what
a sent part leaves out is cleared, and playlists YouTube sorts itself refuse positions."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from playlist_sync.emulator import RunningEmulator
from tests.emulator.conftest import library, reason

ORDER = ["v0", "v1", "v2", "v3", "v4"]


@pytest.fixture
def ordered(emulator: RunningEmulator, youtube: Any) -> list[dict[str, Any]]:
    """PLorder holds v0..v4; PLsorted (sorted by YouTube) holds v0, v1. Returns PLorder's items."""
    videos = [{"id": v, "title": v.upper()} for v in ORDER]
    emulator.admin.seed(
        library(
            playlists=[
                {"id": "PLorder", "title": "Order", "items": ORDER},
                {"id": "PLsorted", "title": "Sorted", "items": ORDER[:2], "manualSort": False},
            ],
            extra_videos=videos,
        )
    )
    answer = youtube.playlistItems().list(part="snippet", playlistId="PLorder").execute()
    return list(answer["items"])


def _move(youtube: Any, item: dict[str, Any], position: int | None, **extra: Any) -> Any:
    snippet: dict[str, Any] = {
        "playlistId": item["snippet"]["playlistId"],
        "resourceId": item["snippet"]["resourceId"],
    }
    if position is not None:
        snippet["position"] = position
    body = {"id": item["id"], "snippet": snippet, **extra}
    part = ",".join(["snippet", *extra])
    return youtube.playlistItems().update(part=part, body=body).execute()


def _order(emulator: RunningEmulator, playlist_id: str = "PLorder") -> list[str]:
    (entry,) = [p for p in emulator.admin.state()["playlists"] if p["id"] == playlist_id]
    return [item["videoId"] for item in entry["items"]]


def test_a_move_shifts_the_items_between(
    emulator: RunningEmulator, youtube: Any, ordered: list[dict[str, Any]]
) -> None:
    moved = _move(youtube, ordered[4], 1)
    assert moved["id"] == ordered[4]["id"] and moved["snippet"]["position"] == 1
    assert _order(emulator) == ["v0", "v4", "v1", "v2", "v3"]

    _move(youtube, ordered[0], 4)  # down: the ones after it move up
    assert _order(emulator) == ["v4", "v1", "v2", "v3", "v0"]
    quota = emulator.admin.state()["quota"]["windows"][0]["used"]
    assert quota == 1 + 2 * 50  # the list, then two moves at 50 units each


def test_a_position_left_out_is_cleared_and_the_item_goes_to_the_end(
    emulator: RunningEmulator, youtube: Any, ordered: list[dict[str, Any]]
) -> None:
    _move(youtube, ordered[1], None)
    assert _order(emulator) == ["v0", "v2", "v3", "v4", "v1"]


def test_a_note_survives_a_snippet_move_but_not_a_contentdetails_one(
    emulator: RunningEmulator, youtube: Any, ordered: list[dict[str, Any]]
) -> None:
    noted = _move(youtube, ordered[2], 2, contentDetails={"note": "watch this"})
    assert noted["contentDetails"]["note"] == "watch this"

    _move(youtube, ordered[2], 0)  # part=snippet: contentDetails untouched
    kept = youtube.playlistItems().list(part="contentDetails", id=ordered[2]["id"]).execute()
    assert kept["items"][0]["contentDetails"]["note"] == "watch this"

    cleared = _move(youtube, ordered[2], 0, contentDetails={})  # sent without its note
    assert "note" not in cleared["contentDetails"]


@pytest.mark.parametrize(
    ("change", "status", "expected"),
    [
        ({"id": None}, 400, "required"),
        (
            {"snippet": {"resourceId": {"kind": "youtube#video", "videoId": "v0"}}},
            400,
            "playlistIdRequired",
        ),
        ({"snippet": {"playlistId": "PLorder"}}, 400, "resourceIdRequired"),
        ({"id": "UExub3BlLjEyMzQ"}, 404, "playlistItemNotFound"),
        ({"position": 5}, 400, "invalidPlaylistItemPosition"),
        ({"position": -1}, 400, "invalidPlaylistItemPosition"),
        ({"videoId": "v3"}, 400, "invalidSnippet"),
    ],
)
def test_update_refusals(
    emulator: RunningEmulator,
    youtube: Any,
    ordered: list[dict[str, Any]],
    change: dict[str, Any],
    status: int,
    expected: str,
) -> None:
    item = ordered[0]
    snippet: dict[str, Any] = {
        "playlistId": "PLorder",
        "resourceId": {"kind": "youtube#video", "videoId": change.get("videoId", "v0")},
        "position": change.get("position", 1),
    }
    snippet = change.get("snippet", snippet)
    body = {"id": change.get("id", item["id"]), "snippet": snippet}
    with pytest.raises(HttpError) as caught:
        youtube.playlistItems().update(part="snippet", body=body).execute()
    assert (caught.value.status_code, reason(caught.value)) == (status, expected)
    assert _order(emulator) == ORDER


def test_a_playlist_youtube_sorts_refuses_positions_but_takes_appends(
    emulator: RunningEmulator, youtube: Any, ordered: list[dict[str, Any]]
) -> None:
    body = {
        "snippet": {
            "playlistId": "PLsorted",
            "resourceId": {"kind": "youtube#video", "videoId": "v2"},
            "position": 0,
        }
    }
    with pytest.raises(HttpError) as inserted:
        youtube.playlistItems().insert(part="snippet", body=body).execute()
    sorted_items = youtube.playlistItems().list(part="snippet", playlistId="PLsorted").execute()
    with pytest.raises(HttpError) as moved:
        _move(youtube, sorted_items["items"][1], 0)

    for caught in (inserted, moved):
        assert caught.value.status_code == 400
        assert caught.value.error_details[0]["reason"] == "manualSortRequired"
        assert caught.value.error_details[0]["domain"] == "youtube.playlistItem"
    del body["snippet"]["position"]
    youtube.playlistItems().insert(part="snippet", body=body).execute()
    assert _order(emulator, "PLsorted") == ["v0", "v1", "v2"]


def test_delete_by_item_id_is_204_and_needs_the_id(
    emulator: RunningEmulator, youtube: Any, ordered: list[dict[str, Any]]
) -> None:
    assert youtube.playlistItems().delete(id=ordered[2]["id"]).execute() == ""
    assert _order(emulator) == ["v0", "v1", "v3", "v4"]
    with pytest.raises(HttpError) as by_video:
        youtube.playlistItems().delete(id="v3").execute()  # a video id is not an item id
    assert (by_video.value.status_code, reason(by_video.value)) == (404, "playlistItemNotFound")
    with pytest.raises(HttpError) as missing:
        youtube.playlistItems().delete(id="").execute()
    assert (missing.value.status_code, reason(missing.value)) == (400, "required")


def test_playlist_update_replaces_the_snippet_whole(
    emulator: RunningEmulator, youtube: Any
) -> None:
    body = {
        "id": "PLrecipes",
        "snippet": {"title": "Cooking"},
        "status": {"privacyStatus": "unlisted"},
    }
    answer = youtube.playlists().update(part="snippet,status", body=body).execute()

    assert answer["snippet"]["title"] == "Cooking"
    assert answer["snippet"]["description"] == ""  # left out, so cleared
    assert answer["status"]["privacyStatus"] == "unlisted"
