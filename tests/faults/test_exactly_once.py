"""Exactly once, even when answers lie, lag or arrive late (issue 11): overlapping attempts are
fenced, each playlist is verified and repaired at the end, and a failure that persists backs
off and pauses the sync instead of relaunching its batch at once forever."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.sync.payloads import SyncProgress
from playlist_sync.workers import build_worker
from tests.faults.checks import assert_youtube_matches
from tests.faults.item_inserts import item_inserts
from tests.faults.scenario import SMALL_CATEGORIES, SMALL_EXPECTED, SMALL_SEED, R
from tests.faults.untrustworthy import LAG_ALLOWANCE, finished
from tests.sync.world import SyncWorld, categorised_world, writes_landed

SEED = 11
SMALL_ADDS = sum(len(v) for title, v in SMALL_EXPECTED.items() if title != "Keep me")


@pytest.mark.timeout(90)
async def test_a_second_attempt_while_the_first_still_writes_adds_nothing_twice(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    """Answers held 5 s against a heartbeat timeout of 2 s. Cooking's second insert is held:
    Temporal starts a second attempt of the batch, which finds that video and sends the next,
    held too; the first attempt gets its answer meanwhile and would go on with its list."""
    async with (
        categorised_world(
            dev_server_env.client, database_url, tmp_path, SMALL_SEED,
            categories=SMALL_CATEGORIES, strategy=Strategy.RECREATE,
        ) as world,
        item_inserts(world.emulator.url, held=frozenset({2, 3}), hold_seconds=5) as proxy,
    ):  # fmt: skip
        settings = world.settings.model_copy(update={"youtube_api_url": proxy.url})
        async with await build_worker(world.client, world.pool, settings):
            # One playlist at a time, so that the inserts come in a known order.
            _, handle = await world.start(
                heartbeat_seconds=2, parallel_playlists=1, **LAG_ALLOWANCE
            )
            result = await finished(handle, 60)
        assert result.stage == "completed"
        assert await _batches_retried(handle) > 0, "no second attempt: the scenario proves nothing"
        assert_youtube_matches(world, SMALL_EXPECTED)
        # Not even for a moment: each video inserted once.
        assert proxy.inserts == SMALL_ADDS


@pytest.mark.timeout(90)
async def test_each_playlist_is_read_back_and_repaired_at_the_end(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    """Copies and a gap that no operation knows of (made on YouTube after the backup the plan
    started from) are seen by the batch's read and planned around: duplicates removed with
    playlistItems.delete, the missing video inserted at its place; and the job tells them
    from its own writes (the user's edits, for issue 22)."""
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, SMALL_SEED, categories=SMALL_CATEGORIES,
        strategy=Strategy.REUSE,
    ) as world:  # fmt: skip
        async with world.worker():
            _, handle = await world.start()
            assert (await finished(handle, 50)).stage == "completed"
            # A second sync, held once its plan is made (slow answers keep it in
            # create_playlists until the pause arrives); then YouTube changes under it.
            world.admin.set_faults(latency_ms=300)
            job_id, handle = await world.start()
            await world.wait_for(job_id, "stage = 'create_playlists'")
            await handle.signal("pause")
            await world.wait_for(job_id, "pause_reason = 'user_paused'")
            await writes_landed(handle)
            world.admin.set_faults(latency_ms=0)
            cooking = await world.pool.fetchval(
                "SELECT youtube_playlist_id FROM categories WHERE name = 'Cooking'"
            )
            items = await world.youtube.playlist_items(cooking)
            await world.youtube.add_video_to_playlist(cooking, R[0])  # a copy at the end
            await world.youtube.add_video_to_playlist(cooking, R[3], 1)  # one out of order
            gone = next(item for item in items if item.video_id == R[2])
            await world.youtube.delete_playlist_item(gone.id)  # a gap
            assert world.playlists_by_title()["Cooking"] != SMALL_EXPECTED["Cooking"]
            await handle.signal("resume")
            result: SyncProgress = await finished(handle, 50)
        assert result.stage == "completed"
        assert_youtube_matches(world, SMALL_EXPECTED)
        deletes = await world.pool.fetchval(
            """SELECT count(*) FROM quota_events
               WHERE sync_job_id = $1 AND operation = 'playlistItems.delete'""",
            job_id,
        )
        assert deletes == 2, [e.message for e in result.errors]
        unverified = await world.pool.fetchval(
            """SELECT count(*) FROM categories c WHERE NOT EXISTS (
                   SELECT 1 FROM sync_playlist_leases l WHERE l.sync_job_id = $1
                   AND l.category_id = c.id AND l.verified_at IS NOT NULL)""",
            job_id,
        )
        assert unverified == 0
        changes = await world.pool.fetchval(
            """SELECT r.foreign_changes FROM sync_playlist_reads r
               JOIN categories c ON c.id = r.category_id
               WHERE r.sync_job_id = $1 AND c.name = 'Cooking'""",
            job_id,
        )
        seen = sorted((change["change"], change["videoId"]) for change in changes)
        assert seen == [("added", R[0]), ("added", R[3]), ("removed", R[2])], changes


@pytest.mark.timeout(90)
async def test_a_video_that_always_fails_backs_off_then_pauses_the_sync(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    """Every insert of one video answers 503: its batch is retried after growing delays, each
    failure counts, and the sync pauses (errors_collected) after failures_before_pause."""
    async with (
        categorised_world(
            dev_server_env.client, database_url, tmp_path, SMALL_SEED,
            categories=SMALL_CATEGORIES, strategy=Strategy.RECREATE,
        ) as world,
        item_inserts(world.emulator.url, failing_video=R[1]) as proxy,
    ):  # fmt: skip
        settings = world.settings.model_copy(update={"youtube_api_url": proxy.url})
        async with await build_worker(world.client, world.pool, settings):
            # One playlist at a time: Cooking (R[1] is its second video) first, alone.
            job_id, _ = await world.start(
                parallel_playlists=1, failures_before_pause=3, lag_allowance_seconds=0.5,
                retry_delay_seconds=0.5,
            )  # fmt: skip
            job = await world.wait_for(job_id, "pause_reason = 'errors_collected'", within=50)
            # One insert per batch, and a batch per failure: 3 before the pause, none since.
            await _no_batch_running(world, job_id)
        assert proxy.failed == 3
        assert job["stage"] == "paused"
        retried = [e for e in job["errors"] if e["entityId"] == R[1]]
        assert len(retried) == 3, job["errors"]
        assert "will retry" in retried[0]["message"]


async def _batches_retried(handle: WorkflowHandle) -> int:
    """add_videos batches that Temporal ran more than once (a later attempt after a timeout)."""
    history = await handle.fetch_history()
    types: dict[int, str] = {}
    retried = 0
    for event in history.events:
        if event.HasField("activity_task_scheduled_event_attributes"):
            types[event.event_id] = (
                event.activity_task_scheduled_event_attributes.activity_type.name
            )
        if event.HasField("activity_task_started_event_attributes"):
            started = event.activity_task_started_event_attributes
            if types.get(started.scheduled_event_id) == "add_videos_to_playlist":
                retried += started.attempt > 1
    return retried


async def _no_batch_running(world: SyncWorld, job_id: int) -> None:
    handle = world.client.get_workflow_handle(f"playlist-sync-{job_id}")
    await writes_landed(handle)
