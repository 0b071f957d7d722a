"""Injected faults: transient 5xx, collisions of parallel writes, answers lost after the write."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.errors import HttpError

from playlist_sync.emulator import EmulatorAdminError, RunningEmulator
from tests.emulator.conftest import reason, youtube_client


def _add(youtube: Any, video_id: str) -> Any:
    body = {
        "snippet": {
            "playlistId": "PLempty",
            "resourceId": {"kind": "youtube#video", "videoId": video_id},
        }
    }
    return youtube.playlistItems().insert(part="snippet", body=body).execute()


def _items(emulator: RunningEmulator) -> list[dict[str, Any]]:
    (entry,) = [p for p in emulator.admin.state()["playlists"] if p["id"] == "PLempty"]
    return list(entry["items"])


def test_error_rate_answers_backend_errors_that_change_nothing_but_cost(
    emulator: RunningEmulator, youtube: Any
) -> None:
    emulator.admin.set_faults(error_rate=1.0)

    statuses = set()
    for _ in range(12):
        with pytest.raises(HttpError) as caught:
            _add(youtube, "vidPublic01")
        assert reason(caught.value) == "backendError"
        statuses.add(caught.value.status_code)

    assert statuses == {500, 503}
    assert _items(emulator) == []
    assert emulator.admin.state()["quota"]["windows"][0]["used"] == 12 * 50


def test_partial_error_rate_is_random_across_requests(
    emulator: RunningEmulator, youtube: Any
) -> None:
    emulator.admin.set_faults(error_rate=0.5, seed=7)
    outcomes = []
    for _ in range(40):
        try:
            youtube.channels().list(part="id", mine=True).execute()
            outcomes.append(True)
        except HttpError:
            outcomes.append(False)
    assert 5 < outcomes.count(False) < 35


def test_parallel_writes_into_one_playlist_collide(
    emulator: RunningEmulator, write_credentials: Credentials, youtube: Any
) -> None:
    emulator.admin.set_faults(latency_ms=400)
    # Built up front and released together, so the requests overlap even on a slow machine.
    clients = [youtube_client(emulator.url, write_credentials) for _ in range(4)]
    start = threading.Barrier(len(clients))
    results: list[Any] = [None] * len(clients)

    def insert(slot: int) -> None:
        start.wait()
        try:
            results[slot] = _add(clients[slot], "vidPublic01")
        except HttpError as error:
            results[slot] = error

    threads = [threading.Thread(target=insert, args=(slot,)) for slot in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    failures = [r for r in results if isinstance(r, HttpError)]
    successes = [r for r in results if not isinstance(r, HttpError)]
    assert failures and successes
    assert {(f.status_code, reason(f)) for f in failures} == {(500, "backendError")}
    items = _items(emulator)
    assert [item["id"] for item in items] == [s["id"] for s in successes]
    assert [item["position"] for item in items] == list(range(len(successes)))


def test_one_write_at_a_time_always_works(emulator: RunningEmulator, youtube: Any) -> None:
    emulator.admin.set_faults(latency_ms=50)
    for video_id in ("vidPublic01", "vidPublic02", "vidPublic01"):
        _add(youtube, video_id)
    assert [item["videoId"] for item in _items(emulator)] == [
        "vidPublic01",
        "vidPublic02",
        "vidPublic01",
    ]


def test_dropped_answer_raises_but_the_write_happened_once(
    emulator: RunningEmulator, youtube: Any
) -> None:
    # A first call leaves a kept-alive connection, the case where httplib2 would silently
    # resend a request whose connection was merely closed.
    youtube.playlistItems().list(part="id", playlistId="PLempty").execute()
    emulator.admin.set_faults(timeout_rate=1.0)

    with pytest.raises(ConnectionResetError):
        _add(youtube, "vidPublic02")

    emulator.admin.set_faults(timeout_rate=0)
    assert [item["videoId"] for item in _items(emulator)] == ["vidPublic02"]
    assert emulator.admin.state()["quota"]["windows"][0]["used"] == 1 + 50
    # The client recovers on its next call: the lost answer did not poison the connection.
    assert youtube.playlistItems().list(part="id", playlistId="PLempty").execute()["items"]


def test_faults_update_partially_and_reject_nonsense(emulator: RunningEmulator) -> None:
    emulator.admin.seed({})
    emulator.admin.set_faults(error_rate=0.25)
    answer = emulator.admin.set_faults(latency_ms=10)

    assert answer == {
        "errorRate": 0.25,
        "latencyMs": 10,
        "timeoutRate": 0.0,
        "ambiguousRate": 0.0,
        "listLagMs": 0,
        "slowWriteRate": 0.0,
        "slowWriteMs": 0,
        "playlistCreatesPerWindow": 10,
    }
    with pytest.raises(EmulatorAdminError, match="errorRate"):
        emulator.admin.set_faults(error_rate=2)
    # null lifts the creation limit; everywhere else it leaves the knob as it was.
    lifted = emulator.admin._call(
        "POST", "/_emulator/faults", {"playlistCreatesPerWindow": None, "errorRate": None}
    )
    assert lifted["playlistCreatesPerWindow"] is None and lifted["errorRate"] == 0.25
    emulator.admin.seed({})  # a seed clears faults as well
    assert emulator.admin.set_faults()["playlistCreatesPerWindow"] == 10
