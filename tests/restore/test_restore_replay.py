"""Recorded histories of real restores replay on today's workflow code: a change that would
break a restore already running (they run for days) fails here first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from playlist_sync.temporal_client import data_converter
from tests.restore.conftest import HISTORIES
from workflows.restore_workflow import PlaylistRestoreWorkflow

RECORDED = sorted(HISTORIES.glob("*.json"))


def test_histories_were_recorded() -> None:
    # Restores from before they edited playlists in place, and after (restore-in-place).
    assert {path.stem for path in RECORDED} >= {
        "quota_windows",
        "pause_resume_cancel",
        "in_place_quota_windows",
        "in_place_pause_resume_cancel",
    }


@pytest.mark.parametrize("path", RECORDED, ids=lambda path: path.stem)
async def test_recorded_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json("playlist-restore-replay", json.loads(path.read_text()))
    replayer = Replayer(workflows=[PlaylistRestoreWorkflow], data_converter=data_converter)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
