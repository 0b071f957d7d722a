"""What cannot be restored is reported, and the rest of the restore goes on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from playlist_sync.starters.restore import create_restore, start_restore_workflow
from tests.restore.conftest import (
    ALPHA,
    SMALL_CATEGORIES,
    as_restored,
    backed_up,
    on_youtube,
    plan,
    run_sync,
)
from tests.sync.world import sync_world


async def test_unknown_unavailable_video_is_skipped_and_a_vanished_copy_fails_alone(
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
        # The library does not know ALPHA[2] is deleted: only YouTube's refusal tells.
        await world.pool.execute("UPDATE videos SET unavailable_reason = NULL")
        restore_plan = await plan(world, snapshot_id)
        assert restore_plan.unavailable_items == 0
        restore_job_id = await create_restore(world.pool, restore_plan)
        # Beta's copy "was made", then deleted by the user before its videos went in.
        await world.pool.execute(
            """UPDATE restore_playlists SET youtube_playlist_id = 'PLgone', described_at = now()
               WHERE restore_job_id = $1 AND title = 'Beta'""",
            restore_job_id,
        )
        async with world.worker():
            handle = await start_restore_workflow(
                world.client, world.pool, world.settings, restore_job_id, restore_plan
            )
            result = await handle.result()

        assert result.stage == "completed"
        now = on_youtube(world)
        assert {k: v for k, v in now["Alpha"].items() if k != "id"} == as_restored(backup["Alpha"])
        assert "Beta" not in now
        job = await world.pool.fetchrow("SELECT * FROM restore_jobs WHERE id = $1", restore_job_id)
        assert job["results"] == {
            "playlistsRestored": 1,
            "playlistsFailed": 1,
            "itemsAdded": 5,
            "itemsSkipped": 1,
            "itemsFailed": 5,
        }
        reported = {(e["entityType"], e["entityId"]): e["message"] for e in job["errors"]}
        assert reported[("video", ALPHA[2])].startswith("skipped: ")
        assert "'Beta' deleted during the restore" in reported[("playlist", backup["Beta"]["id"])]
