"""pause, resume and cancel, as for a sync; a later restore completes what a cancelled one left."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.testing import WorkflowEnvironment

from playlist_sync.restore.models import RestoreJobRecord
from tests.restore.conftest import (
    SMALL_CATEGORIES,
    as_restored,
    available,
    backed_up,
    on_youtube,
    plan,
    record_history,
    restore,
    run_sync,
    wait_for_restore,
)
from tests.sync.world import items_on_youtube, sync_world, writes_landed


async def test_pause_resume_cancel_then_restore_again_completes_the_copy(
    dev_server_env: WorkflowEnvironment,
    database_url: str,
    tmp_path: Path,
    small_seed: dict[str, Any],
) -> None:
    async with sync_world(
        seed=small_seed, client=dev_server_env.client, database_url=database_url,
        data_dir=tmp_path / "data",
    ) as world:  # fmt: skip
        snapshot_id = await run_sync(world, SMALL_CATEGORIES, tmp_path)
        backup = await backed_up(world, snapshot_id)
        world.admin.set_faults(latency_ms=80)
        async with world.worker():
            first, handle = await restore(
                world, snapshot_id, parallel_playlists=1, writes_per_batch=2
            )
            await wait_for_restore(world, first, "progress >= 2")
            await handle.signal("pause")
            paused = await wait_for_restore(world, first, "pause_reason = 'user_paused'")
            assert paused["stage"] == "paused"
            await writes_landed(handle)
            before = items_on_youtube(world)
            await asyncio.sleep(1.0)  # a window for a write that should not come
            assert items_on_youtube(world) == before, "a write reached YouTube while paused"
            progress = await handle.query("progress", result_type=RestoreJobRecord)
            assert progress.pause_reason == "user_paused" and progress.stage == "paused"
            # What the Web UI and `temporal workflow metadata` show of it.
            metadata = await handle.query(
                "__temporal_workflow_metadata", result_type=WorkflowMetadata
            )
            assert metadata.current_details.startswith(f"**Paused (snapshot {snapshot_id})**"), (
                metadata.current_details
            )
            assert "paused by the user" in metadata.current_details

            await handle.signal("resume")
            # Cancelled while Beta is half done: its copy is left with some of its videos.
            await wait_for_restore(world, first, added_to("Beta", at_least=1))
            # The Update (the Signals above stay for scripts): it answers once the restore ended.
            ended = await handle.execute_update("cancel", result_type=RestoreJobRecord)
            assert ended.stage == "failed" and ended.completed_at is not None
            cancelled = await handle.result()
            await record_history(handle, "in_place_pause_resume_cancel")
        assert cancelled.stage == "failed"
        row = await world.pool.fetchrow("SELECT * FROM restore_jobs WHERE id = $1", first)
        assert row["cancelled_at"] is not None and row["completed_at"] is not None
        assert row["errors"][-1]["message"] == "cancelled by the user"
        assert row["results"]["itemsAdded"] < 10, "the cancel came too late to test anything"

        # Restoring again finishes the copy the cancelled restore left, not a second playlist.
        world.admin.set_faults(latency_ms=0)
        again = await plan(world, snapshot_id)
        continued = [
            p for p in again.playlists if p.target_playlist_id not in (None, p.youtube_playlist_id)
        ]
        assert [p.title for p in continued] == ["Beta"]
        assert continued[0].inserts < len(continued[0].video_ids)  # some are in
        async with world.worker():
            second, handle = await restore(world, snapshot_id)
            result = await handle.result()
        assert result.stage == "completed"
        now = on_youtube(world)  # one playlist per title
        for title in ("Alpha", "Beta"):
            assert available(now[title]) == as_restored(backup[title])
        assert now[continued[0].title]["id"] == continued[0].target_playlist_id
        # The preview's cost was the cost: the writes charged are exactly those it counted.
        assert again.quota_cost == await world.pool.fetchval(
            "SELECT sum(units) FROM quota_events WHERE restore_job_id = $1 AND units = 50", second
        )
        assert await world.ledger_units() == world.emulator_units()


def added_to(title: str, at_least: int) -> str:
    return f"""(SELECT count(*) FROM restore_items i
                JOIN restore_playlists p ON p.id = i.restore_playlist_id
                WHERE p.restore_job_id = restore_jobs.id AND p.title = '{title}'
                  AND i.status = 'completed') >= {at_least}"""
