"""Recorded histories of real syncs replay on today's workflow code: a change that would break
a sync already running (they run for days) fails here first.

Beside the syncs recorded by the tests (PLAYLIST_SYNC_RECORD_HISTORIES=1), histories recorded
from the code before `run()` showed its waits (commit 2b5c0c6) with scripted activities: the
Updates, continue-as-new runs carrying their state, auth in backup and add_videos, a cancel in
each stage and in the quota sleep, the quota and retry-backoff timers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from playlist_sync.temporal_client import data_converter
from tests.sync.world import HISTORIES
from workflows.sync_workflow import PlaylistSyncWorkflow

RECORDED = sorted(HISTORIES.glob("*.json"))


def test_histories_were_recorded() -> None:
    names = {path.stem for path in RECORDED}
    assert {
        "quota_windows",
        "pause_resume",
        "pause_in_quota_sleep",
        "cancel",
        "resume_during_auth_mirror",
        "resume_during_quota_check",
        "reconcile_resync",
        "updates_pause_resume",
        "pause_update_in_quota_sleep",
        "continue_as_new_mid_run",
        "continue_as_new_final_run",
        "cancel_update_after_continue_as_new",
        "cancel_update_during_create",
        "cancel_update_empty_add_videos",
        "cancel_update_in_quota_sleep",
        "auth_in_backup",
        "auth_in_add_videos",
        "retry_backoff_timer",
        "creations_side_by_side_pause",
        "slow_answer_at_reset",
    } <= names


@pytest.mark.parametrize("path", RECORDED, ids=lambda path: path.stem)
async def test_recorded_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json("playlist-sync-replay", json.loads(path.read_text()))
    replayer = Replayer(workflows=[PlaylistSyncWorkflow], data_converter=data_converter)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
