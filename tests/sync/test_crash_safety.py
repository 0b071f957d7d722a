"""Crashes and retries never insert a video twice, lose one, or make a playlist twice."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from playlist_sync.playlist_marker import description_for
from playlist_sync.reconcile.assignment import Strategy
from tests.sync.conftest import CATEGORIES, EXPECTED
from tests.sync.world import categorised_world, library, sync_world, videos, writes_landed


# Killed twice in add_videos: the seed's plan (adds only), and the reuse plan (removals,
# moves and adds into adopted playlists).
@pytest.mark.parametrize(("strategy", "kills_at"), [("recreate", (8, 30)), ("reuse", (4, 14))])
async def test_worker_killed_mid_add_videos_leaves_youtube_exactly_right(
    dev_server_env: WorkflowEnvironment,
    database_url: str,
    tmp_path: Path,
    seed: dict[str, Any],
    strategy: str,
    kills_at: tuple[int, int],
) -> None:
    async with categorised_world(
        dev_server_env.client,
        database_url,
        tmp_path,
        seed=seed,
        categories=CATEGORIES,
    ) as world:
        world.admin.set_faults(latency_ms=25)
        log = tmp_path / "worker.log"
        worker = world.worker_process(log)
        try:
            # The killed worker's batches go to the next one after 5 s (the default 45 s sits
            # above the HTTP timeout; no call here takes long).
            job_id, handle = await world.start(
                Strategy(strategy), parallel_playlists=3, heartbeat_seconds=5
            )
            for progress in kills_at:
                await world.wait_for(
                    job_id, f"stage = 'add_videos' AND current_stage_progress >= {progress}"
                )
                os.kill(worker.pid, signal.SIGKILL)  # no chance to finish the write in flight
                worker.wait()
                worker = world.worker_process(log)
            result = await handle.result()
        finally:
            worker.kill()
            worker.wait()
        assert result.stage == "completed"
        assert world.playlists_by_title() == EXPECTED
        # YouTube counted nothing the ledger missed; the ledger's extra units are only calls a
        # kill interrupted between the reservation and YouTube's answer (outcome unknown).
        interrupted = await world.pool.fetchval(
            "SELECT COALESCE(sum(units), 0) FROM quota_events WHERE outcome IS NULL"
        )
        ledger, youtube = await world.ledger_units(), world.emulator_units()
        assert youtube <= ledger <= youtube + interrupted
        assert interrupted <= 2 * 3 * 50  # two kills, three playlists in flight each


async def test_playlist_made_before_a_crash_is_found_not_made_again(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    """The crash window of create_playlists: YouTube made the playlist, the database never
    heard. The retry must find it by its marker instead of creating a second one."""
    async with categorised_world(
        dev_server_env.client,
        database_url,
        tmp_path,
        seed=seed,
        categories=CATEGORIES,
    ) as world:
        job_id, handle = await world.start(Strategy.RECREATE)  # no worker yet: nothing runs
        cooking = await world.pool.fetchval("SELECT id FROM categories WHERE name = 'Cooking'")
        made = await world.youtube.create_youtube_playlist(
            "Cooking", description_for("what's for dinner", job_id, cooking)
        )
        await world.pool.execute(
            "UPDATE categories SET playlist_requested_at = now() WHERE id = $1", cooking
        )
        async with world.worker():
            result = await handle.result()
        assert result.stage == "completed"
        assert world.playlists_by_title() == EXPECTED  # one "Cooking" only
        assert (
            await world.pool.fetchval(
                "SELECT youtube_playlist_id FROM categories WHERE id = $1", cooking
            )
            == made
        )
        # The adopted playlist counts: this sync made it, even if the database never heard.
        assert (await world.job(job_id))["stage_results"]["create_playlists"]["succeeded"] == 3


async def test_full_playlist_is_reported_not_retried_forever(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    big, new, theirs = videos("big", 4_995), videos("new", 5), videos("usr", 5)
    seed = library({"Archive": big, "Incoming": new}, extra_videos=tuple(theirs))
    async with sync_world(
        seed=seed, client=dev_server_env.client, database_url=database_url,
        data_dir=tmp_path / "data", daily_quota=1_000_000,
    ) as world:  # fmt: skip
        await world.import_library()
        # 5,000 videos: the category adopts the nearly full Archive and adds Incoming's five.
        await world.apply(
            "categories:\n  - name: Everything\n    from_playlists: [Archive, Incoming]\n",
            tmp_path,
        )
        archive = await world.pool.fetchval(
            "SELECT youtube_playlist_id FROM playlists WHERE title = 'Archive'"
        )
        # Slow answers keep the sync in create_playlists (its rename) while the pause arrives.
        world.admin.set_faults(latency_ms=300)
        async with world.worker():
            job_id, handle = await world.start(Strategy.REUSE)
            await world.wait_for(job_id, "stage = 'create_playlists'")
            await handle.signal("pause")
            await world.wait_for(job_id, "pause_reason = 'user_paused'")
            await writes_landed(handle)
            world.admin.set_faults(latency_ms=0)
            # Meanwhile the user fills the playlist on YouTube.
            for video in theirs:
                await world.youtube.add_video_to_playlist(archive, video)
            await handle.signal("resume")
            result = await handle.result()
        assert result.stage == "completed"
        job = await world.job(job_id)
        assert job["stage_results"]["add_videos"] == {"succeeded": 0, "failed": 5, "skipped": 0}
        full = [
            e
            for e in job["errors"]
            if "full" in e["message"].lower() or "maximum" in e["message"].lower()
        ]
        assert len(full) == 5
        assert len(world.playlists_by_title()["Everything"]) == 5_000
        # "Incoming" holds videos that failed to go anywhere: kept, and said so.
        assert "Incoming" in world.playlists_by_title()
        assert any(
            e["stage"] == "delete_playlists" and e["entityType"] == "playlist"
            for e in job["errors"]
        )


async def test_long_sync_continues_as_new_and_still_ends_right(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with categorised_world(
        dev_server_env.client,
        database_url,
        tmp_path,
        seed=seed,
        categories=CATEGORIES,
    ) as world:
        async with world.worker():
            # Tiny batches: many activities, so the server (suggesting at 300 events) rolls it over.
            job_id, handle = await world.start(
                Strategy.RECREATE, writes_per_batch=1, parallel_playlists=2
            )
            result = await handle.result()
            latest = await world.client.get_workflow_handle(handle.id).describe()
        assert result.stage == "completed"
        assert (
            latest.run_id != handle.result_run_id or latest.run_id != handle.first_execution_run_id
        )
        assert world.playlists_by_title() == EXPECTED
        assert (await world.job(job_id))["stage_results"]["add_videos"]["succeeded"] == sum(
            len(v) for t, v in EXPECTED.items() if t != "Keep me"
        )
