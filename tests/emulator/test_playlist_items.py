"""playlistItems.* through google-api-python-client: order, unavailable videos, limits."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from playlist_sync.emulator import RunningEmulator
from tests.emulator.conftest import library, reason


def _add(youtube: Any, playlist_id: str, video_id: str, position: int | None = None) -> Any:
    snippet: dict[str, Any] = {
        "playlistId": playlist_id,
        "resourceId": {"kind": "youtube#video", "videoId": video_id},
    }
    if position is not None:
        snippet["position"] = position
    return youtube.playlistItems().insert(part="snippet", body={"snippet": snippet}).execute()


def _videos_in(emulator: RunningEmulator, playlist_id: str) -> list[str]:
    (entry,) = [p for p in emulator.admin.state()["playlists"] if p["id"] == playlist_id]
    assert [item["position"] for item in entry["items"]] == list(range(len(entry["items"])))
    return [item["videoId"] for item in entry["items"]]


def test_items_in_position_order_with_unavailable_videos_masked(youtube: Any) -> None:
    answer = (
        youtube.playlistItems()
        .list(part="snippet,contentDetails,status", playlistId="PLrecipes")
        .execute()
    )

    assert answer["kind"] == "youtube#playlistItemListResponse"
    items = answer["items"]
    assert [item["snippet"]["position"] for item in items] == [0, 1, 2, 3]
    assert [item["snippet"]["title"] for item in items] == [
        "Public one",
        "Deleted video",
        "Private video",
        "Public two",
    ]
    first = items[0]
    assert first["kind"] == "youtube#playlistItem"
    assert first["snippet"]["resourceId"] == {"kind": "youtube#video", "videoId": "vidPublic01"}
    assert first["snippet"]["playlistId"] == "PLrecipes"
    assert first["snippet"]["videoOwnerChannelTitle"] == "Chef"
    assert first["contentDetails"]["videoId"] == "vidPublic01"
    assert first["status"] == {"privacyStatus": "public"}
    assert "videoOwnerChannelTitle" not in items[1]["snippet"]


def test_pages_through_more_than_50_items(emulator: RunningEmulator, youtube: Any) -> None:
    videos = [{"id": f"v{n:03}", "title": f"Video {n}"} for n in range(120)]
    playlist = {"id": "PLbig", "title": "Big", "items": [v["id"] for v in videos]}
    emulator.admin.seed(library(playlists=[playlist], extra_videos=videos))

    seen: list[str] = []
    request = youtube.playlistItems().list(part="contentDetails", playlistId="PLbig", maxResults=50)
    pages = 0
    while request is not None:
        answer = request.execute()
        pages += 1
        seen += [item["contentDetails"]["videoId"] for item in answer["items"]]
        request = youtube.playlistItems().list_next(request, answer)

    assert pages == 3
    assert seen == playlist["items"]


def test_insert_appends_or_places_and_keeps_positions(
    emulator: RunningEmulator, youtube: Any
) -> None:
    appended = _add(youtube, "PLrecipes", "vidUnlisted")
    placed = _add(youtube, "PLrecipes", "vidPublic02", position=0)
    # The same video may sit twice in one playlist.
    assert appended["snippet"]["position"] == 4 and placed["snippet"]["position"] == 0
    assert _videos_in(emulator, "PLrecipes") == [
        "vidPublic02",
        "vidPublic01",
        "vidDeleted1",
        "vidPrivate1",
        "vidPublic02",
        "vidUnlisted",
    ]

    assert youtube.playlistItems().delete(id=placed["id"]).execute() == ""
    assert _videos_in(emulator, "PLrecipes")[0] == "vidPublic01"
    listed = youtube.playlistItems().list(part="snippet", id=appended["id"]).execute()
    assert listed["items"][0]["snippet"]["position"] == 4


@pytest.mark.parametrize(
    ("playlist_id", "video_id", "status", "expected"),
    [
        ("PLnope", "vidPublic01", 404, "playlistNotFound"),
        ("PLempty", "noSuchVideo", 404, "videoNotFound"),
        ("PLempty", "vidDeleted1", 404, "videoNotFound"),
        ("PLempty", "vidPrivate1", 400, "failedPrecondition"),
    ],
)
def test_insert_refusals(
    emulator: RunningEmulator,
    youtube: Any,
    playlist_id: str,
    video_id: str,
    status: int,
    expected: str,
) -> None:
    with pytest.raises(HttpError) as caught:
        _add(youtube, playlist_id, video_id)

    assert (caught.value.status_code, reason(caught.value)) == (status, expected)
    assert _videos_in(emulator, "PLempty") == []


def test_private_video_says_precondition_failed(youtube: Any) -> None:
    with pytest.raises(HttpError) as caught:
        _add(youtube, "PLempty", "vidPrivate1")
    assert caught.value.reason == "Precondition check failed."


@pytest.mark.parametrize("position", [-1, 5])
def test_position_outside_the_playlist_is_refused(youtube: Any, position: int) -> None:
    with pytest.raises(HttpError) as caught:
        _add(youtube, "PLrecipes", "vidPublic01", position=position)
    assert reason(caught.value) == "invalidPlaylistItemPosition"


def test_playlist_holds_at_most_5000_items(emulator: RunningEmulator, youtube: Any) -> None:
    full = {"id": "PLfull", "title": "Full", "items": ["vidPublic01"] * 4999}
    emulator.admin.seed(library(playlists=[full]))

    last = _add(youtube, "PLfull", "vidPublic02")
    with pytest.raises(HttpError) as caught:
        _add(youtube, "PLfull", "vidPublic02")

    assert last["snippet"]["position"] == 4999
    assert caught.value.status_code == 403
    assert reason(caught.value) == "playlistContainsMaximumNumberOfVideos"
    assert len(_videos_in(emulator, "PLfull")) == 5000


def test_delete_of_unknown_item_is_404(youtube: Any) -> None:
    with pytest.raises(HttpError) as caught:
        youtube.playlistItems().delete(id="UExub3BlLjEyMzQ").execute()
    assert caught.value.status_code == 404 and reason(caught.value) == "playlistItemNotFound"
