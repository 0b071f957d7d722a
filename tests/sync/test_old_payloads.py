"""Syncs started before the seed's StageResults carry the old shape in their history: batch
outcomes with {added, skipped, failed}, results keyed createPlaylists/addVideos/... Replay
alone would not notice counts read as 0, so the recorded payloads are decoded here, through
the worker's data converter, into today's types."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.client import WorkflowHistory

from playlist_sync.models import StageCounts, StageResults
from playlist_sync.sync.payloads import StepOutcome, SyncInput, SyncProgress
from playlist_sync.temporal_client import data_converter
from tests.sync.world import HISTORIES

# Real syncs recorded before issue 9 (the others are newer, or scripted without batches).
RECORDED = [
    HISTORIES / f"{name}.json"
    for name in ("cancel", "pause_in_quota_sleep", "pause_resume", "quota_windows")
]


def _decode(payload: Payload, type_: type) -> Any:
    return data_converter.payload_converter.from_payloads([payload], [type_])[0]


def _history(path: Path) -> WorkflowHistory:
    return WorkflowHistory.from_json("old-payloads", json.loads(path.read_text()))


def _add_video_outcomes(history: WorkflowHistory) -> list[Payload]:
    scheduled = {
        event.event_id: event.activity_task_scheduled_event_attributes.activity_type.name
        for event in history.events
        if event.HasField("activity_task_scheduled_event_attributes")
    }
    return [
        event.activity_task_completed_event_attributes.result.payloads[0]
        for event in history.events
        if event.HasField("activity_task_completed_event_attributes")
        and scheduled[event.activity_task_completed_event_attributes.scheduled_event_id]
        == "add_videos_to_playlist"
    ]


@pytest.mark.parametrize("path", RECORDED, ids=lambda path: path.stem)
def test_old_batch_outcomes_keep_their_counts(path: Path) -> None:
    outcomes = _add_video_outcomes(_history(path))
    old_totals = [json.loads(p.data)["job_totals"] for p in outcomes]
    assert any(old_totals) and all("added" in t for t in old_totals if t)
    for payload, old in zip(outcomes, old_totals, strict=True):
        totals = _decode(payload, StepOutcome).job_totals
        if old is None:
            assert totals is None
        else:
            assert totals == StageCounts(
                succeeded=old["added"], failed=old["failed"], skipped=old["skipped"]
            )


@pytest.mark.parametrize("path", RECORDED, ids=lambda path: path.stem)
def test_old_results_read_as_the_seed_stage_results(path: Path) -> None:
    completed = _history(path).events[-1].workflow_execution_completed_event_attributes
    old = json.loads(completed.result.payloads[0].data)["stageResults"]
    assert "addVideos" in old  # recorded before issue 9
    results = _decode(completed.result.payloads[0], SyncProgress).stage_results
    assert results.backup is not None and results.add_videos is not None
    assert results.backup.snapshot_id == old["backup"]["snapshotId"]
    assert results.backup.succeeded == old["backup"]["playlistCount"]
    assert results.add_videos.succeeded == old["addVideos"]["added"]
    assert results.add_videos.skipped == old["addVideos"]["skipped"]
    assert results.create_playlists == StageCounts(
        succeeded=old["createPlaylists"]["created"], failed=old["createPlaylists"]["failed"]
    )
    # Stages with null (not begun) are simply absent, as in the seed's map.
    renamed = {
        "createPlaylists": "create_playlists",
        "addVideos": "add_videos",
        "deletePlaylists": "delete_playlists",
    }
    assert set(results.to_json()) == {renamed.get(k, k) for k, v in old.items() if v is not None}


def test_a_state_carried_over_continue_as_new_before_the_change_resumes_with_its_counts() -> None:
    """A sync that continued-as-new on the old code starts its next run from this input."""
    old_state = {
        "stage": "add_videos",
        "results": {
            "backup": {"snapshotId": 3, "playlistCount": 5, "videoCount": 101},
            "createPlaylists": {"created": 3, "failed": 0},
            "addVideos": {"added": 40, "skipped": 2, "failed": 1},
            "deletePlaylists": None,
        },
        "progress": 43,
        "total": 83,
        "categories_pending": [2, 3],
    }
    payload = data_converter.payload_converter.to_payloads(
        [{"job_id": 9, "options": {}, "carried": old_state}]
    )[0]
    carried = _decode(payload, SyncInput).carried
    assert carried is not None
    assert carried.results.to_json() == {
        "backup": {
            "succeeded": 5, "failed": 0, "skipped": 0,
            "snapshotId": 3, "playlistCount": 5, "videoCount": 101,
        },
        "create_playlists": {"succeeded": 3, "failed": 0, "skipped": 0},
        "add_videos": {"succeeded": 40, "failed": 1, "skipped": 2},
    }  # fmt: skip
    # And the new shape reads back as itself (the next continue-as-new carries that).
    assert StageResults.model_validate(carried.results.to_json()) == carried.results
