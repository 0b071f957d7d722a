"""A sync deletes old playlists; restoring its snapshot brings each back as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from tests.restore.conftest import (
    UNAVAILABLE,
    as_restored,
    backed_up,
    on_youtube,
    plan,
    restore,
    run_sync,
)
from tests.sync.conftest import CATEGORIES
from tests.sync.world import sync_world


async def test_restore_brings_back_what_the_sync_deleted(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with sync_world(
        seed=seed, client=dev_server_env.client, database_url=database_url,
        data_dir=tmp_path / "data",
    ) as world:  # fmt: skip
        snapshot_id = await run_sync(world, CATEGORIES, tmp_path)
        after_sync = on_youtube(world)
        backup = await backed_up(world, snapshot_id)
        deleted = sorted(set(backup) - set(after_sync))
        assert deleted == ["Dinners", "Guitar", "Misc", "Recipes"]

        async with world.worker():
            # Small batches make a long history: the server suggests continue-as-new (at 300
            # events in tests) and the restore must roll over without losing its place.
            restore_job_id, handle = await restore(world, snapshot_id, writes_per_batch=1)
            result = await handle.result()
            latest = await world.client.get_workflow_handle(handle.id).describe()

        assert result.stage == "completed"
        assert latest.run_id != handle.first_execution_run_id, "it never continued as new"
        now = on_youtube(world)  # also checks that no title is there twice
        for title in deleted:
            assert {k: v for k, v in now[title].items() if k != "id"} == as_restored(backup[title])
        # What the sync made or kept is untouched, and nothing else appeared.
        assert {t: now[t] for t in after_sync} == after_sync
        assert set(now) == set(after_sync) | set(deleted)

        job = await world.pool.fetchrow("SELECT * FROM restore_jobs WHERE id = $1", restore_job_id)
        added = sum(len(as_restored(backup[t])["items"]) for t in deleted)
        assert job["stage"] == "completed" and job["completed_at"] is not None
        assert job["results"] == {
            "playlistsRestored": 4,
            "playlistsFailed": 0,
            "itemsAdded": added,
            "itemsSkipped": 2,
            "itemsFailed": 0,
        }
        assert {e["entityId"] for e in job["errors"] if e["entityType"] == "video"} == UNAVAILABLE
        # The ledger holds every unit YouTube counted, and the restore's share is its own:
        # two writes per playlist (insert, then update replacing the marker) and one per video.
        assert await world.ledger_units() == world.emulator_units()
        charged = await world.pool.fetchval(
            "SELECT sum(units) FROM quota_events WHERE restore_job_id = $1", restore_job_id
        )
        assert job["quota_used"] == charged == 50 * (2 * 4 + added)
        assert result.quota_used == charged

        # Restoring the same snapshot again finds nothing to do: the copies are on YouTube.
        again = await plan(world, snapshot_id)
        assert again.playlists == [] and sorted(again.still_on_youtube) == sorted(backup)
