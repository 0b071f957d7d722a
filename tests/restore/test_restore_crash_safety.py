"""The crash windows of a restore: YouTube did the write, the database never heard of it.
The restore must find what was done instead of doing it twice."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from playlist_sync.restore.playlist_making import marker
from playlist_sync.starters.restore import create_restore, start_restore_workflow
from tests.restore.conftest import (
    SMALL_CATEGORIES,
    as_restored,
    available,
    backed_up,
    on_youtube,
    plan,
    restore,
    run_sync,
    wait_for_restore,
)
from tests.sync.world import sync_world


async def test_writes_made_before_a_crash_are_found_not_made_again(
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
        restore_plan = await plan(world, snapshot_id)
        restore_job_id = await create_restore(world.pool, restore_plan)  # no workflow yet
        rows = {
            row["title"]: row
            for row in await world.pool.fetch(
                "SELECT * FROM restore_playlists WHERE restore_job_id = $1", restore_job_id
            )
        }
        # Beta (gone): playlists.insert happened (with the restore's marker), its id never saved.
        beta = rows["Beta"]
        made = await world.youtube.create_youtube_playlist(
            "Beta", marker(restore_job_id, beta["id"]), "private"
        )
        await world.pool.execute(
            "UPDATE restore_playlists SET create_requested_at = now() WHERE id = $1", beta["id"]
        )
        # Alpha (adopted, edited back in place): the removal of a video the sync put in it
        # happened; its operation's intent was recorded, its outcome never.
        alpha = rows["Alpha"]
        (playlist,) = [
            p for p in world.admin.state()["playlists"] if p["id"] == alpha["youtube_playlist_id"]
        ]
        extra = next(i for i in playlist["items"] if i["videoId"] not in backup["Alpha"]["items"])
        await world.pool.execute(
            """INSERT INTO restore_operations (restore_playlist_id, operation, youtube_video_id,
                   youtube_item_id, intent_at)
               VALUES ($1, 'remove', $2, $3, now())""",
            alpha["id"],
            extra["videoId"],
            extra["id"],
        )
        await world.pool.execute(
            "UPDATE restore_playlists SET last_write_at = now() WHERE id = $1", alpha["id"]
        )
        await world.youtube.delete_playlist_item(extra["id"])

        async with world.worker():
            handle = await start_restore_workflow(
                world.client, world.pool, world.settings, restore_job_id, restore_plan
            )
            result = await handle.result()

        assert result.stage == "completed"
        now = on_youtube(world)  # one Alpha, one Beta
        assert now["Beta"]["id"] == made
        assert now["Alpha"]["id"] == alpha["youtube_playlist_id"]
        for title in ("Alpha", "Beta"):
            assert available(now[title]) == as_restored(backup[title])
        assert (
            await world.pool.fetchval(
                "SELECT youtube_playlist_id FROM restore_playlists WHERE id = $1", beta["id"]
            )
            == made
        )
        # The writes done "before the crash" were not paid for again: the restore paid for
        # the planned writes but those two only.
        charged = await world.pool.fetchval(
            "SELECT sum(units) FROM quota_events WHERE restore_job_id = $1 AND units = 50",
            restore_job_id,
        )
        assert charged == restore_plan.quota_cost - 2 * 50
        assert await world.ledger_units() == world.emulator_units()


async def test_worker_killed_mid_restore_leaves_youtube_exactly_right(
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
        world.admin.set_faults(latency_ms=40)
        log = tmp_path / "worker.log"
        worker = world.worker_process(log)
        try:
            restore_job_id, handle = await restore(
                world, snapshot_id, parallel_playlists=2, writes_per_batch=2, heartbeat_seconds=2
            )
            await wait_for_restore(world, restore_job_id, "progress >= 4")
            os.kill(worker.pid, signal.SIGKILL)  # no chance to record the write in flight
            worker.wait()
            worker = world.worker_process(log)
            result = await handle.result()
        finally:
            worker.kill()
            worker.wait()
        assert result.stage == "completed"
        now = on_youtube(world)  # one playlist per title
        for title in ("Alpha", "Beta"):
            assert available(now[title]) == as_restored(backup[title])
        # YouTube counted nothing the ledger missed; the ledger's extra units are only calls a
        # kill interrupted between the reservation and YouTube's answer.
        interrupted = await world.pool.fetchval(
            "SELECT COALESCE(sum(units), 0) FROM quota_events WHERE outcome IS NULL"
        )
        ledger, youtube = await world.ledger_units(), world.emulator_units()
        assert youtube <= ledger <= youtube + interrupted
