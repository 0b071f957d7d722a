"""An emulator per test (options differ: quota, token lifetime) and a client authorised on it."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from playlist_sync.emulator import EmulatorOptions, RunningEmulator
from playlist_sync.quota_windows import QuotaReset
from playlist_sync.youtube.client import YouTubeClient
from playlist_sync.youtube.credentials import CredentialsProvider
from playlist_sync.youtube.oauth_flow import approve_in_background, authorize
from playlist_sync.youtube.quota_ledger import QuotaLedger
from playlist_sync.youtube.rate_limiter import RateLimiter

READONLY = "https://www.googleapis.com/auth/youtube.readonly"
FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"
RESET = QuotaReset()  # pacific-midnight, as the emulator's default


def library(**extra: Any) -> dict[str, Any]:
    """A small account: two playlists, videos in each state YouTube knows."""
    return {
        "channel": {"id": "UCtestChannel", "title": "Test channel"},
        "videos": [
            {"id": "vidPublic01", "title": "Public one", "channelTitle": "Chef"},
            {"id": "vidPublic02", "title": "Public two", "channelTitle": "Chef"},
            {
                "id": "vidUnlisted",
                "title": "Unlisted",
                "channelTitle": "Band",
                "status": "unlisted",
            },
            {"id": "vidPrivate1", "title": "Secret", "channelTitle": "Band", "status": "private"},
            {"id": "vidDeleted1", "title": "Gone", "channelTitle": "Band", "status": "deleted"},
        ],
        "playlists": [
            {
                "id": "PLrecipes",
                "title": "Recipes",
                "description": "food",
                "privacyStatus": "public",
                "items": ["vidPublic01", "vidDeleted1", "vidPrivate1", "vidPublic02"],
            },
            {"id": "PLempty", "title": "Empty", "items": []},
        ],
        **extra,
    }


@pytest.fixture
def start_emulator() -> Iterator[Callable[..., RunningEmulator]]:
    """Starts emulators with the given EmulatorOptions fields; all are stopped after the test."""
    started: list[RunningEmulator] = []

    def start(**options: Any) -> RunningEmulator:
        options.setdefault("seed", library())
        emulator = RunningEmulator(EmulatorOptions(**options)).start()
        started.append(emulator)
        return emulator

    yield start
    for emulator in started:
        emulator.stop()


@pytest.fixture
def emulator(start_emulator: Callable[..., RunningEmulator]) -> RunningEmulator:
    return start_emulator()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def client_secrets_file(emulator: RunningEmulator, folder: Path) -> Path:
    path = folder / "client_secrets.json"
    path.write_text(json.dumps(emulator.admin.client_secrets()))
    return path


async def grant(emulator: RunningEmulator, data_dir: Path) -> list[str]:
    """`starter.py auth` against the emulator, with no browser: the consent is auto-approved."""
    secrets = client_secrets_file(emulator, data_dir.parent)
    return await asyncio.to_thread(
        authorize, secrets, data_dir, open_browser=False, on_url=approve_in_background,
        timeout_seconds=10,
    )  # fmt: skip


def raw_refresh_token(emulator: RunningEmulator, scopes: list[str]) -> str:
    """A refresh token for `scopes`, obtained by hand: consent, then code exchange."""
    secrets = emulator.admin.client_secrets()["installed"]
    redirect_uri = "http://localhost:1/"
    consent = secrets["auth_uri"] + "?" + urllib.parse.urlencode(
        {"client_id": secrets["client_id"], "redirect_uri": redirect_uri,
         "response_type": "code", "scope": " ".join(scopes)}
    )  # fmt: skip

    class _Stop(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None  # keep the 302: its Location carries the code

    opener = urllib.request.build_opener(_Stop, urllib.request.ProxyHandler({}))
    try:
        opener.open(consent, timeout=10)
    except urllib.error.HTTPError as redirect:
        location = redirect.headers["Location"]
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)["code"][0]
    form = urllib.parse.urlencode(
        {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
         "client_id": secrets["client_id"], "client_secret": secrets["client_secret"]}
    ).encode()  # fmt: skip
    with opener.open(secrets["token_uri"], data=form, timeout=10) as answer:
        return str(json.loads(answer.read())["refresh_token"])


def make_client(
    emulator: RunningEmulator,
    pool: asyncpg.Pool,
    data_dir: Path,
    *,
    daily_quota: int = 10_000,
    **options: Any,
) -> YouTubeClient:
    options.setdefault("timeout", 5.0)
    options.setdefault("retry_delay", 0.01)
    return YouTubeClient(
        ledger=QuotaLedger(pool, daily_quota, RESET),
        credentials=CredentialsProvider(data_dir),
        api_url=emulator.url,
        limiter=RateLimiter(None),
        **options,
    )


@pytest.fixture
async def youtube(
    emulator: RunningEmulator, db_pool: asyncpg.Pool, data_dir: Path
) -> YouTubeClient:
    """A client authorised on `emulator` through the real OAuth flow, ledger in a fresh db."""
    await grant(emulator, data_dir)
    return make_client(emulator, db_pool, data_dir)


def emulator_quota_used(emulator: RunningEmulator) -> int:
    return sum(window["used"] for window in emulator.admin.state()["quota"]["windows"])


def emulator_playlist(emulator: RunningEmulator, playlist_id: str) -> dict[str, Any]:
    for playlist in emulator.admin.state()["playlists"]:
        if playlist["id"] == playlist_id:
            return dict(playlist)
    raise AssertionError(f"no playlist {playlist_id} in the emulator")
