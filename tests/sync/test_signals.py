"""pause, resume and cancel: what the user asks takes effect after the write in flight."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.sync.payloads import SyncProgress
from tests.sync.conftest import CATEGORIES, EXPECTED
from tests.sync.world import (
    categorised_world,
    items_on_youtube,
    record_history,
    writes_landed,
)


async def test_pause_stops_writes_and_resume_finishes_the_sync(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with categorised_world(
        dev_server_env.client,
        database_url,
        tmp_path,
        seed=seed,
        categories=CATEGORIES,
    ) as world:
        world.admin.set_faults(latency_ms=40)
        async with world.worker():
            job_id, handle = await world.start(Strategy.RECREATE)
            await world.wait_for(job_id, "stage = 'add_videos' AND current_stage_progress >= 5")
            await handle.signal("pause")
            paused = await world.wait_for(job_id, "pause_reason = 'user_paused'")
            assert paused["stage"] == "paused"
            await writes_landed(handle)
            before = items_on_youtube(world)
            await asyncio.sleep(1.5)  # a window for a write that should not come
            assert items_on_youtube(world) == before, "a write reached YouTube while paused"
            progress = await handle.query("progress", result_type=SyncProgress)
            assert progress.pause_reason == "user_paused"
            world.admin.set_faults(latency_ms=0)
            await handle.signal("resume")
            result = await handle.result()
        await record_history(handle, "pause_resume")
        assert result.stage == "completed"
        assert world.playlists_by_title() == EXPECTED
        job = await world.job(job_id)
        assert job["last_resumed_at"] is not None and job["pause_reason"] is None


async def test_cancel_during_add_videos_stops_cleanly_and_deletes_nothing(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with categorised_world(
        dev_server_env.client,
        database_url,
        tmp_path,
        seed=seed,
        categories=CATEGORIES,
    ) as world:
        world.admin.set_faults(latency_ms=40)
        async with world.worker():
            job_id, handle = await world.start(Strategy.RECREATE)
            await world.wait_for(job_id, "stage = 'add_videos' AND current_stage_progress >= 5")
            await handle.signal("cancel")
            result = await handle.result()
            await record_history(handle, "cancel")
            after = items_on_youtube(world)
            await asyncio.sleep(0.5)
            assert items_on_youtube(world) == after
        assert result.stage == "failed"
        job = await world.job(job_id)
        assert job["stage"] == "failed"
        assert job["cancelled_at"] is not None and job["completed_at"] is not None
        assert any("cancelled by the user" in e["message"] for e in job["errors"])
        # The old playlists are all still there: deletion never started.
        titles = set(world.playlists_by_title())
        assert {"Recipes", "Dinners", "Guitar", "Misc", "Keep me"} <= titles
        # A cancelled sync no longer blocks the next one.
        assert (
            await world.pool.fetchval("SELECT count(*) FROM sync_jobs WHERE completed_at IS NULL")
            == 0
        )


async def test_pause_during_quota_sleep_holds_past_the_reset_until_resume(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with categorised_world(
        dev_server_env.client,
        database_url,
        tmp_path,
        seed=seed,
        categories=CATEGORIES,
        daily_quota=1200,
        quota_reset="every:3s",
    ) as world:
        async with world.worker():
            job_id, handle = await world.start(Strategy.RECREATE)
            asleep = await world.wait_for(job_id, "pause_reason = 'quota_exhausted'")
            assert asleep["next_resume_at"] is not None
            await handle.signal("pause")
            await world.wait_for(job_id, "pause_reason = 'user_paused'")
            await writes_landed(handle)
            before = items_on_youtube(world)
            await asyncio.sleep(4)  # past the reset: quota is back, but the user said pause
            assert items_on_youtube(world) == before
            assert (await world.job(job_id))["pause_reason"] == "user_paused"
            await handle.signal("resume")
            result = await handle.result()
        await record_history(handle, "pause_in_quota_sleep")
        assert result.stage == "completed"
        assert world.playlists_by_title() == EXPECTED


async def test_resume_during_quota_sleep_shows_the_quota_pause_at_once(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    """Paused and resumed while asleep on the quota timer: the row must stop saying
    `user_paused` at once (`status` and `pause` read it), not at the reset hours later."""
    async with categorised_world(
        dev_server_env.client,
        database_url,
        tmp_path,
        seed=seed,
        categories=CATEGORIES,
        daily_quota=3000,
        quota_reset="every:8s",
    ) as world:
        async with world.worker():
            # From a window's start it runs dry within about a second, and sleeps for the
            # rest of the window: ample time to pause and resume before the reset.
            await asyncio.sleep(8 - time.time() % 8 + 0.05)
            job_id, handle = await world.start(Strategy.RECREATE)
            await world.wait_for(job_id, "pause_reason = 'quota_exhausted'")
            await handle.signal("pause")
            paused = await world.wait_for(job_id, "pause_reason = 'user_paused'")
            await handle.signal("resume")
            # At once: before the reset it sleeps until (a row written by the reset would
            # carry a later next_resume_at, or none).
            row = await world.wait_for(job_id, "pause_reason = 'quota_exhausted'")
            assert row["next_resume_at"] == paused["next_resume_at"]
            result = await handle.result()
        assert result.stage == "completed"
        assert world.playlists_by_title() == EXPECTED
