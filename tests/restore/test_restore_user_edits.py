"""The user edits YouTube between the restore's plan and its batches (renames the adopted
playlist, deletes an item, moves one, adds a video): each batch plans from a read of the
playlist, so the restore still ends with YouTube exactly the snapshot, without a refused write
sent again or a duplicate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from playlist_sync.starters.restore import create_restore, start_restore_workflow
from tests.restore.conftest import (
    ALPHA,
    BETA,
    SMALL_CATEGORIES,
    as_restored,
    available,
    backed_up,
    on_youtube,
    plan,
    run_sync,
)
from tests.sync.world import sync_world


async def test_edits_after_the_plan_are_planned_around(
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
        restore_plan = await plan(world, snapshot_id)
        restore_job_id = await create_restore(world.pool, restore_plan)

        # The user, after the plan: Alpha (adopted, "Everything") renamed again, its first
        # video deleted, its last one moved to the top, one of Gamma's videos added to it.
        yt = world.youtube
        await yt.update_playlist(alpha, "Mine now", "", "private")
        items = {i["videoId"]: i["id"] for p in world.admin.state()["playlists"]
                 if p["id"] == alpha for i in p["items"]}  # fmt: skip
        await yt.delete_playlist_item(items[ALPHA[0]])
        await yt.move_playlist_item(items[BETA[-1]], alpha, BETA[-1], 0)
        await yt.add_video_to_playlist(alpha, "gam000000000")

        async with world.worker():
            handle = await start_restore_workflow(
                world.client, world.pool, world.settings, restore_job_id, restore_plan
            )
            result = await handle.result()

        assert result.stage == "completed", result.errors
        now = on_youtube(world)
        assert set(now) == {"Alpha", "Beta", "Gamma"} and now["Alpha"]["id"] == alpha
        for title in ("Alpha", "Beta"):
            assert available(now[title]) == as_restored(backup[title]), title
        refused = await world.pool.fetchval(
            """SELECT count(*) FROM restore_operations o JOIN restore_playlists p
                   ON p.id = o.restore_playlist_id
               WHERE p.restore_job_id = $1 AND o.error_message LIKE 'refused:%'""",
            restore_job_id,
        )
        assert refused == 0
        assert await world.ledger_units() == world.emulator_units()
