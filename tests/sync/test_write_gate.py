"""The write gate on the time-skipping test server: the real PlaylistSync workflow with scripted
activities, so that hours-long quota sleeps take milliseconds. Pause, resume and cancel as
Updates: what each answers, when it answers, and what the validators refuse.

These replace the wall-clock tests that waited out real quota windows to see the same thing."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError, WorkflowUpdateStage
from temporalio.testing import WorkflowEnvironment

from playlist_sync.models import PauseReason, SyncStage
from playlist_sync.sync.payloads import SyncProgress
from tests.sync.scripted_sync import QUOTA_RESET_FAR_AWAY, ScriptedSync, scripted_sync
from tests.sync.world import record_history


async def until(handle: WorkflowHandle[Any, SyncProgress], reason: PauseReason) -> SyncProgress:
    """Until the workflow's state shows `reason` (queries do not move the skipping clock)."""
    for _ in range(400):
        state = await handle.query("progress", result_type=SyncProgress)
        if state.pause_reason == reason:
            return state
        await asyncio.sleep(0.025)
    raise AssertionError(f"never {reason}: {state}")


async def writing(handle: WorkflowHandle[Any, SyncProgress], script: ScriptedSync) -> int:
    """Until a batch is in flight (held by the script); returns the sync's job id."""
    await asyncio.wait_for(script.addition_in_flight.wait(), 20)
    return (await handle.query("progress", result_type=SyncProgress)).id


def refusal(failure: pytest.ExceptionInfo[WorkflowUpdateFailedError]) -> str:
    cause = failure.value.cause
    assert cause is not None
    return str(cause.message) if hasattr(cause, "message") else str(cause)


async def test_a_spent_window_sleeps_until_the_reset_then_goes_on(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    script = ScriptedSync(backups=["quota"])
    script.release_all()
    async with scripted_sync(time_skipping_env.client, script) as handle:
        asleep = await until(handle, PauseReason.QUOTA_EXHAUSTED)
        result = await handle.result()  # the 6 h timer is skipped
    assert asleep.next_resume_at is not None
    assert result.stage == SyncStage.COMPLETED
    assert result.last_resumed_at is not None and result.last_resumed_at >= asleep.next_resume_at
    # The timer ended the sleep: no quota check, one backup after it.
    assert not any(line.startswith("quota check") for line in script.log)
    assert script.log.count("backup ok") == 1


async def test_pause_during_the_quota_sleep_holds_past_the_reset_until_resume(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    env = time_skipping_env
    script = ScriptedSync(backups=["quota"])
    script.release_all()
    async with scripted_sync(env.client, script) as handle:
        asleep = await until(handle, PauseReason.QUOTA_EXHAUSTED)
        paused = await handle.execute_update("pause", result_type=SyncProgress)
        assert paused.pause_reason == PauseReason.USER_PAUSED
        assert paused.stage == SyncStage.PAUSED
        await env.sleep(QUOTA_RESET_FAR_AWAY + timedelta(hours=1))  # past the reset
        held = await handle.query("progress", result_type=SyncProgress)
        assert held.pause_reason == PauseReason.USER_PAUSED, held
        assert "backup ok" not in script.log, "a write went out while paused"
        script.log.append("resume sent")
        resumed = await handle.execute_update("resume", result_type=SyncProgress)
        assert resumed.pause_reason is None and resumed.next_resume_at is None
        result = await handle.result()
        await record_history(handle, "pause_in_quota_sleep")
    assert asleep.next_resume_at is not None
    assert result.stage == SyncStage.COMPLETED
    assert script.log.index("backup ok") > script.log.index("resume sent")


async def test_pause_and_resume_while_asleep_go_back_to_sleeping_until_the_same_reset(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    """Resumed before the reset with the window still spent, it answers that it sleeps on, and
    the row says so at once (not "paused by the user" until the reset hours later)."""
    script = ScriptedSync(backups=["quota"], quota_left=[0])
    script.release_all()
    async with scripted_sync(time_skipping_env.client, script) as handle:
        asleep = await until(handle, PauseReason.QUOTA_EXHAUSTED)
        await handle.execute_update("pause", result_type=SyncProgress)
        resumed = await handle.execute_update("resume", result_type=SyncProgress)
        assert resumed.pause_reason == PauseReason.QUOTA_EXHAUSTED
        assert resumed.next_resume_at == asleep.next_resume_at
        assert script.log[-2:] == ["quota check 0", "mirror paused quota_exhausted"] or (
            script.log[-2:] == ["mirror paused quota_exhausted", "quota check 0"]
        ), script.log
        assert "backup ok" not in script.log
        result = await handle.result()
    assert result.stage == SyncStage.COMPLETED
    assert script.log.count("quota check 0") == 1 and script.log.count("backup ok") == 1


async def test_cancel_while_asleep_answers_with_the_end_before_the_reset(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    script = ScriptedSync(backups=["quota"])
    script.release_all()
    async with scripted_sync(time_skipping_env.client, script) as handle:
        asleep = await until(handle, PauseReason.QUOTA_EXHAUSTED)
        ended = await handle.execute_update("cancel", result_type=SyncProgress)
        result = await handle.result()
    assert ended.stage == SyncStage.FAILED and ended.completed_at is not None
    assert asleep.next_resume_at is not None and ended.completed_at < asleep.next_resume_at
    assert ended.pause_reason is None
    assert any("cancelled by the user" in error.message for error in ended.errors)
    assert result.stage == SyncStage.FAILED
    assert "backup ok" not in script.log
    # The row said so before the Update answered.
    assert script.log[-1] == "mirror failed None"


async def test_pause_answers_once_the_write_in_flight_has_landed(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    script = ScriptedSync(backups=["ok"], additions={1: ["held", "ok"]})
    script.release_all()
    async with scripted_sync(time_skipping_env.client, script) as handle:
        n = await writing(handle, script)
        with pytest.raises(WorkflowUpdateFailedError) as not_paused:
            await handle.execute_update("resume", result_type=SyncProgress)
        assert refusal(not_paused) == f"sync {n} is not paused"

        pause = await handle.start_update(
            "pause", result_type=SyncProgress, wait_for_stage=WorkflowUpdateStage.ACCEPTED
        )
        await until(handle, PauseReason.USER_PAUSED)
        # The batch is still writing: the pause has not taken effect, so it does not answer.
        answered, _ = await asyncio.wait({asyncio.ensure_future(pause.result())}, timeout=0.5)
        assert not answered
        with pytest.raises(WorkflowUpdateFailedError) as again:
            await handle.execute_update("pause", result_type=SyncProgress)
        assert refusal(again) == (f"sync {n} is already paused; `starter.py resume {n}` goes on")
        script.addition_held.set()
        paused = await pause.result()
        assert paused.pause_reason == PauseReason.USER_PAUSED
        assert paused.current_stage_progress == 1  # the landed write is counted
        assert script.log.count("add 1 held") == 1 and "add 1 ok" not in script.log

        resumed = await handle.execute_update("resume", result_type=SyncProgress)
        assert resumed.pause_reason is None
        result = await handle.result()
    assert result.stage == SyncStage.COMPLETED
    assert script.log.index("add 1 ok") > script.log.index("add 1 held")


async def test_a_sync_being_cancelled_refuses_pause_and_answers_cancel_once_ended(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    script = ScriptedSync(backups=["ok"], additions={1: ["held", "ok"]})
    script.release_all()
    async with scripted_sync(time_skipping_env.client, script) as handle:
        n = await writing(handle, script)
        cancel = await handle.start_update(
            "cancel", result_type=SyncProgress, wait_for_stage=WorkflowUpdateStage.ACCEPTED
        )
        for update in ("pause", "cancel"):
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await handle.execute_update(update, result_type=SyncProgress)
            assert refusal(refused) == f"sync {n} is being cancelled"
        script.addition_held.set()
        ended = await cancel.result()
    assert ended.stage == SyncStage.FAILED and ended.completed_at is not None
    assert "add 1 ok" not in script.log
