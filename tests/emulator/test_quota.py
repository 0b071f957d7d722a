"""The emulator's quota: what is charged, the refusal, and windows that roll over."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from googleapiclient.errors import HttpError

from playlist_sync.emulator import EmulatorOptions, RunningEmulator
from playlist_sync.quota_windows import QuotaReset, window_start
from tests.emulator.conftest import FORCE_SSL, grant, library, reason, youtube_client

WINDOW_SECONDS = 2


@pytest.fixture(scope="module")
def small_quota() -> Iterator[RunningEmulator]:
    options = EmulatorOptions(daily_quota=120, quota_reset=QuotaReset(WINDOW_SECONDS))
    with RunningEmulator(options) as running:
        yield running


@pytest.fixture
def client(small_quota: RunningEmulator) -> Any:
    small_quota.admin.seed(library())
    return youtube_client(small_quota.url, grant(small_quota.url, FORCE_SSL))


def _windows(emulator: RunningEmulator) -> list[int]:
    return [window["used"] for window in emulator.admin.state()["quota"]["windows"]]


def _at_window_start() -> None:
    """Sleeps to just after a window boundary, so a short test cannot straddle two windows."""
    time.sleep(WINDOW_SECONDS - time.time() % WINDOW_SECONDS + 0.02)


def _new_playlist(client: Any, title: str = "T") -> Any:
    return client.playlists().insert(part="snippet", body={"snippet": {"title": title}}).execute()


def test_each_call_costs_its_method_whatever_the_outcome(
    small_quota: RunningEmulator, client: Any
) -> None:
    _at_window_start()
    client.playlists().list(part="id", mine=True).execute()
    with pytest.raises(HttpError):
        _new_playlist(client, title="")  # refused with 400, still charged 50
    client.playlistItems().list(part="id", playlistId="PLrecipes").execute()

    assert _windows(small_quota) == [52]


def test_exhausted_quota_refuses_without_charging_then_rolls_over(
    small_quota: RunningEmulator, client: Any
) -> None:
    _at_window_start()
    _new_playlist(client)
    _new_playlist(client)
    client.playlists().list(part="id", mine=True).execute()
    with pytest.raises(HttpError) as caught:
        _new_playlist(client)  # 101 + 50 > 120
    with pytest.raises(HttpError):
        _new_playlist(client)

    error = caught.value
    assert error.status_code == 403 and reason(error) == "quotaExceeded"
    assert error.error_details[0]["domain"] == "youtube.quota"
    assert _windows(small_quota) == [101]
    assert len(small_quota.admin.state()["playlists"]) == 4

    _at_window_start()
    _new_playlist(client)
    state = small_quota.admin.state()
    assert [w["used"] for w in state["quota"]["windows"]] == [101, 50]
    assert len(state["playlists"]) == 5


def test_unauthenticated_calls_are_free(small_quota: RunningEmulator, client: Any) -> None:
    anonymous = youtube_client(small_quota.url, None)
    with pytest.raises(HttpError) as caught:
        anonymous.playlists().list(part="id", mine=True).execute()

    assert caught.value.status_code == 401
    assert _windows(small_quota) == []
    assert small_quota.admin.state()["requests"] == 1


def test_windows_start_where_the_app_computes_them(emulator: RunningEmulator, youtube: Any) -> None:
    youtube.channels().list(part="id", mine=True).execute()

    quota = emulator.admin.state()["quota"]
    expected = window_start(datetime.now(UTC), QuotaReset())
    assert quota["windows"] == [{"start": expected.strftime("%Y-%m-%dT%H:%M:%SZ"), "used": 1}]
    assert quota["dailyLimit"] == 10_000_000
