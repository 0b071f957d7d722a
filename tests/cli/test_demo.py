"""`starter.py demo` on a fresh data dir, as `make demo` runs it: no TTY, no stdin."""

from __future__ import annotations

import re

from temporalio.client import Client

from playlist_sync.config import load_settings
from playlist_sync.demo import sandbox
from playlist_sync.temporal_client import data_converter
from tests.cli.conftest import DemoRun


def number(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in:\n{text}"
    return int(found.group(1).replace(",", ""))


async def test_demo_runs_the_whole_journey_and_reports(demo_run: DemoRun | None) -> None:
    assert demo_run is not None  # started early by the fixture (see conftest)
    try:
        ran = await demo_run.finished(within=150)
        assert ran.code == 0, ran.out + ran.err
        out = ran.out
        for step in range(1, 9):
            assert f"[{step}/8]" in out, out
        # Every category became a playlist with its videos in order; the kept ones stayed.
        for category in ("Cooking", "Guitar", "Running", "Python", "Travel"):
            assert re.search(rf"│ {category} +│ +\d+ │ yes ", out), out
        assert "│ NO" not in out
        assert re.search(r"│ Watch later +│ +\d+ │ kept as it was", out)
        assert re.search(r"Skipped \d+ unavailable videos \(deleted or private\), 0 failed\.", out)
        used = number(r"the sync used ([\d,]+) units", out)
        lower_bound = number(r"its writes alone need ([\d,]+)", out)
        assert lower_bound <= used <= lower_bound * 1.05
        assert number(r"It paused for quota (\d+) times", out) >= 2
        # Kept in sync: the new video saved to "Watch later" joins Cooking with one write.
        assert re.search(r"`schedule trigger`: sync 2 made 1 write$", out, re.M), out
        ui = f"http://127.0.0.1:{demo_run.port + 1000}"
        assert f"Web UI: {ui}/namespaces/{sandbox.NAMESPACE}/workflows/playlist-sync-1" in out

        # The user's own namespace was left alone, and the demo's grant is in its own folder.
        address = f"127.0.0.1:{demo_run.port}"
        client = await Client.connect(address, data_converter=data_converter)
        assert [w.id async for w in client.list_workflows()] == []
        settings = load_settings(PLAYLIST_SYNC_DATA_DIR=demo_run.env["PLAYLIST_SYNC_DATA_DIR"])
        assert (sandbox.data_dir(settings) / "credentials" / "youtube-token.json").exists()
    finally:
        down = await demo_run.stop_stack()
    assert down.code == 0, down.err
    assert "temporal" in down.out and "postgres" in down.out
