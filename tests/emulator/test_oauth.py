"""The OAuth path as the app walks it: consent, code exchange, refresh, scopes, revocation."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import google.auth.transport.requests
import httplib2
import pytest
from google.auth.exceptions import RefreshError
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import InstalledAppFlow
from googleapiclient.errors import HttpError

from playlist_sync.emulator import EmulatorOptions, RunningEmulator
from tests.emulator.conftest import (
    FORCE_SSL,
    READONLY,
    grant,
    library,
    reason,
    redirect_location,
    youtube_client,
)


def _call_with_token(url: str, token: str | None) -> Any:
    """playlists.list with a bare bearer token: no refresh-and-retry to hide a 401."""
    assert token is not None
    request = youtube_client(url, None).playlists().list(part="id", mine=True)
    request.headers["authorization"] = f"Bearer {token}"
    return request.execute(http=httplib2.Http(timeout=10))


def test_installed_app_flow_end_to_end(
    emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # oauthlib refuses plain-http token endpoints unless told this is a local test.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    emulator.admin.seed(library())
    secrets = emulator.admin.client_secrets()
    assert secrets["installed"]["token_uri"] == emulator.url + "/token"
    flow = InstalledAppFlow.from_client_config(secrets, scopes=[FORCE_SSL])
    flow.redirect_uri = "http://localhost:8765/"

    consent_url, state = flow.authorization_url(access_type="offline", prompt="consent")
    location = redirect_location(consent_url)
    answer = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    assert location.startswith("http://localhost:8765/")
    assert answer["state"] == [state]
    flow.fetch_token(code=answer["code"][0])  # also proves the PKCE verifier matched

    credentials = flow.credentials
    assert credentials.refresh_token and credentials.token
    client = youtube_client(emulator.url, credentials)
    assert client.channels().list(part="id", mine=True).execute()["items"][0]["id"]
    tokens = emulator.admin.state()["tokens"]
    assert credentials.token in tokens["access"]
    assert credentials.refresh_token in tokens["refresh"]


def test_a_code_is_spent_by_a_failed_exchange(emulator: RunningEmulator) -> None:
    secrets = emulator.admin.client_secrets()["installed"]
    consent = (
        secrets["auth_uri"]
        + "?"
        + urllib.parse.urlencode(
            {
                "client_id": secrets["client_id"],
                "redirect_uri": "http://localhost:9/",
                "response_type": "code",
                "scope": FORCE_SSL,
                "code_challenge": "x" * 43,
                "code_challenge_method": "S256",
            }
        )
    )
    code = urllib.parse.parse_qs(redirect_location(consent).split("?", 1)[1])["code"][0]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": secrets["client_id"],
        "client_secret": secrets["client_secret"],
        "code_verifier": "wrong",
    }
    for _ in range(2):
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(
                secrets["token_uri"], data=urllib.parse.urlencode(form).encode(), timeout=5
            )
        assert caught.value.code == 400
        assert json.loads(caught.value.read())["error"] == "invalid_grant"


def test_expired_access_token_is_401_and_refresh_gives_a_new_one() -> None:
    with RunningEmulator(EmulatorOptions(token_ttl=1)) as short_lived:
        credentials = grant(short_lived.url, FORCE_SSL)
        stale = credentials.token
        time.sleep(1.1)

        with pytest.raises(HttpError) as caught:
            _call_with_token(short_lived.url, stale)
        credentials.refresh(google.auth.transport.requests.Request())

        assert caught.value.status_code == 401 and reason(caught.value) == "authError"
        assert credentials.token != stale
        assert _call_with_token(short_lived.url, credentials.token)["items"] == []
        # A client holding refreshable credentials recovers from the 401 by itself.
        time.sleep(1.1)
        client = youtube_client(short_lived.url, credentials)
        assert client.playlists().list(part="id", mine=True).execute()["items"] == []


def test_readonly_token_may_read_but_not_write(emulator: RunningEmulator) -> None:
    emulator.admin.seed(library())
    client = youtube_client(emulator.url, grant(emulator.url, READONLY))

    assert client.playlists().list(part="id", mine=True).execute()["items"]
    with pytest.raises(HttpError) as caught:
        client.playlists().insert(part="snippet", body={"snippet": {"title": "x"}}).execute()

    assert caught.value.status_code == 403 and reason(caught.value) == "insufficientPermissions"
    assert len(emulator.admin.state()["playlists"]) == 2


def test_revoke_kills_access_and_refresh_tokens() -> None:
    with RunningEmulator() as emulator:
        credentials = grant(emulator.url, FORCE_SSL)
        assert _call_with_token(emulator.url, credentials.token)["items"] == []

        emulator.admin.revoke()

        with pytest.raises(HttpError) as caught:
            _call_with_token(emulator.url, credentials.token)
        assert caught.value.status_code == 401 and reason(caught.value) == "authError"
        with pytest.raises(RefreshError, match="invalid_grant"):
            credentials.refresh(google.auth.transport.requests.Request())
        with pytest.raises(RefreshError, match="invalid_grant"):
            youtube_client(emulator.url, credentials).channels().list(
                part="id", mine=True
            ).execute()
        fresh = grant(emulator.url, FORCE_SSL)
        assert _call_with_token(emulator.url, fresh.token)["items"] == []
        assert credentials.token in emulator.admin.state()["tokens"]["access"]


def test_unknown_token_is_401(emulator: RunningEmulator) -> None:
    with pytest.raises(HttpError) as caught:
        _call_with_token(emulator.url, "ya29.made-up")
    assert caught.value.status_code == 401
    assert caught.value.error_details[0]["domain"] == "global"


def test_any_token_mode_accepts_any_bearer() -> None:
    with RunningEmulator(EmulatorOptions(any_token=True)) as open_door:
        client = youtube_client(open_door.url, Credentials(token="anything"))
        created = client.playlists().insert(part="snippet", body={"snippet": {"title": "x"}})
        assert created.execute()["snippet"]["title"] == "x"
