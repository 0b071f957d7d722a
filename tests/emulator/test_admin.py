"""The admin API, raw HTTP edges the client library never sends, and the command line."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from google.oauth2.credentials import Credentials

from playlist_sync.emulator import EmulatorAdminError, EmulatorOptions, RunningEmulator
from playlist_sync.emulator.seed import SeedError
from tests.emulator.conftest import library


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        (
            library(playlists=[{"id": "PLx", "title": "X", "items": ["nope"]}]),
            "invalid seed: playlist 'PLx' item 0: video 'nope' is not in `videos`",
        ),
        ({"videos": [{"id": "a", "title": "A", "status": "gone"}]}, "videos.0.status"),
        ({"videos": [{"id": "a", "title": "A"}] * 2}, "video id 'a' appears twice"),
        ({"playlists": [{"id": "PLx", "title": "X", "itmes": []}]}, "playlists.0.itmes"),
        (
            {
                "playlists": [{"id": "PLx", "title": "X", "items": ["a"] * 5001}],
                "videos": [{"id": "a", "title": "A"}],
            },
            "playlists.0.items",
        ),
    ],
)
def test_bad_seed_is_refused_with_a_clear_message(
    emulator: RunningEmulator, seed: dict[str, Any], message: str
) -> None:
    emulator.admin.seed(library())
    with pytest.raises(EmulatorAdminError, match="400") as caught:
        emulator.admin.seed(seed)

    assert message in str(caught.value)
    assert len(emulator.admin.state()["playlists"]) == 2


def test_bad_seed_at_start_fails_fast() -> None:
    with pytest.raises(SeedError, match="appears twice"):
        RunningEmulator(
            EmulatorOptions(seed={"playlists": [{"id": "P", "title": "t"}] * 2})
        ).start()


def test_state_seed_and_reset(emulator: RunningEmulator, youtube: Any) -> None:
    youtube.playlists().list(part="id", mine=True).execute()
    state = emulator.admin.state()

    assert state["requests"] == 1
    assert state["playlists"][0] == {
        "id": "PLrecipes",
        "title": "Recipes",
        "description": "food",
        "privacyStatus": "public",
        "items": [
            {"id": item["id"], "videoId": video, "position": position}
            for position, (item, video) in enumerate(
                zip(
                    state["playlists"][0]["items"],
                    ["vidPublic01", "vidDeleted1", "vidPrivate1", "vidPublic02"],
                    strict=True,
                )
            )
        ],
    }
    assert set(state) == {"playlists", "quota", "requests", "tokens", "playlistCreation"}

    emptied = emulator.admin.reset()
    assert emptied["playlists"] == [] and emptied["requests"] == 0
    assert emptied["quota"]["windows"] == []
    # Tokens survive a reset: an authorised app keeps working against the new library.
    assert youtube.playlists().list(part="id", mine=True).execute()["items"] == []


def _raw(url: str, credentials: Credentials, method: str = "GET") -> tuple[int, Any]:
    request = urllib.request.Request(
        url, method=method, headers={"Authorization": f"Bearer {credentials.token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_missing_part_is_400_in_googles_shape(
    emulator: RunningEmulator, write_credentials: Credentials, youtube: Any
) -> None:
    status, body = _raw(emulator.url + "/youtube/v3/playlists?mine=true", write_credentials)

    assert status == 400
    assert body["error"]["code"] == 400
    assert body["error"]["errors"][0]["reason"] == "required"
    assert body["error"]["errors"][0]["location"] == "part"


def test_unknown_method_is_404(
    emulator: RunningEmulator, write_credentials: Credentials, youtube: Any
) -> None:
    status, body = _raw(emulator.url + "/youtube/v3/subscriptions?part=id", write_credentials)
    assert (status, body["error"]["errors"][0]["reason"]) == (404, "notFound")


def test_command_line_serves_until_sigterm(tmp_path: Path) -> None:
    seed = tmp_path / "library.json"
    seed.write_text(json.dumps(library()))
    process = subprocess.Popen(
        [sys.executable, "-m", "playlist_sync.emulator", "--port", "0", "--seed", str(seed)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        url = line.rsplit(" ", 1)[-1]
        assert line.startswith("YouTube emulator listening on http://127.0.0.1:")
        with urllib.request.urlopen(url + "/_emulator/state", timeout=5) as answer:
            assert len(json.loads(answer.read())["playlists"]) == 2
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


def test_command_line_rejects_a_bad_seed(tmp_path: Path) -> None:
    seed = tmp_path / "library.json"
    seed.write_text('{"videos": [{"id": 1}]}')
    done = subprocess.run(
        [sys.executable, "-m", "playlist_sync.emulator", "--port", "0", "--seed", str(seed)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "invalid seed: videos.0.id" in done.stderr
