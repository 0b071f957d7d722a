"""The crash windows of a restore: YouTube did the write, the database never heard of it.
The restore must find what was done instead of doing it twice."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from playlist_sync.restore.recreation import marker
from playlist_sync.starters.restore import create_restore, start_restore_workflow
from tests.restore.conftest import (
    SMALL_CATEGORIES,
    as_restored,
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
        # Alpha: playlists.insert happened (with the restore's marker), its id was never saved.
        alpha = rows["Alpha"]
        made = await world.youtube.create_youtube_playlist(
            "Alpha", marker(restore_job_id, alpha["id"]), "private"
        )
        await world.pool.execute(
            "UPDATE restore_playlists SET create_requested_at = now() WHERE id = $1", alpha["id"]
        )
        # Beta: recreated and recorded; its first video's insert happened, unrecorded.
        beta = rows["Beta"]
        beta_id = await world.youtube.create_youtube_playlist(
            "Beta", beta["description"], beta["privacy_status"]
        )
        await world.pool.execute(
            """UPDATE restore_playlists SET youtube_playlist_id = $2, described_at = now()
               WHERE id = $1""",
            beta["id"],
            beta_id,
        )
        first = await world.pool.fetchrow(
            """SELECT id, youtube_video_id FROM restore_items
               WHERE restore_playlist_id = $1 ORDER BY position LIMIT 1""",
            beta["id"],
        )
        item_id = await world.youtube.add_video_to_playlist(beta_id, first["youtube_video_id"])
        await world.pool.execute(
            "UPDATE restore_items SET insert_started_at = now() WHERE id = $1", first["id"]
        )

        async with world.worker():
            handle = await start_restore_workflow(
                world.client, world.pool, world.settings, restore_job_id, restore_plan
            )
            result = await handle.result()

        assert result.stage == "completed"
        now = on_youtube(world)  # one Alpha, one Beta
        assert now["Alpha"]["id"] == made
        for title in ("Alpha", "Beta"):
            assert {k: v for k, v in now[title].items() if k != "id"} == as_restored(backup[title])
        assert (
            await world.pool.fetchval(
                "SELECT youtube_item_id FROM restore_items WHERE id = $1", first["id"]
            )
            == item_id
        )
        assert (
            await world.pool.fetchval(
                "SELECT youtube_playlist_id FROM restore_playlists WHERE id = $1", alpha["id"]
            )
            == made
        )
        # The writes done "before the crash" were not paid for again.
        added = len(as_restored(backup["Alpha"])["items"]) + len(
            as_restored(backup["Beta"])["items"]
        )
        charged = await world.pool.fetchval(
            "SELECT sum(units) FROM quota_events WHERE restore_job_id = $1 AND units = 50",
            restore_job_id,
        )
        # Four writes were made "before the crash": Alpha's insert, Beta's insert and snippet,
        # Beta's first video. The restore paid for the rest only.
        assert charged == 50 * (2 * 2 + added - 4)
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
            assert {k: v for k, v in now[title].items() if k != "id"} == as_restored(backup[title])
        # YouTube counted nothing the ledger missed; the ledger's extra units are only calls a
        # kill interrupted between the reservation and YouTube's answer.
        interrupted = await world.pool.fetchval(
            "SELECT COALESCE(sum(units), 0) FROM quota_events WHERE outcome IS NULL"
        )
        ledger, youtube = await world.ledger_units(), world.emulator_units()
        assert youtube <= ledger <= youtube + interrupted
