"""Deleting is the one thing a user cannot undo by hand: the sync deletes only playlists of its
own backup, read just before, whose videos are all safe in their categories' playlists."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from activities.sync_activities import SyncActivities
from playlist_sync.cli.job_summary import describe_job
from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.sync.job_store import get_job
from playlist_sync.sync.payloads import StageRequest
from playlist_sync.sync.youtube_port import SyncYouTube
from tests.sync.conftest import CATEGORIES, EXPECTED, GUITAR, PRIVATE
from tests.sync.world import categorised_world, writes_landed


async def test_a_category_that_got_no_playlist_keeps_its_videos_old_playlist(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    """Reproduced: a description YouTube refuses once the sync's marker is added (from a file
    applied before apply counted the marker) left 'Guitar & Bass' without a playlist, and
    'Guitar' was deleted with its videos in no playlist."""
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, seed=seed, categories=CATEGORIES
    ) as world:
        await world.pool.execute(
            "UPDATE categories SET description = repeat('x', 4990) WHERE name = 'Guitar & Bass'"
        )
        async with world.worker():
            job_id, handle = await world.start(Strategy.RECREATE)
            result = await handle.result()
        assert result.stage == "completed"
        on_youtube = world.playlists_by_title()
        assert "Guitar & Bass" not in on_youtube
        # (as a viewer sees it: its private video hidden)
        assert on_youtube["Guitar"] == [v for v in GUITAR if v != PRIVATE], "in no other playlist"
        assert on_youtube["Cooking"] == EXPECTED["Cooking"]
        assert "Misc" in on_youtube, "it holds three of Guitar's videos too"
        assert {"Recipes", "Dinners"}.isdisjoint(on_youtube)
        job = await get_job(world.pool, job_id)
        assert job is not None
        kept = [e for e in job.record().errors if e.message.startswith("'Guitar' kept")]
        assert kept and "belong to a category that has no playlist" in kept[0].message
        status = describe_job(job, world.settings)
        at = status.index(
            "  old playlists kept, not deleted, so that no video ends in no playlist: 2"
        )
        assert {status[at + 1].split()[0], status[at + 2].split()[0]} == {"'Guitar'", "'Misc'"}


async def test_a_playlist_imported_while_the_sync_ran_is_not_deleted(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, seed=seed, categories=CATEGORIES
    ) as world:
        world.admin.set_faults(latency_ms=20)
        async with world.worker():
            job_id, handle = await world.start(Strategy.RECREATE)
            await world.wait_for(job_id, "stage = 'add_videos' AND current_stage_progress >= 3")
            await handle.signal("pause")
            await world.wait_for(job_id, "pause_reason = 'user_paused'")
            await writes_landed(handle)
            # Made and imported after the backup: not in it, so not the sync's to delete.
            late = await world.youtube.create_youtube_playlist("Made meanwhile", "")
            await world.youtube.add_video_to_playlist(late, GUITAR[0])
            await world.import_library()
            world.admin.set_faults(latency_ms=0)
            await handle.signal("resume")
            result = await handle.result()
        assert result.stage == "completed"
        on_youtube = world.playlists_by_title()
        assert on_youtube["Made meanwhile"] == [GUITAR[0]]
        assert {title: on_youtube[title] for title in EXPECTED} == EXPECTED
        assert {"Recipes", "Dinners", "Guitar", "Misc"}.isdisjoint(on_youtube)


async def test_an_old_playlist_changed_after_the_backup_is_kept(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    """A video the user put into an old playlist during the sync is in no backup: deleting
    the playlist would lose it for good."""
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, seed=seed, categories=CATEGORIES
    ) as world:
        world.admin.set_faults(latency_ms=20)
        misc = await world.pool.fetchval(
            "SELECT youtube_playlist_id FROM playlists WHERE title = 'Misc'"
        )
        async with world.worker():
            job_id, handle = await world.start(Strategy.RECREATE)
            await world.wait_for(job_id, "stage = 'add_videos' AND current_stage_progress >= 3")
            await world.youtube.add_video_to_playlist(misc, "kep000000001")
            result = await handle.result()
        assert result.stage == "completed"
        on_youtube = world.playlists_by_title()
        assert "kep000000001" in on_youtube["Misc"]
        assert {"Recipes", "Dinners", "Guitar"}.isdisjoint(on_youtube)
        job = await world.job(job_id)
        assert any("'Misc' kept" in e["message"] and "after the backup" in e["message"]
                   for e in job["errors"])  # fmt: skip


async def test_the_delete_activity_refuses_to_run_without_a_backup(
    database_url: str, dev_server_env: WorkflowEnvironment, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, seed=seed, categories=CATEGORIES
    ) as world:
        # A job that never backed up (or an id made up by hand): it must not delete a thing.
        job_id = await world.pool.fetchval("INSERT INTO sync_jobs DEFAULT VALUES RETURNING id")

        async def youtube_for(job_id: int, now: datetime) -> SyncYouTube:
            return world.youtube.for_job(job_id, not_before=now)

        activities = SyncActivities(world.pool, youtube_for, world.youtube.ledger)
        before = world.playlists_by_title()
        for job in (job_id, job_id + 1):
            with pytest.raises(ApplicationError, match="no backup snapshot") as refused:
                await ActivityEnvironment().run(
                    activities.delete_old_playlists, StageRequest(job_id=job, now=datetime.now(UTC))
                )
            assert refused.value.non_retryable
        assert world.playlists_by_title() == before
