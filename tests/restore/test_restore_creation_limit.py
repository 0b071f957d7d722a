"""The creation limit holds for a restore as for a sync: YouTube refuses more than N new
playlists a window with 429, and such a refusal is never sent twice in one window; the restore
sleeps until the next window and makes the rest then (the playlists already there go on)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from tests.faults.untrustworthy import refusals_by_window
from tests.restore.conftest import as_restored, available, backed_up, on_youtube, restore, run_sync
from tests.sync.conftest import CATEGORIES
from tests.sync.world import sync_world


async def test_restore_makes_playlists_again_within_the_creation_limit(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with sync_world(
        seed=seed, client=dev_server_env.client, database_url=database_url,
        data_dir=tmp_path / "data", quota_reset="every:6s",
    ) as world:  # fmt: skip
        snapshot_id = await run_sync(world, CATEGORIES, tmp_path)
        backup = await backed_up(world, snapshot_id)
        gone = (
            set(backup)
            - set(on_youtube(world))
            - {
                t
                for t, p in backup.items()
                if p["id"] in {q["id"] for q in on_youtube(world).values()}
            }
        )
        assert len(gone) >= 2, gone
        # YouTube takes one new playlist a window; the app's own limit (10) does not know it.
        world.admin.set_faults(playlist_creates_per_window=1)
        async with world.worker():
            restore_job_id, handle = await restore(world, snapshot_id)
            result = await handle.result()

        assert result.stage == "completed", result.errors
        now = on_youtube(world)
        assert set(now) == set(backup)
        for title, playlist in backup.items():
            assert available(now[title]) == as_restored(playlist), title
        assert max(refusals_by_window(world)) <= 1, refusals_by_window(world)
        job = await world.pool.fetchrow("SELECT * FROM restore_jobs WHERE id = $1", restore_job_id)
        assert job["last_resumed_at"] is not None, "it never waited for the next window"
        assert await world.ledger_units() == world.emulator_units()
