"""Recorded runs of the schedule replay on today's workflow code (a run lasts as long as its
sync, days at times: a change that would break one fails here first)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from playlist_sync.temporal_client import data_converter
from tests.schedule.scheduled import HISTORIES
from workflows.scheduled_run_workflow import ScheduledRunWorkflow

RECORDED = sorted(HISTORIES.glob("*.json"))


def test_histories_were_recorded() -> None:
    assert {"one_write", "nothing_to_do", "skipped"} <= {path.stem for path in RECORDED}


@pytest.mark.parametrize("path", RECORDED, ids=lambda path: path.stem)
async def test_recorded_run_replays(path: Path) -> None:
    history = WorkflowHistory.from_json("scheduled-run-replay", json.loads(path.read_text()))
    replayer = Replayer(workflows=[ScheduledRunWorkflow], data_converter=data_converter)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
