"""Google's other OAuth doors: the v2 consent URL, `/revoke`, and refresh tokens that expire."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import google.auth.transport.requests
import pytest
from google.auth.exceptions import RefreshError

from playlist_sync.emulator import EmulatorOptions, RunningEmulator
from playlist_sync.emulator.__main__ import parse_options
from tests.emulator.conftest import FORCE_SSL, grant, redirect_location, youtube_client


def _revoke(url: str, token: str) -> tuple[int, dict[str, str]]:
    """As Google's OAuth sample does it: POST /revoke?token=… (form content type)."""
    request = urllib.request.Request(
        f"{url}/revoke?{urllib.parse.urlencode({'token': token})}",
        data=b"",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_v2_consent_url_approves_like_the_first(emulator: RunningEmulator) -> None:
    secrets = emulator.admin.client_secrets()["installed"]
    consent = (
        emulator.url
        + "/o/oauth2/v2/auth?"
        + urllib.parse.urlencode(
            {
                "client_id": secrets["client_id"],
                "redirect_uri": "http://localhost:7/",
                "response_type": "code",
                "scope": FORCE_SSL,
                "state": "xyz",
            }
        )
    )
    location = redirect_location(consent)
    answer = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    assert location.startswith("http://localhost:7/")
    assert answer["state"] == ["xyz"] and answer["code"][0].startswith("4/0")


def test_revoking_an_access_token_ends_its_whole_grant() -> None:
    with RunningEmulator() as emulator:
        revoked, other = grant(emulator.url, FORCE_SSL), grant(emulator.url, FORCE_SSL)

        assert _revoke(emulator.url, revoked.token) == (200, {})

        with pytest.raises(RefreshError, match="invalid_grant"):
            revoked.refresh(google.auth.transport.requests.Request())
        assert _revoke(emulator.url, revoked.refresh_token) == (
            400,
            {"error": "invalid_token", "error_description": "Token expired or revoked"},
        )
        # Another grant of the same user is untouched.
        client = youtube_client(emulator.url, other)
        assert client.channels().list(part="id", mine=True).execute()["items"]


def test_revoking_a_refresh_token_ends_its_access_tokens() -> None:
    with RunningEmulator() as emulator:
        credentials = grant(emulator.url, FORCE_SSL)
        assert _revoke(emulator.url, credentials.refresh_token)[0] == 200
        state = emulator.admin.state()
        assert credentials.token in state["tokens"]["access"]
        with pytest.raises(RefreshError, match="invalid_grant"):
            youtube_client(emulator.url, credentials).channels().list(
                part="id", mine=True
            ).execute()


def test_unknown_token_revocation_is_refused() -> None:
    with RunningEmulator() as emulator:
        assert _revoke(emulator.url, "ya29.never-issued")[0] == 400


def test_refresh_tokens_expire_with_a_refresh_token_ttl() -> None:
    with RunningEmulator(EmulatorOptions(refresh_token_ttl=2)) as emulator:
        credentials = grant(emulator.url, FORCE_SSL)
        credentials.refresh(google.auth.transport.requests.Request())  # still young
        deadline = time.monotonic() + 5
        while True:
            try:
                credentials.refresh(google.auth.transport.requests.Request())
            except RefreshError as error:
                assert "invalid_grant" in str(error)
                break
            assert time.monotonic() < deadline, "the refresh token never expired"
            time.sleep(0.1)


def test_the_command_line_takes_a_refresh_token_ttl() -> None:
    _, options = parse_options(["--port", "0", "--refresh-token-ttl", "604800"])
    assert options.refresh_token_ttl == 604800
    assert parse_options(["--port", "0"])[1].refresh_token_ttl is None
    refused = subprocess.run(
        [sys.executable, "-m", "playlist_sync.emulator", "--port", "0", "--refresh-token-ttl", "0"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode == 2 and "--refresh-token-ttl must be positive" in refused.stderr
