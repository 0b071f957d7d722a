"""videos.list and channels.list: what a non-owner sees."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from tests.emulator.conftest import reason


def test_videos_omit_private_and_deleted(youtube: Any) -> None:
    answer = (
        youtube.videos()
        .list(
            part="snippet,status,contentDetails",
            id="vidPublic01,vidUnlisted,vidPrivate1,vidDeleted1,unknown",
        )
        .execute()
    )

    assert answer["kind"] == "youtube#videoListResponse"
    assert [video["id"] for video in answer["items"]] == ["vidPublic01", "vidUnlisted"]
    public = answer["items"][0]
    assert public["snippet"]["title"] == "Public one"
    assert public["snippet"]["channelTitle"] == "Chef"
    assert public["status"]["privacyStatus"] == "public"
    assert public["contentDetails"]["duration"].startswith("PT")


def test_videos_accept_at_most_50_ids(youtube: Any) -> None:
    with pytest.raises(HttpError) as caught:
        youtube.videos().list(part="id", id=",".join(f"v{n}" for n in range(51))).execute()
    assert caught.value.status_code == 400 and reason(caught.value) == "invalidFilters"


def test_my_channel(youtube: Any) -> None:
    answer = youtube.channels().list(part="snippet,contentDetails", mine=True).execute()

    (channel,) = answer["items"]
    assert channel["kind"] == "youtube#channel" and channel["id"] == "UCtestChannel"
    assert channel["snippet"]["title"] == "Test channel"


def test_unknown_part_is_refused(youtube: Any) -> None:
    with pytest.raises(HttpError) as caught:
        youtube.playlists().list(part="snippet,nonsense", mine=True).execute()
    assert caught.value.status_code == 400 and reason(caught.value) == "unknownPart"


def test_list_needs_exactly_one_filter(youtube: Any) -> None:
    with pytest.raises(HttpError) as caught:
        youtube.playlists().list(part="id").execute()
    assert caught.value.status_code == 400 and reason(caught.value) == "missingRequiredParameter"
