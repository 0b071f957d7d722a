"""One emulator for the session; each test seeds the library it needs (seeding resets quota)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import google_auth_httplib2
import httplib2
import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from playlist_sync.emulator import EmulatorOptions, RunningEmulator

FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"
READONLY = "https://www.googleapis.com/auth/youtube.readonly"
# Functional tests must not run into the quota; the quota tests start their own emulator.
ROOMY_QUOTA = 10_000_000


def library(
    playlists: list[dict[str, Any]] | None = None, extra_videos: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    videos = [
        {"id": "vidPublic01", "title": "Public one", "channelTitle": "Chef", "status": "public"},
        {"id": "vidPublic02", "title": "Public two", "channelTitle": "Chef", "status": "public"},
        {"id": "vidUnlisted", "title": "Unlisted", "channelTitle": "Band", "status": "unlisted"},
        {"id": "vidPrivate1", "title": "Secret", "channelTitle": "Band", "status": "private"},
        {"id": "vidDeleted1", "title": "Gone", "channelTitle": "Band", "status": "deleted"},
    ]
    return {
        "channel": {"id": "UCtestChannel", "title": "Test channel"},
        "videos": videos + (extra_videos or []),
        "playlists": playlists
        if playlists is not None
        else [
            {
                "id": "PLrecipes",
                "title": "Recipes",
                "description": "food",
                "privacyStatus": "public",
                "items": ["vidPublic01", "vidDeleted1", "vidPrivate1", "vidPublic02"],
            },
            {"id": "PLempty", "title": "Empty", "items": []},
        ],
    }


def reason(error: HttpError) -> str:
    details = error.error_details
    assert isinstance(details, list), error
    return str(details[0]["reason"])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def redirect_location(url: str) -> str:
    """Where the consent URL sends the browser (the redirect is not followed)."""
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as caught:
        opener.open(url, timeout=5)
    assert caught.value.code == 302
    return str(caught.value.headers["Location"])


def grant(url: str, scope: str) -> Credentials:
    """Credentials from the emulator's own consent and token endpoints, without a browser."""
    installed = json.load(urllib.request.urlopen(url + "/_emulator/client-secrets", timeout=5))
    secrets = installed["installed"]
    consent = (
        secrets["auth_uri"]
        + "?"
        + urllib.parse.urlencode(
            {
                "client_id": secrets["client_id"],
                "redirect_uri": "http://localhost:1/",
                "response_type": "code",
                "scope": scope,
            }
        )
    )
    location = redirect_location(consent)
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["code"][0]
    form = urllib.parse.urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://localhost:1/",
            "client_id": secrets["client_id"],
            "client_secret": secrets["client_secret"],
        }
    ).encode()
    answer = json.load(urllib.request.urlopen(secrets["token_uri"], data=form, timeout=5))
    return Credentials(
        token=answer["access_token"],
        refresh_token=answer["refresh_token"],
        token_uri=secrets["token_uri"],
        client_id=secrets["client_id"],
        client_secret=secrets["client_secret"],
        scopes=answer["scope"].split(),
    )


def youtube_client(url: str, credentials: Credentials | None) -> Any:
    """The real client, on its own httplib2.Http (one per thread: Http is not thread-safe)."""
    http: Any = httplib2.Http(timeout=10)
    if credentials is not None:
        http = google_auth_httplib2.AuthorizedHttp(credentials, http=http)
    return build(
        "youtube", "v3", http=http, client_options={"api_endpoint": url}, static_discovery=True
    )


@pytest.fixture(scope="session")
def emulator() -> Iterator[RunningEmulator]:
    with RunningEmulator(EmulatorOptions(daily_quota=ROOMY_QUOTA)) as running:
        yield running


@pytest.fixture(scope="session")
def write_credentials(emulator: RunningEmulator) -> Credentials:
    return grant(emulator.url, FORCE_SSL)


@pytest.fixture
def youtube(emulator: RunningEmulator, write_credentials: Credentials) -> Any:
    """A client on a freshly seeded `library()` with no faults and an empty quota."""
    emulator.admin.seed(library())
    return youtube_client(emulator.url, write_credentials)
