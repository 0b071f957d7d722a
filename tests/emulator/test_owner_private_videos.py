"""The channel's own private videos: visible to it and addable, as on YouTube; other
channels' private videos stay placeholders that cannot be added."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from playlist_sync.emulator import RunningEmulator
from tests.emulator.conftest import library, reason

OWN = {
    "id": "vidMyOwn001",
    "title": "My rehearsal",
    "channelTitle": "Test channel",
    "channelId": "UCtestChannel",  # the library's channel: the owner's upload
    "status": "private",
}


@pytest.fixture
def own_video(emulator: RunningEmulator, youtube: Any) -> Any:
    playlists = [{"id": "PLmine", "title": "Mine", "items": ["vidMyOwn001", "vidPrivate1"]}]
    emulator.admin.seed(
        library(playlists=[*playlists, {"id": "PLempty", "title": "Empty"}], extra_videos=[OWN])
    )
    return youtube


def test_videos_list_shows_the_owner_its_private_video(own_video: Any) -> None:
    answer = own_video.videos().list(part="snippet,status", id="vidMyOwn001,vidPrivate1").execute()

    (video,) = answer["items"]
    assert video["id"] == "vidMyOwn001"
    assert video["snippet"]["title"] == "My rehearsal"
    assert video["snippet"]["channelId"] == "UCtestChannel"
    assert video["status"]["privacyStatus"] == "private"


def test_items_show_the_owners_private_video_by_its_title(own_video: Any) -> None:
    answer = own_video.playlistItems().list(part="snippet,status", playlistId="PLmine").execute()

    titles = [(i["snippet"]["title"], i["status"]["privacyStatus"]) for i in answer["items"]]
    assert titles == [("My rehearsal", "private"), ("Private video", "private")]
    assert answer["items"][0]["snippet"]["videoOwnerChannelId"] == "UCtestChannel"


def test_the_owner_may_add_its_private_video_but_not_anothers(
    emulator: RunningEmulator, own_video: Any
) -> None:
    def add(video_id: str) -> Any:
        body = {
            "snippet": {
                "playlistId": "PLempty",
                "resourceId": {"kind": "youtube#video", "videoId": video_id},
            }
        }
        return own_video.playlistItems().insert(part="snippet", body=body).execute()

    assert add("vidMyOwn001")["snippet"]["title"] == "My rehearsal"
    with pytest.raises(HttpError) as caught:
        add("vidPrivate1")
    assert (caught.value.status_code, reason(caught.value)) == (400, "failedPrecondition")
    (empty,) = [p for p in emulator.admin.state()["playlists"] if p["id"] == "PLempty"]
    assert [item["videoId"] for item in empty["items"]] == ["vidMyOwn001"]
