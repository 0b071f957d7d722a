"""pause, resume and cancel on a real sync: what the user asks takes effect after the write in
flight. The same requests during quota sleeps are tested on the time-skipping server, with the
workflow's activities scripted (test_write_gate.py)."""

from __future__ import annotations

import asyncio
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
