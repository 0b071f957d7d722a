"""playlists.* through google-api-python-client, as the sync will call them."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from playlist_sync.emulator import RunningEmulator
from tests.emulator.conftest import library, reason


def test_lists_only_the_parts_asked_for(youtube: Any) -> None:
    answer = youtube.playlists().list(part="snippet,contentDetails", mine=True).execute()

    assert answer["kind"] == "youtube#playlistListResponse"
    assert answer["pageInfo"] == {"totalResults": 2, "resultsPerPage": 5}
    recipes = answer["items"][0]
    assert recipes["kind"] == "youtube#playlist" and recipes["id"] == "PLrecipes"
    assert recipes["etag"]
    assert recipes["snippet"]["title"] == "Recipes"
    assert recipes["snippet"]["channelId"] == "UCtestChannel"
    assert recipes["snippet"]["channelTitle"] == "Test channel"
    assert recipes["contentDetails"] == {"itemCount": 4}
    assert "status" not in recipes


def test_pages_with_next_and_prev_tokens(emulator: RunningEmulator, youtube: Any) -> None:
    many = [{"id": f"PL{n:03}", "title": f"List {n}"} for n in range(60)]
    emulator.admin.seed(library(playlists=many))

    first = youtube.playlists().list(part="id", mine=True, maxResults=50).execute()
    second = (
        youtube.playlists()
        .list(part="id", mine=True, maxResults=50, pageToken=first["nextPageToken"])
        .execute()
    )

    assert len(first["items"]) == 50 and "prevPageToken" not in first
    assert len(second["items"]) == 10 and "nextPageToken" not in second
    assert second["pageInfo"]["totalResults"] == 60
    ids = [item["id"] for item in first["items"] + second["items"]]
    assert ids == [entry["id"] for entry in many]
    back = (
        youtube.playlists()
        .list(part="id", mine=True, maxResults=50, pageToken=second["prevPageToken"])
        .execute()
    )
    assert back["items"] == first["items"]


def test_lists_by_id_and_skips_unknown_ids(youtube: Any) -> None:
    answer = youtube.playlists().list(part="status", id="PLempty,PLnope").execute()

    assert [(item["id"], item["status"]) for item in answer["items"]] == [
        ("PLempty", {"privacyStatus": "private"})
    ]


@pytest.mark.parametrize("size", [51, -1])
def test_max_results_outside_0_to_50_is_refused(youtube: Any, size: int) -> None:
    with pytest.raises(HttpError) as caught:
        youtube.playlists().list(part="id", mine=True, maxResults=size).execute()

    assert caught.value.status_code == 400 and reason(caught.value) == "invalid"


def test_insert_is_public_unless_told_otherwise(emulator: RunningEmulator, youtube: Any) -> None:
    public = (
        youtube.playlists()
        .insert(part="snippet,status", body={"snippet": {"title": "Cooking"}})
        .execute()
    )
    private = (
        youtube.playlists()
        .insert(
            part="snippet,status",
            body={
                "snippet": {"title": "Jazz", "description": "d"},
                "status": {"privacyStatus": "private"},
            },
        )
        .execute()
    )

    assert public["status"]["privacyStatus"] == "public"
    assert private["status"]["privacyStatus"] == "private"
    assert private["id"].startswith("PL") and len(private["id"]) == 34
    titles = {entry["title"]: entry for entry in emulator.admin.state()["playlists"]}
    assert titles["Jazz"]["privacyStatus"] == "private" and titles["Jazz"]["description"] == "d"


def test_status_outside_part_is_not_applied(youtube: Any) -> None:
    # `part` names what a write sets, so a status sent without `status` in part is ignored.
    created = (
        youtube.playlists()
        .insert(
            part="snippet", body={"snippet": {"title": "T"}, "status": {"privacyStatus": "private"}}
        )
        .execute()
    )

    listed = youtube.playlists().list(part="status", id=created["id"]).execute()
    assert listed["items"][0]["status"]["privacyStatus"] == "public"


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ({"title": ""}, "playlistTitleRequired"),
        ({"description": "no title"}, "playlistTitleRequired"),
        ({"title": "x" * 151}, "invalidPlaylistSnippet"),
        ({"title": "a <b> title"}, "invalidPlaylistSnippet"),
        ({"title": "ok", "description": "y" * 5001}, "invalidPlaylistSnippet"),
        ({"title": "ok", "description": "1 > 0"}, "invalidPlaylistSnippet"),
    ],
)
def test_title_and_description_rules(
    emulator: RunningEmulator, youtube: Any, snippet: dict[str, str], expected: str
) -> None:
    with pytest.raises(HttpError) as caught:
        youtube.playlists().insert(part="snippet", body={"snippet": snippet}).execute()

    assert caught.value.status_code == 400 and reason(caught.value) == expected
    assert len(emulator.admin.state()["playlists"]) == 2


def test_longest_title_is_accepted(youtube: Any) -> None:
    created = youtube.playlists().insert(part="snippet", body={"snippet": {"title": "é" * 150}})
    assert created.execute()["snippet"]["title"] == "é" * 150


def test_update_changes_title_and_privacy(emulator: RunningEmulator, youtube: Any) -> None:
    youtube.playlists().update(
        part="snippet,status",
        body={
            "id": "PLempty",
            "snippet": {"title": "Renamed"},
            "status": {"privacyStatus": "unlisted"},
        },
    ).execute()

    (entry,) = [p for p in emulator.admin.state()["playlists"] if p["id"] == "PLempty"]
    assert (entry["title"], entry["privacyStatus"]) == ("Renamed", "unlisted")


def test_update_of_unknown_playlist_is_404(youtube: Any) -> None:
    with pytest.raises(HttpError) as caught:
        youtube.playlists().update(
            part="snippet", body={"id": "PLnope", "snippet": {"title": "x"}}
        ).execute()
    assert caught.value.status_code == 404 and reason(caught.value) == "playlistNotFound"


def test_delete_answers_204_then_404(emulator: RunningEmulator, youtube: Any) -> None:
    assert youtube.playlists().delete(id="PLrecipes").execute() == ""

    with pytest.raises(HttpError) as caught:
        youtube.playlists().delete(id="PLrecipes").execute()

    assert caught.value.status_code == 404 and reason(caught.value) == "playlistNotFound"
    assert [p["id"] for p in emulator.admin.state()["playlists"]] == ["PLempty"]
    with pytest.raises(HttpError) as listing:
        youtube.playlistItems().list(part="id", playlistId="PLrecipes").execute()
    assert reason(listing.value) == "playlistNotFound"
