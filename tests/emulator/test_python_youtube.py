"""A second client that nobody here wrote: python-youtube (`pyyoutube`) from PyPI, pointed at the
emulator through its URL attributes. It builds Google's v2 consent URL, exchanges the code with
HTTP Basic client auth (requests-oauthlib), pages with page tokens, parses the answers into its
own models, and revokes at Google's `/revoke`."""

from __future__ import annotations

from typing import Any

import pytest
import pyyoutube

from playlist_sync.emulator import RunningEmulator
from tests.emulator.conftest import FORCE_SSL, library, redirect_location

VIDEOS = [{"id": f"pyyt{n:07}", "title": f"Clip {n}"} for n in range(6)]
REDIRECT = "http://localhost:8090/"


def _client(emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A Client authorised through the emulator's consent and token endpoints."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the emulator speaks plain http
    secrets = emulator.admin.client_secrets()["installed"]
    client = pyyoutube.Client(
        client_id=secrets["client_id"], client_secret=secrets["client_secret"]
    )
    client.BASE_URL = emulator.url + "/youtube/v3/"
    client.AUTHORIZATION_URL = emulator.url + "/o/oauth2/v2/auth"
    client.EXCHANGE_ACCESS_TOKEN_URL = emulator.url + "/token"
    client.REVOKE_TOKEN_URL = emulator.url + "/revoke"
    url, _ = client.get_authorize_url(redirect_uri=REDIRECT, scope=[FORCE_SSL])
    assert url.startswith(emulator.url + "/o/oauth2/v2/auth?")
    client.generate_access_token(
        authorization_response=redirect_location(url), redirect_uri=REDIRECT, scope=[FORCE_SSL]
    )
    return client


@pytest.fixture
def client(emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> Any:
    playlists = [{"id": f"PLpyyt{n:02}", "title": f"List {n}"} for n in range(7)]
    playlists[0]["items"] = [v["id"] for v in VIDEOS]
    emulator.admin.seed(library(playlists=playlists, extra_videos=VIDEOS))
    return _client(emulator, monkeypatch)


def test_pages_through_playlists_and_items_into_its_own_models(client: Any) -> None:
    titles, token = [], None
    while True:
        page = client.playlists.list(mine=True, parts="snippet", max_results=3, page_token=token)
        titles += [playlist.snippet.title for playlist in page.items]
        token = page.nextPageToken
        if not token:
            break
    assert titles == [f"List {n}" for n in range(7)]
    assert page.pageInfo.totalResults == 7

    items = client.playlistItems.list(playlist_id="PLpyyt00", parts="snippet", max_results=50)
    assert [i.snippet.resourceId.videoId for i in items.items] == [v["id"] for v in VIDEOS]
    assert [i.snippet.position for i in items.items] == list(range(len(VIDEOS)))


def test_insert_update_move_and_delete(emulator: RunningEmulator, client: Any) -> None:
    made = client.playlists.insert(
        body={"snippet": {"title": "From pyyoutube"}, "status": {"privacyStatus": "private"}},
        parts="snippet,status",
    )
    assert made.snippet.title == "From pyyoutube" and made.status.privacyStatus == "private"
    renamed = client.playlists.update(
        body={"id": made.id, "snippet": {"title": "Renamed", "description": "by pyyoutube"}},
        parts="snippet",
    )
    assert (renamed.snippet.title, renamed.snippet.description) == ("Renamed", "by pyyoutube")

    added = [
        client.playlistItems.insert(
            body={
                "snippet": {
                    "playlistId": made.id,
                    "resourceId": {"kind": "youtube#video", "videoId": video["id"]},
                }
            },
            parts="snippet",
        )
        for video in VIDEOS[:3]
    ]
    moved = client.playlistItems.update(
        body={
            "id": added[2].id,
            "snippet": {
                "playlistId": made.id,
                "resourceId": {"kind": "youtube#video", "videoId": VIDEOS[2]["id"]},
                "position": 0,
            },
        },
        parts="snippet",
    )
    assert moved.snippet.position == 0
    assert client.playlistItems.delete(playlist_item_id=added[1].id) is True

    (entry,) = [p for p in emulator.admin.state()["playlists"] if p["id"] == made.id]
    assert [i["videoId"] for i in entry["items"]] == [VIDEOS[2]["id"], VIDEOS[0]["id"]]
    assert entry["title"] == "Renamed"
    assert client.playlists.delete(playlist_id=made.id) is True
    assert made.id not in [p["id"] for p in emulator.admin.state()["playlists"]]


def test_its_errors_carry_youtubes_code_and_message(client: Any) -> None:
    with pytest.raises(pyyoutube.PyYouTubeException) as caught:
        client.playlistItems.insert(
            body={
                "snippet": {
                    "playlistId": "PLpyyt01",
                    "resourceId": {"kind": "youtube#video", "videoId": "vidPrivate1"},
                }
            },
            parts="snippet",
        )
    assert caught.value.status_code == 400
    assert caught.value.message == "Precondition check failed."


def test_refresh_then_revoke(emulator: RunningEmulator, client: Any) -> None:
    refreshed = client.refresh_access_token(client.refresh_token)
    assert refreshed.access_token and refreshed.access_token != client.access_token
    client.access_token = refreshed.access_token
    assert client.channels.list(mine=True, parts="id").items[0].id == "UCtestChannel"

    assert client.revoke_access_token(client.refresh_token) is True

    with pytest.raises(pyyoutube.PyYouTubeException) as refused:
        client.refresh_access_token(client.refresh_token)
    assert refused.value.message == "invalid_grant"
    with pytest.raises(pyyoutube.PyYouTubeException) as unauthorised:
        client.channels.list(mine=True, parts="id")
    assert unauthorised.value.status_code == 401
