"""What cannot be restored is reported, and the rest of the restore goes on; a playlist the user
deletes during the restore is made again, not reported "deleted during the restore"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from playlist_sync.starters.restore import create_restore, start_restore_workflow
from tests.restore.conftest import (
    ALPHA,
    SMALL_CATEGORIES,
    as_restored,
    available,
    backed_up,
    on_youtube,
    plan,
    run_sync,
)
from tests.sync.world import sync_world


async def test_an_unavailable_video_is_reported_and_a_vanished_playlist_is_made_again(
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
        alpha = backup["Alpha"]["id"]
        # The library does not know ALPHA[2] is deleted, and the adopted Alpha no longer holds
        # it: only YouTube's refusal of the insert tells.
        await world.pool.execute("UPDATE videos SET unavailable_reason = NULL")
        (playlist,) = [p for p in world.admin.state()["playlists"] if p["id"] == alpha]
        (item,) = [i for i in playlist["items"] if i["videoId"] == ALPHA[2]]
        await world.youtube.delete_playlist_item(item["id"])
        restore_plan = await plan(world, snapshot_id)
        assert restore_plan.unavailable_items == 0
        restore_job_id = await create_restore(world.pool, restore_plan)
        # Beta "was made" by an earlier attempt, then deleted by the user.
        await world.pool.execute(
            """UPDATE restore_playlists SET youtube_playlist_id = 'PLgone'
               WHERE restore_job_id = $1 AND title = 'Beta'""",
            restore_job_id,
        )
        async with world.worker():
            handle = await start_restore_workflow(
                world.client,
                world.pool,
                world.settings,
                restore_job_id,
                restore_plan,
            )
            result = await handle.result()

        assert result.stage == "completed"
        now = on_youtube(world)
        assert now["Alpha"]["id"] == alpha
        for title in ("Alpha", "Beta"):
            assert available(now[title]) == as_restored(backup[title]), title
        job = await world.pool.fetchrow("SELECT * FROM restore_jobs WHERE id = $1", restore_job_id)
        assert job["results"]["playlistsFailed"] == 0
        assert job["results"]["itemsSkipped"] + job["results"]["itemsFailed"] == 1
        reported = {(e["entityType"], e["entityId"]): e["message"] for e in job["errors"]}
        assert "in 'Alpha'" in reported[("video", ALPHA[2])], reported
        assert not any("deleted during the restore" in m for m in reported.values())
