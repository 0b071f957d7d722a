"""Restore on YouTube as it really answers (issue 20): writes answered with an error after they
landed, lists 3 s behind the writes, answers held back past the heartbeat timeout. Before the
restore ran on the sync's engine this left two playlists of one title (one empty, still
carrying the marker), duplicate items, items out of order, live playlists reported "deleted
during the restore", adopted playlists back as copies next to the originals, and the sync's own
playlists in place. Now YouTube ends exactly the snapshot, adopted playlists in place."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from playlist_sync.restore.models import RestoreJobRecord
from tests.faults.untrustworthy import LIST_LAG_MS, SLOW_WRITE_MS, SLOW_WRITE_RATE
from tests.restore.conftest import (
    SMALL_CATEGORIES,
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

SEED = 20
# Above the 5%, so that every kind of write (insert, move, delete, playlists.insert
# and update) meets an ambiguous answer in a restore of ~60 writes.
AMBIGUOUS_RATE = 0.15
WITHIN = 150  # seconds: "never hangs" (each unknown outcome waits out the lag allowance)
OPTIONS = {"lag_allowance_seconds": 4.0, "heartbeat_seconds": 5.0, "writes_per_batch": 10}


async def test_restore_under_ambiguous_answers_and_lag_leaves_exactly_the_snapshot(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with sync_world(
        seed=seed, client=dev_server_env.client, database_url=database_url,
        data_dir=tmp_path / "data",
    ) as world:  # fmt: skip
        snapshot_id = await run_sync(world, CATEGORIES, tmp_path)
        backup = await backed_up(world, snapshot_id)
        after_sync = on_youtube(world)
        backed_up_ids = {p["id"] for p in backup.values()}
        in_place = {t: p["id"] for t, p in backup.items() if p["id"] in {
            q["id"] for q in after_sync.values()}}  # fmt: skip
        world.admin.set_faults(
            ambiguous_rate=AMBIGUOUS_RATE,
            list_lag_ms=LIST_LAG_MS,
            slow_write_rate=SLOW_WRITE_RATE,
            slow_write_ms=SLOW_WRITE_MS,
            seed=SEED,
        )
        async with world.worker():
            restore_job_id, handle = await restore(world, snapshot_id, **OPTIONS)
            try:
                result: RestoreJobRecord = await asyncio.wait_for(handle.result(), WITHIN)
            except TimeoutError:
                raise AssertionError(f"the restore did not end within {WITHIN} s") from None
        world.admin.set_faults(ambiguous_rate=0, list_lag_ms=0, slow_write_rate=0)

        assert result.stage == "completed", result.errors
        now = on_youtube(world)  # fails on two playlists of one title
        assert set(now) == set(backup), "a playlist too many or missing"
        for title, playlist in backup.items():
            assert available(now[title]) == as_restored(playlist), title  # no duplicate, in order
        for title, playlist_id in in_place.items():
            assert now[title]["id"] == playlist_id, f"{title!r} came back as a copy"
        assert all(p["id"] in backed_up_ids or p["id"] not in after_sync for p in now.values())
        assert not any("(playlist-sync" in p["description"] for p in now.values())
        messages = [e.message for e in result.errors]
        assert not any("deleted during the restore" in m for m in messages), messages
        assert result.results.items_failed == result.results.playlists_failed == 0
        # Every call YouTube charged is in the ledger, answered or not.
        assert await world.ledger_units() == world.emulator_units()
        # Nothing left to do: a new plan finds YouTube as the snapshot.
        assert (await plan(world, snapshot_id)).nothing_to_do
        ambiguous = await world.pool.fetchval(
            """SELECT count(*) FROM quota_events
               WHERE restore_job_id = $1 AND units = 50 AND outcome <> 'ok'""",
            restore_job_id,
        )
        assert ambiguous, "no write met an error answer: the scenario tested nothing"


async def test_keep_new_keeps_the_playlists_syncs_made(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with sync_world(
        seed=seed, client=dev_server_env.client, database_url=database_url,
        data_dir=tmp_path / "data",
    ) as world:  # fmt: skip
        snapshot_id = await run_sync(world, CATEGORIES, tmp_path)
        backup = await backed_up(world, snapshot_id)
        made = {t: p for t, p in on_youtube(world).items() if p["id"] not in {
            q["id"] for q in backup.values()}}  # fmt: skip
        assert made
        planned = await plan(world, snapshot_id, keep_new=True)
        assert planned.to_delete == [] and planned.keep_new
        async with world.worker():
            _, handle = await restore(world, snapshot_id, keep_new=True)
            result = await handle.result()
        assert result.stage == "completed"
        now = on_youtube(world)
        assert set(now) == set(backup) | set(made)
        assert {t: now[t] for t in made} == made, "a playlist the sync made was touched"
        for title, playlist in backup.items():
            assert available(now[title]) == as_restored(playlist), title


async def test_every_write_answered_with_an_error_after_it_landed(
    dev_server_env: WorkflowEnvironment,
    database_url: str,
    tmp_path: Path,
    small_seed: dict[str, Any],
) -> None:
    """The re-made playlist's insert, its snippet, its videos and the adopted playlist's
    removals all land and all answer 5xx (409 for item inserts), with lists 3 s behind: each
    is found by a read late enough, none is sent twice, no playlist is made twice."""
    async with sync_world(
        seed=small_seed, client=dev_server_env.client, database_url=database_url,
        data_dir=tmp_path / "data",
    ) as world:  # fmt: skip
        snapshot_id = await run_sync(world, SMALL_CATEGORIES, tmp_path)
        backup = await backed_up(world, snapshot_id)
        planned = await plan(world, snapshot_id)
        world.admin.set_faults(ambiguous_rate=1.0, list_lag_ms=LIST_LAG_MS, seed=SEED)
        async with world.worker():
            restore_job_id, handle = await restore(world, snapshot_id, **OPTIONS)
            try:
                result: RestoreJobRecord = await asyncio.wait_for(handle.result(), WITHIN)
            except TimeoutError:
                raise AssertionError(f"the restore did not end within {WITHIN} s") from None
        world.admin.set_faults(ambiguous_rate=0, list_lag_ms=0)

        assert result.stage == "completed", result.errors
        now = on_youtube(world)  # fails on two playlists titled Beta
        assert set(now) == {"Alpha", "Beta", "Gamma"}
        assert now["Alpha"]["id"] == backup["Alpha"]["id"]
        for title in ("Alpha", "Beta"):
            assert available(now[title]) == as_restored(backup[title]), title
        assert not any("(playlist-sync" in p["description"] for p in now.values())
        # Every write was sent once: the planned ones, none again.
        writes = await world.pool.fetchval(
            "SELECT count(*) FROM quota_events WHERE restore_job_id = $1 AND units = 50",
            restore_job_id,
        )
        assert writes * 50 == planned.quota_cost
        assert await world.ledger_units() == world.emulator_units()
