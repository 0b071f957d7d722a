"""Signals at awkward moments: asleep on the quota timer, and after the sync has finished. (A pause
and resume while asleep: tests/sync/test_write_gate.py, on the time-skipping server.)"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from playlist_sync.reconcile.assignment import Strategy
from tests.faults.checks import assert_ledger_matches_youtube, assert_youtube_matches
from tests.faults.scenario import SMALL_CATEGORIES, SMALL_EXPECTED, SMALL_SEED
from tests.sync.world import SyncWorld, categorised_world, items_on_youtube

WINDOW = 6  # seconds: long enough to act while asleep, short enough to wait one out
BUDGET = 600  # about a dozen writes: the first window runs out during add_videos


async def start_at_window_start(world: SyncWorld) -> tuple[int, WorkflowHandle]:
    """Start the sync just after a quota window opens, so it runs out early in that window."""
    await asyncio.sleep(WINDOW - time.time() % WINDOW + 0.05)
    return await world.start()


async def wait_until_on_the_timer(world: SyncWorld, handle: WorkflowHandle) -> None:
    """Until the workflow sleeps on its quota timer with no batch still landing (the mirror
    says quota_exhausted as soon as the first batch meets the empty window)."""
    latest = world.client.get_workflow_handle(handle.id)
    for _ in range(200):
        timers: set[int] = set()
        async for event in latest.fetch_history_events():
            if event.event_type == EventType.EVENT_TYPE_TIMER_STARTED:
                timers.add(event.event_id)
            elif event.event_type == EventType.EVENT_TYPE_TIMER_FIRED:
                timers.discard(event.timer_fired_event_attributes.started_event_id)
            elif event.event_type == EventType.EVENT_TYPE_TIMER_CANCELED:
                timers.discard(event.timer_canceled_event_attributes.started_event_id)
        if timers:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the sync never slept on its quota timer")


async def assert_signals_to_finished_job_change_nothing(
    world: SyncWorld, job_id: int, handle: WorkflowHandle
) -> None:
    before = dict(await world.job(job_id))
    on_youtube = world.playlists_by_title()
    for name in ("pause", "resume", "cancel"):
        with pytest.raises(RPCError) as refused:
            await handle.signal(name)
        assert refused.value.status == RPCStatusCode.NOT_FOUND, refused.value
    assert dict(await world.job(job_id)) == before
    assert world.playlists_by_title() == on_youtube


async def test_cancel_while_asleep_on_the_quota_timer_ends_at_once_and_a_new_sync_finishes(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, SMALL_SEED, categories=SMALL_CATEGORIES,
        daily_quota=BUDGET, quota_reset=f"every:{WINDOW}s", strategy=Strategy.RECREATE,
    ) as world, world.worker():  # fmt: skip
        job_id, handle = await start_at_window_start(world)
        await wait_until_on_the_timer(world, handle)
        asleep = await world.wait_for(job_id, "pause_reason = 'quota_exhausted'")
        written = items_on_youtube(world)
        await handle.signal("cancel")
        result = await handle.result()
        assert result.stage == "failed"
        job = await world.job(job_id)
        # It did not wait for the reset to notice.
        assert job["completed_at"] < asleep["next_resume_at"]
        assert job["cancelled_at"] is not None and job["pause_reason"] is None
        assert any("cancelled by the user" in e["message"] for e in job["errors"])
        assert items_on_youtube(world) == written
        assert {"Recipes", "Dinners", "Guitar", "Misc"} <= set(world.playlists_by_title())
        await assert_signals_to_finished_job_change_nothing(world, job_id, handle)

        # The next sync picks up where the cancelled one stopped, without duplicates.
        next_id, next_handle = await world.start()
        assert (await next_handle.result()).stage == "completed"
        assert_youtube_matches(world, SMALL_EXPECTED)
        await assert_ledger_matches_youtube(world)
        await assert_signals_to_finished_job_change_nothing(world, next_id, next_handle)
