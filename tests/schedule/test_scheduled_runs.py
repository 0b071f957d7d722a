"""Runs of the schedule on the real dev server: each imports again, resolves the categories'
rules against the library as it is now, and syncs with the fewest writes; a run with nothing
to do writes nothing, and a run while a sync is active is skipped and says why."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from activities.schedule_activities import ScheduleActivities
from playlist_sync.schedule.payloads import RunOutcome, ScheduledRunInput
from playlist_sync.starters.sync import start_sync
from playlist_sync.sync.payloads import SyncProgress
from tests.schedule.scheduled import paused_schedule, record_run_history
from tests.sync.world import categorised_world, library, videos, writes_made

NEW = "new000000001"
SEED = library(
    {
        "Recipes": videos("rcp", 6),
        "Guitar": videos("gtr", 6),
        "Watch later": videos("wtl", 3),
        "Old": videos("old", 2),
    },
    extra_videos=(NEW,),
)
# "Watch later" is an inbox: kept, and a source of Cooking.
CATEGORIES = """
categories:
  - name: Cooking
    from_playlists: [Recipes, Watch later]
  - name: Guitar
    from_playlists: [Guitar]
keep_playlists: [Watch later]
"""


def playlist_id(world, title: str) -> str:  # type: ignore[no-untyped-def]
    (found,) = [p["id"] for p in world.admin.state()["playlists"] if p["title"] == title]
    return str(found)


async def test_a_scheduled_run_routes_a_new_inbox_video_with_one_write_then_has_nothing_to_do(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with (
        categorised_world(
            dev_server_env.client, database_url, tmp_path, SEED, categories=CATEGORIES
        ) as world,
        world.worker(),
    ):
        async with paused_schedule(world) as schedule:
            first = await schedule.run_ended(await schedule.trigger())
            assert first.result.outcome == RunOutcome.SYNCED, first.result
            cooking = videos("rcp", 6) + videos("wtl", 3)
            assert world.playlists_by_title() == {
                "Cooking": cooking,
                "Guitar": videos("gtr", 6),
                "Watch later": videos("wtl", 3),
            }

            # On the phone: a video saved to "Watch later".
            await world.youtube.add_video_to_playlist(playlist_id(world, "Watch later"), NEW)
            second = await schedule.run_ended(await schedule.trigger())
            assert second.result.outcome == RunOutcome.SYNCED, second.result
            assert second.result.writes == 1
            assert second.result.job_id is not None
            assert await writes_made(world.pool, second.result.job_id) == 1
            assert world.playlists_by_title()["Cooking"] == [*cooking, NEW]

            third = await schedule.run_ended(await schedule.trigger())
            assert third.result.outcome == RunOutcome.NOTHING_TO_DO, third.result
            await record_run_history(world, second, "one_write")
            await record_run_history(world, third, "nothing_to_do")
            assert third.result.writes == 0
            assert "0 writes" in third.result.message
            # The sync ran as any sync does: its own workflow, its row.
            job = await world.job(third.result.job_id)
            assert job["workflow_id"] == f"playlist-sync-{third.result.job_id}"
            assert job["stage"] == "completed"


async def test_a_scheduled_run_while_a_sync_is_active_is_skipped_and_says_why(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with (
        categorised_world(
            dev_server_env.client, database_url, tmp_path, SEED, categories=CATEGORIES
        ) as world,
        world.worker(),
    ):
        # A sync that waits for approval stays active until the user answers.
        job_id, handle = await start_sync(world.client, world.pool, world.settings, max_delete=0)
        await world.wait_for(job_id, "pause_reason = 'needs_approval'")
        requests = world.admin.state()["requests"]
        async with paused_schedule(world) as schedule:
            run = await schedule.run_ended(await schedule.trigger())
        assert run.result.outcome == RunOutcome.SKIPPED
        assert run.result.message == (
            f"skipped: sync {job_id} is still active (workflow playlist-sync-{job_id})"
        )
        assert run.result.job_id is None
        await record_run_history(world, run, "skipped")
        assert world.admin.state()["requests"] == requests, "the skipped run called YouTube"
        await handle.execute_update("cancel", result_type=SyncProgress)


async def test_a_retried_preparation_closes_the_row_its_failed_attempt_left(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    """A worker that dies after making the sync's row but before answering would otherwise
    leave an active job no workflow runs, and every later sync would be refused."""
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, SEED, categories=CATEGORIES
    ) as world:
        run = "playlist-sync-scheduled-run-2026-12-02T08:00:00Z"
        orphan = await world.pool.fetchval(
            "INSERT INTO sync_jobs (scheduled_run) VALUES ($1) RETURNING id", run
        )
        activities = ScheduleActivities(world.pool, world.settings, world.youtube)
        environment = ActivityEnvironment()
        environment.info = dataclasses.replace(environment.info, workflow_id=run, attempt=2)
        prepared = await environment.run(
            activities.prepare_scheduled_sync, ScheduledRunInput(max_delete=100)
        )
        assert prepared.skipped is None and prepared.launch is not None
        assert (await world.job(orphan))["completed_at"] is not None
        assert (await world.job(prepared.launch.job_id))["scheduled_run"] == run


async def test_a_scheduled_run_while_a_restore_is_active_is_skipped_and_says_why(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with (
        categorised_world(
            dev_server_env.client, database_url, tmp_path, SEED, categories=CATEGORIES
        ) as world,
        world.worker(),
    ):
        # The restore's row as its starter leaves it while the restore runs.
        snapshot = await world.pool.fetchval(
            "INSERT INTO backup_snapshots DEFAULT VALUES RETURNING id"
        )
        restore = await world.pool.fetchval(
            """INSERT INTO restore_jobs (backup_snapshot_id, workflow_id)
               VALUES ($1, 'playlist-restore-test') RETURNING id""",
            snapshot,
        )
        async with paused_schedule(world) as schedule:
            run = await schedule.run_ended(await schedule.trigger())
        assert run.result.outcome == RunOutcome.SKIPPED
        assert run.result.message == (
            f"skipped: restore {restore} is still active (workflow playlist-restore-test)"
        )
        assert await world.pool.fetchval("SELECT count(*) FROM sync_jobs") == 0
