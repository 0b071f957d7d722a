"""A sync deletes old playlists; restoring its snapshot brings each back as it was."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from tests.restore.conftest import (
    UNAVAILABLE,
    as_restored,
    available,
    backed_up,
    on_youtube,
    plan,
    restore,
    run_sync,
)
from tests.sync.conftest import CATEGORIES
from tests.sync.world import sync_world


async def test_restore_makes_youtube_the_snapshot_adopted_playlists_in_place(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with sync_world(
        seed=seed, client=dev_server_env.client, database_url=database_url,
        data_dir=tmp_path / "data",
    ) as world:  # fmt: skip
        snapshot_id = await run_sync(world, CATEGORIES, tmp_path)
        after_sync = on_youtube(world)
        backup = await backed_up(world, snapshot_id)
        assert sorted(set(backup) - set(after_sync)) == ["Dinners", "Guitar", "Misc", "Recipes"]
        before = {playlist["id"] for playlist in backup.values()}
        # Adopted by a category: renamed (kept playlists keep their titles).
        adopted = {
            t: p["id"]
            for t, p in after_sync.items()
            if p["id"] in before - {backup[t]["id"] for t in backup if t in after_sync}
        }
        made_by_sync = {t for t, p in after_sync.items() if p["id"] not in before}
        assert adopted and made_by_sync, (adopted, made_by_sync)

        planned = await plan(world, snapshot_id)
        assert {p.title for p in planned.playlists if p.in_place} == {
            t for t, p in backup.items() if p["id"] in adopted.values()
        }
        assert {p.title for p in planned.to_delete} == made_by_sync
        async with world.worker():
            # Small batches make a long history: the server suggests continue-as-new (at 300
            # events in tests) and the restore must roll over without losing its place.
            restore_job_id, handle = await restore(world, snapshot_id, writes_per_batch=1)
            result = await handle.result()
            latest = await world.client.get_workflow_handle(handle.id).describe()

        assert result.stage == "completed"
        assert latest.run_id != handle.first_execution_run_id, "it never continued as new"
        now = on_youtube(world)  # also checks that no title is there twice
        # YouTube is the snapshot: every playlist as it was, the adopted ones at their own ids,
        # the sync's own playlists gone.
        assert set(now) == set(backup)
        for title, playlist in backup.items():
            # (An unavailable video a playlist kept in place stays, as backed up.)
            assert available(now[title]) == as_restored(playlist), title
        for playlist in backup.values():
            if playlist["id"] in adopted.values():
                assert now[playlist["title"]]["id"] == playlist["id"], "made again, not in place"

        job = await world.pool.fetchrow("SELECT * FROM restore_jobs WHERE id = $1", restore_job_id)
        assert job["stage"] == "completed" and job["completed_at"] is not None
        assert job["results"]["playlistsFailed"] == job["results"]["itemsFailed"] == 0
        assert job["results"]["playlistsDeleted"] == len(made_by_sync)
        assert {e["entityId"] for e in job["errors"] if e["entityType"] == "video"} <= UNAVAILABLE
        # The ledger holds every unit YouTube counted; the writes are exactly those planned.
        assert await world.ledger_units() == world.emulator_units()
        writes = await world.pool.fetchval(
            "SELECT sum(units) FROM quota_events WHERE restore_job_id = $1 AND units = 50",
            restore_job_id,
        )
        assert writes == planned.quota_cost
        assert job["quota_used"] == result.quota_used >= writes

        # Restoring the same snapshot again finds nothing to do.
        again = await plan(world, snapshot_id)
        assert again.nothing_to_do and sorted(again.still_on_youtube) == sorted(backup)


async def test_no_video_of_the_snapshot_is_in_no_playlist_at_any_moment(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    """A video moving between playlists goes into its new one before it leaves the old one, so
    a pause, a cancel or a crash at any moment leaves every available video of the snapshot in
    at least one playlist. YouTube is sampled all through the restore."""
    async with sync_world(
        seed=seed, client=dev_server_env.client, database_url=database_url,
        data_dir=tmp_path / "data",
    ) as world:  # fmt: skip
        snapshot_id = await run_sync(world, CATEGORIES, tmp_path)
        backup = await backed_up(world, snapshot_id)
        videos = {v for p in backup.values() for v in p["items"]} - UNAVAILABLE
        homeless: list[set[str]] = []
        samples = 0

        async def sample() -> None:
            nonlocal samples
            while True:
                state = world.admin.state()["playlists"]
                held = {item["videoId"] for p in state for item in p["items"]}
                if videos - held:
                    homeless.append(videos - held)
                samples += 1
                await asyncio.sleep(0.02)

        async with world.worker():
            _, handle = await restore(world, snapshot_id, writes_per_batch=2)
            sampler = asyncio.ensure_future(sample())
            try:
                result = await handle.result()
            finally:
                sampler.cancel()
        assert result.stage == "completed"
        assert samples > 20, "too few samples to tell"
        assert not homeless, f"videos in no playlist during the restore: {homeless[0]}"
