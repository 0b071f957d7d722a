"""YouTube as it really answers, seen through the real client with no proxy in between: a write
that landed despite an error, lists that trail the writes, answers held back, and the 429 once
too many playlists were made in a day."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.errors import HttpError

from playlist_sync.emulator import EmulatorOptions, RunningEmulator
from playlist_sync.quota_windows import QuotaReset
from tests.emulator.conftest import FORCE_SSL, grant, library, reason, youtube_client

LAG_MS = 1500
HOLD_MS = 1500


def _add(youtube: Any, video_id: str, playlist_id: str = "PLempty") -> Any:
    body = {
        "snippet": {
            "playlistId": playlist_id,
            "resourceId": {"kind": "youtube#video", "videoId": video_id},
        }
    }
    return youtube.playlistItems().insert(part="snippet", body=body).execute()


def _create(youtube: Any, title: str) -> Any:
    body = {"snippet": {"title": title}, "status": {"privacyStatus": "private"}}
    return youtube.playlists().insert(part="snippet,status", body=body).execute()


def _on_youtube(emulator: RunningEmulator, playlist_id: str = "PLempty") -> list[str]:
    """What YouTube holds (the admin API never lags)."""
    for playlist in emulator.admin.state()["playlists"]:
        if playlist["id"] == playlist_id:
            return [item["videoId"] for item in playlist["items"]]
    return []


def _listed(youtube: Any, playlist_id: str = "PLempty") -> list[str]:
    answer = youtube.playlistItems().list(part="contentDetails", playlistId=playlist_id).execute()
    return [item["contentDetails"]["videoId"] for item in answer["items"]]


def test_an_item_insert_answered_with_an_error_has_landed(
    emulator: RunningEmulator, youtube: Any
) -> None:
    emulator.admin.set_faults(ambiguous_rate=1.0, seed=3)

    answers = []
    for _ in range(12):
        with pytest.raises(HttpError) as caught:
            _add(youtube, "vidPublic01")
        answers.append((caught.value.status_code, reason(caught.value)))

    # Every one of them was written, whatever the answer said.
    assert _on_youtube(emulator) == ["vidPublic01"] * 12
    assert set(answers) == {
        (409, "SERVICE_UNAVAILABLE"),
        (500, "backendError"),
        (503, "backendError"),
    }


def test_the_409_is_youtubes_aborted_body(emulator: RunningEmulator, youtube: Any) -> None:
    emulator.admin.set_faults(ambiguous_rate=1.0, seed=3)
    while True:
        with pytest.raises(HttpError) as caught:
            _add(youtube, "vidPublic02")
        if caught.value.status_code == 409:
            break
    error = caught.value
    assert error.reason == "The operation was aborted."
    assert error.error_details == [
        {
            "message": "The operation was aborted.",
            "domain": "youtube.CoreErrorDomain",
            "reason": "SERVICE_UNAVAILABLE",
        }
    ]
    assert b'"status": "ABORTED"' in error.content


def test_playlist_writes_answered_with_errors_have_landed(
    emulator: RunningEmulator, youtube: Any
) -> None:
    emulator.admin.set_faults(ambiguous_rate=1.0)

    with pytest.raises(HttpError) as created:
        _create(youtube, "Made anyway")
    with pytest.raises(HttpError) as deleted:
        youtube.playlists().delete(id="PLrecipes").execute()

    assert {created.value.status_code, deleted.value.status_code} <= {500, 503}
    titles = [p["title"] for p in emulator.admin.state()["playlists"]]
    assert titles == ["Empty", "Made anyway"]


def test_a_refused_write_is_not_answered_ambiguously(
    emulator: RunningEmulator, youtube: Any
) -> None:
    """Only writes that happened are disguised: a refusal stays the refusal it is."""
    emulator.admin.set_faults(ambiguous_rate=1.0)
    with pytest.raises(HttpError) as caught:
        _add(youtube, "vidPrivate1")
    assert reason(caught.value) == "failedPrecondition"


def test_lists_trail_the_writes_by_the_lag(emulator: RunningEmulator, youtube: Any) -> None:
    emulator.admin.set_faults(list_lag_ms=LAG_MS)
    before = time.monotonic()
    _add(youtube, "vidPublic01")
    made = _create(youtube, "Brand new")

    # YouTube holds both at once, but its lists do not show them yet.
    assert _on_youtube(emulator) == ["vidPublic01"]
    assert _listed(youtube) == []
    mine = youtube.playlists().list(part="contentDetails", mine=True).execute()["items"]
    assert [p["id"] for p in mine] == ["PLrecipes", "PLempty"]
    assert mine[1]["contentDetails"]["itemCount"] == 0
    with pytest.raises(HttpError) as caught:
        _listed(youtube, made["id"])
    assert reason(caught.value) == "playlistNotFound"

    # Then they show, and not before the lag is over.
    while not _listed(youtube):
        assert time.monotonic() - before < 10 * LAG_MS / 1000, "the write never showed"
        time.sleep(0.05)
    assert time.monotonic() - before >= LAG_MS / 1000
    mine = youtube.playlists().list(part="id", mine=True).execute()["items"]
    assert [p["id"] for p in mine] == ["PLrecipes", "PLempty", made["id"]]


def test_lagging_lists_show_deletes_late_and_catch_up_when_the_lag_is_off(
    emulator: RunningEmulator, youtube: Any
) -> None:
    emulator.admin.set_faults(list_lag_ms=LAG_MS)
    first = _add(youtube, "vidPublic01", "PLrecipes")
    _add(youtube, "vidUnlisted", "PLrecipes")
    youtube.playlistItems().delete(id=first["id"]).execute()
    seeded = _on_youtube(emulator, "PLrecipes")[:4]

    assert _on_youtube(emulator, "PLrecipes") == [*seeded, "vidUnlisted"]
    assert _listed(youtube, "PLrecipes") == seeded
    emulator.admin.set_faults(list_lag_ms=0)
    assert _listed(youtube, "PLrecipes") == [*seeded, "vidUnlisted"]


def test_a_slow_write_holds_its_answer_but_not_the_server(
    emulator: RunningEmulator, write_credentials: Credentials, youtube: Any
) -> None:
    emulator.admin.set_faults(slow_write_rate=1.0, slow_write_ms=HOLD_MS)
    outcome: list[Any] = []
    started = time.monotonic()
    writer = threading.Thread(target=lambda: outcome.append(_add(youtube, "vidPublic02")))
    writer.start()

    # The write lands at once...
    while _on_youtube(emulator) != ["vidPublic02"]:
        assert time.monotonic() - started < HOLD_MS / 1000, "the write did not land first"
        time.sleep(0.02)
    # ...and while its answer is held back, other calls are answered.
    reader = youtube_client(emulator.url, write_credentials)
    asked = time.monotonic()
    assert _listed(reader) == ["vidPublic02"]
    assert time.monotonic() - asked < HOLD_MS / 1000
    assert writer.is_alive()

    writer.join(timeout=10)
    assert outcome and outcome[0]["snippet"]["resourceId"]["videoId"] == "vidPublic02"
    assert time.monotonic() - started >= HOLD_MS / 1000


def _window_start(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def test_the_eleventh_new_playlist_of_a_window_is_refused_until_the_next() -> None:
    window = 4  # seconds
    options = EmulatorOptions(quota_reset=QuotaReset.parse(f"every:{window}s"), seed=library())
    with RunningEmulator(options) as emulator:
        youtube = youtube_client(emulator.url, grant(emulator.url, FORCE_SSL))
        # Start at the beginning of a window, so the eleven creations share one.
        time.sleep(window - time.time() % window + 0.05)
        for number in range(10):
            _create(youtube, f"New {number}")
        refusals = []
        for _ in range(2):
            with pytest.raises(HttpError) as caught:
                _create(youtube, "One too many")
            refusals.append(caught.value)

        error = refusals[0]
        assert error.status_code == 429
        assert error.error_details == [
            {
                "message": "You are creating too many playlists. Please wait a while before "
                "creating further playlists.",
                "domain": "gdata.CoreErrorDomain",
                "reason": "RATE_LIMIT_EXCEEDED",
            }
        ]
        assert b'"status": "RESOURCE_EXHAUSTED"' in error.content
        state = emulator.admin.state()
        assert len(state["playlists"]) == 2 + 10
        (counted,) = state["playlistCreation"]["windows"]
        assert state["playlistCreation"]["limitPerWindow"] == 10
        assert (counted["created"], counted["refused"]) == (10, 2)

        # The next window accepts new playlists again.
        time.sleep(max(0.0, _window_start(counted["start"]) + window - time.time()) + 0.05)
        assert _create(youtube, "Next day")["snippet"]["title"] == "Next day"
        windows = emulator.admin.state()["playlistCreation"]["windows"]
        assert [(w["created"], w["refused"]) for w in windows] == [(10, 2), (1, 0)]


def test_the_creation_limit_is_a_knob(emulator: RunningEmulator, youtube: Any) -> None:
    emulator.admin.set_faults(playlist_creates_per_window=1)
    _create(youtube, "Only one")
    with pytest.raises(HttpError) as caught:
        _create(youtube, "Refused")
    assert caught.value.status_code == 429

    emulator.admin.set_faults(playlist_creates_per_window=None)  # no limit at all
    for number in range(12):
        _create(youtube, f"Unlimited {number}")
    assert emulator.admin.state()["playlistCreation"]["limitPerWindow"] is None
