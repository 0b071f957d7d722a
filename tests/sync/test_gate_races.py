"""A pause, resume or cancel is never lost, whenever it lands. Each wait of the write gate
mirrors the state to Postgres first; these tests deliver the signal while that mirror (or the
quota check) is held in flight, the moment a person who just saw "paused" in the row would
answer. Real workflow, real Temporal dev server (its timers are real: a sync that lost its
resume sleeps for hours, and the test fails), scripted activities."""

from __future__ import annotations

import asyncio

from temporalio.testing import WorkflowEnvironment

from playlist_sync.models import PauseReason, SyncStage
from playlist_sync.sync.payloads import SyncProgress
from tests.sync.scripted_sync import ScriptedSync, scripted_sync, signal_and_wait_until_handled
from tests.sync.world import record_history

# A sync that has not lost its resume finishes in well under a second from here.
_FINISHES_WITHIN = 20


async def test_resume_during_the_auth_pause_mirror_is_not_lost(
    dev_server_env: WorkflowEnvironment,
) -> None:
    """The user's journey: status shows "paused (auth_required)", `auth`, `resume` at once."""
    script = ScriptedSync(backups=["auth"])
    async with scripted_sync(dev_server_env.client, script) as handle:
        held = await script.held_mirror(lambda m: m.pause_reason == PauseReason.AUTH_REQUIRED)
        await signal_and_wait_until_handled(handle, "resume")
        script.release_all()
        result = await asyncio.wait_for(handle.result(), _FINISHES_WITHIN)
        await record_history(handle, "resume_during_auth_mirror")
    assert held.mirror.stage == SyncStage.PAUSED
    assert result.stage == SyncStage.COMPLETED
    assert script.log.count("backup ok") == 1


async def test_resume_during_the_user_pause_mirror_is_not_lost(
    dev_server_env: WorkflowEnvironment,
) -> None:
    script = ScriptedSync(backups=["ok"])
    async with scripted_sync(dev_server_env.client, script) as handle:
        first = await script.held_mirror(lambda m: True)
        await signal_and_wait_until_handled(handle, "pause")
        first.release()
        await script.held_mirror(lambda m: m.pause_reason == PauseReason.USER_PAUSED)
        await signal_and_wait_until_handled(handle, "resume")
        script.release_all()
        result = await asyncio.wait_for(handle.result(), _FINISHES_WITHIN)
    assert result.stage == SyncStage.COMPLETED
    assert result.pause_reason is None and result.last_resumed_at is not None


async def test_resume_during_the_quota_sleep_mirror_wakes_it_when_quota_is_back(
    dev_server_env: WorkflowEnvironment,
) -> None:
    script = ScriptedSync(backups=["quota"], quota_left=[10_000])
    async with scripted_sync(dev_server_env.client, script) as handle:
        await script.held_mirror(lambda m: m.pause_reason == PauseReason.QUOTA_EXHAUSTED)
        await signal_and_wait_until_handled(handle, "resume")
        script.release_all()
        result = await asyncio.wait_for(handle.result(), _FINISHES_WITHIN)
    assert result.stage == SyncStage.COMPLETED
    assert "quota check 10000" in script.log


async def test_resume_during_the_quota_check_asks_again(
    dev_server_env: WorkflowEnvironment,
) -> None:
    """The first resume finds the window still spent; a second one lands while the quota is
    being read, after the window came back: it must not be wiped by the first one's answer."""
    script = ScriptedSync(backups=["quota"], quota_left=[0, 10_000])
    script.hold_quota_checks = True
    async with scripted_sync(dev_server_env.client, script) as handle:
        await script.held_mirror(lambda m: m.pause_reason == PauseReason.QUOTA_EXHAUSTED)
        script.release_all()
        await signal_and_wait_until_handled(handle, "resume")
        check = await asyncio.wait_for(script.quota_checks.get(), _FINISHES_WITHIN)
        await signal_and_wait_until_handled(handle, "resume")
        script.hold_quota_checks = False
        check.release()
        result = await asyncio.wait_for(handle.result(), _FINISHES_WITHIN)
        await record_history(handle, "resume_during_quota_check")
    assert result.stage == SyncStage.COMPLETED
    assert script.log.count("quota check 0") == 1 and "quota check 10000" in script.log


async def test_cancel_during_a_pause_mirror_stops_the_sync(
    dev_server_env: WorkflowEnvironment,
) -> None:
    script = ScriptedSync(backups=["auth"])
    async with scripted_sync(dev_server_env.client, script) as handle:
        await script.held_mirror(lambda m: m.pause_reason == PauseReason.AUTH_REQUIRED)
        await signal_and_wait_until_handled(handle, "cancel")
        script.release_all()
        result = await asyncio.wait_for(handle.result(), _FINISHES_WITHIN)
    assert result.stage == SyncStage.FAILED
    assert script.log.count("backup auth") == 1 and "backup ok" not in script.log


async def test_cancel_during_the_quota_sleep_mirror_stops_the_sync(
    dev_server_env: WorkflowEnvironment,
) -> None:
    script = ScriptedSync(backups=["quota"])
    async with scripted_sync(dev_server_env.client, script) as handle:
        await script.held_mirror(lambda m: m.pause_reason == PauseReason.QUOTA_EXHAUSTED)
        await signal_and_wait_until_handled(handle, "cancel")
        script.release_all()
        result = await asyncio.wait_for(handle.result(), _FINISHES_WITHIN)
    assert result.stage == SyncStage.FAILED
    assert "backup ok" not in script.log


async def test_pause_during_the_auth_pause_mirror_holds_after_auth(
    dev_server_env: WorkflowEnvironment,
) -> None:
    """A pause that lands while the auth pause is mirrored still holds the writes: the backup
    runs again only after the resume."""
    script = ScriptedSync(backups=["auth"])
    async with scripted_sync(dev_server_env.client, script) as handle:
        await script.held_mirror(lambda m: m.pause_reason == PauseReason.AUTH_REQUIRED)
        await signal_and_wait_until_handled(handle, "pause")
        script.release_all()
        paused = await handle.query("progress", result_type=SyncProgress)
        assert paused.pause_reason == PauseReason.USER_PAUSED
        script.log.append("resume sent")
        await signal_and_wait_until_handled(handle, "resume")
        result = await asyncio.wait_for(handle.result(), _FINISHES_WITHIN)
    assert result.stage == SyncStage.COMPLETED
    assert script.log.index("backup ok") > script.log.index("resume sent")


async def test_resume_while_a_batch_on_the_old_grant_is_in_flight_is_not_lost(
    dev_server_env: WorkflowEnvironment,
) -> None:
    """One playlist's batch meets the revoked grant, the user runs `auth` and `resume` while
    another playlist's batch, started on the old grant, is still in flight: that batch's
    failure comes after the resume and must not pause the sync again."""
    script = ScriptedSync(backups=["ok"], additions={1: ["auth", "ok"], 2: ["held auth", "ok"]})
    async with scripted_sync(dev_server_env.client, script) as handle:
        held = await script.held_mirror(lambda m: m.pause_reason == PauseReason.AUTH_REQUIRED)
        held.release()
        script.release_all()
        await signal_and_wait_until_handled(handle, "resume")
        script.addition_held.set()
        result = await asyncio.wait_for(handle.result(), _FINISHES_WITHIN)
    assert result.stage == SyncStage.COMPLETED
    assert script.log.count("add 2 held auth") == 1 and "add 2 ok" in script.log
    assert result.last_resumed_at is not None
