"""The emulator driven the way Google's own Python samples drive YouTube: InstalledAppFlow for
the grant, `build(..., credentials=...)`, `list_next` paging, then insert, update, move and
delete of playlists and items, and the revoke of the OAuth sample. Only the endpoint differs."""

from __future__ import annotations

from typing import Any

import google.auth.transport.requests
import pytest
import requests
from google.auth.exceptions import RefreshError
from google_auth_oauthlib.flow import InstalledAppFlow
from googleapiclient.discovery import build

from playlist_sync.emulator import RunningEmulator
from tests.emulator.conftest import FORCE_SSL, library, redirect_location

VIDEOS = [{"id": f"sample{n:05}", "title": f"Sample {n}"} for n in range(7)]


@pytest.fixture
def credentials(emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The samples' `flow.run_local_server()`, with the browser's click done by the test."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the emulator speaks plain http
    playlists = [{"id": f"PLsample{n:02}", "title": f"Sample list {n}"} for n in range(12)]
    playlists[0]["items"] = [v["id"] for v in VIDEOS]
    emulator.admin.seed(library(playlists=playlists, extra_videos=VIDEOS))
    emulator.admin.set_faults(playlist_creates_per_window=None)
    flow = InstalledAppFlow.from_client_config(emulator.admin.client_secrets(), [FORCE_SSL])
    flow.redirect_uri = "http://localhost:8080/"
    url, _ = flow.authorization_url(access_type="offline", prompt="consent")
    flow.fetch_token(authorization_response=redirect_location(url))
    return flow.credentials


def test_a_samples_session_from_grant_to_revoke(
    emulator: RunningEmulator, credentials: Any
) -> None:
    youtube = build(
        "youtube", "v3", credentials=credentials, client_options={"api_endpoint": emulator.url}
    )

    # "My playlists", page by page, with list_next as the samples do.
    titles: list[str] = []
    request = youtube.playlists().list(part="snippet,contentDetails", mine=True, maxResults=5)
    while request is not None:
        response = request.execute()
        titles += [p["snippet"]["title"] for p in response["items"]]
        request = youtube.playlists().list_next(request, response)
    assert titles == [f"Sample list {n}" for n in range(12)]

    # playlists.insert / update, as in the "create a playlist" sample.
    made = (
        youtube.playlists()
        .insert(
            part="snippet,status",
            body={
                "snippet": {"title": "Sample playlist", "description": "made by the sample"},
                "status": {"privacyStatus": "private"},
            },
        )
        .execute()
    )
    made["snippet"]["title"] = "Renamed"  # the sample's way: send back what was fetched
    renamed = youtube.playlists().update(part="snippet,status", body=made).execute()
    assert renamed["snippet"]["title"] == "Renamed"
    assert renamed["snippet"]["description"] == "made by the sample"

    # Items: insert three, move the last to the front, delete one.
    items = []
    for video in VIDEOS[:3]:
        body = {
            "snippet": {
                "playlistId": made["id"],
                "resourceId": {"kind": "youtube#video", "videoId": video["id"]},
            }
        }
        items.append(youtube.playlistItems().insert(part="snippet", body=body).execute())
    last = items[2]
    last["snippet"]["position"] = 0
    moved = youtube.playlistItems().update(part="snippet", body=last).execute()
    assert moved["snippet"]["position"] == 0
    youtube.playlistItems().delete(id=items[0]["id"]).execute()

    pages: list[str] = []
    request = youtube.playlistItems().list(part="snippet", playlistId=made["id"], maxResults=1)
    while request is not None:
        response = request.execute()
        pages += [i["snippet"]["resourceId"]["videoId"] for i in response["items"]]
        request = youtube.playlistItems().list_next(request, response)
    assert pages == [VIDEOS[2]["id"], VIDEOS[1]["id"]]

    youtube.playlists().delete(id=made["id"]).execute()
    assert made["id"] not in [p["id"] for p in emulator.admin.state()["playlists"]]

    # The OAuth sample's revoke: requests.post(<revoke>, params={"token": ...}).
    revoke = requests.post(
        emulator.url + "/revoke",
        params={"token": credentials.token},
        headers={"content-type": "application/x-www-form-urlencoded"},
        timeout=5,
    )
    assert revoke.status_code == 200
    with pytest.raises(RefreshError, match="invalid_grant"):
        credentials.refresh(google.auth.transport.requests.Request())
