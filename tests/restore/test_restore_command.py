"""`starter.py restore`: the cost shown before anything starts, and the contract's exit codes."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from playlist_sync.cli.app import main
from tests.restore.conftest import (
    SMALL_CATEGORIES,
    as_restored,
    available,
    backed_up,
    on_youtube,
    run_sync,
)
from tests.sync.world import SyncWorld, sync_world


class Cli:
    """`starter.py` in this process, on the world's configuration (in a thread: it runs its
    own event loop, as it does from the shell)."""

    def __init__(self, world: SyncWorld, capsys: pytest.CaptureFixture[str]) -> None:
        self.environment = world.environment()
        self.capsys = capsys

    async def __call__(self, *args: str) -> tuple[int, str, str]:
        with pytest.MonkeyPatch.context() as env:
            for name, value in self.environment.items():
                env.setenv(name, value)
            self.capsys.readouterr()
            code = await asyncio.to_thread(main, ["restore", *args])
            out, err = self.capsys.readouterr()
        return code, out, err


async def test_restore_command_previews_then_starts_and_refuses_clearly(
    dev_server_env: WorkflowEnvironment,
    database_url: str,
    tmp_path: Path,
    small_seed: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with sync_world(
        seed=small_seed, client=dev_server_env.client, database_url=database_url,
        data_dir=tmp_path / "data",
    ) as world:  # fmt: skip
        snapshot_id = await run_sync(world, SMALL_CATEGORIES, tmp_path)
        restore = Cli(world, capsys)

        for bad, reason in (("abc", "positive number"), ("0", "positive number")):
            code, out, err = await restore(bad)
            assert (code, out) == (2, "") and reason in err and err.count("\n") == 1
        code, out, err = await restore(str(snapshot_id + 1))
        assert code == 2 and out == ""
        assert (
            err
            == f"error: no backup snapshot {snapshot_id + 1}; the snapshots are: {snapshot_id}\n"
        )

        # The preview: what is edited back in place, what is made again, what is skipped, and
        # the cost, before anything runs. The sync adopted Alpha (renamed it "Everything" and
        # put Beta's videos in it) and deleted Beta.
        alpha = (await backed_up(world, snapshot_id))["Alpha"]["id"]
        code, out, err = await restore(str(snapshot_id), "--dry-run")
        assert code == 0, err
        assert "2 are not on YouTube as they were" in out and "left alone: 'Gamma'" in out
        assert (
            f"'Alpha'  public   in place ({alpha}): title, description and privacy set back,"
            " 5 removed (1 unavailable, skipped)"
        ) in out
        assert "'Beta'   unlisted made again: 2 playlist writes, 5 videos" in out
        assert "skipped in 'Alpha': alp000000002 (video deleted)" in out
        # Alpha: 1 update + 5 removals; Beta: 2 playlist writes + 5 inserts = 13 writes.
        assert "Cost: 13 writes, 50 units each = 650 units, about 1 day " in out
        assert "Dry run" in out
        assert await world.pool.fetchval("SELECT count(*) FROM restore_jobs") == 0

        # Refused while a sync is active: the sync could delete what the restore makes.
        sync = await world.pool.fetchval("INSERT INTO sync_jobs DEFAULT VALUES RETURNING id")
        code, out, err = await restore(str(snapshot_id))
        assert code == 2 and f"sync {sync} is still active" in err and err.count("\n") == 1
        await world.pool.execute("UPDATE sync_jobs SET completed_at = now() WHERE id = $1", sync)

        async with world.worker():
            code, out, err = await restore(str(snapshot_id), "--json", "--follow")
        assert code == 0, err
        answer = json.loads(out)
        assert answer["playlists"] == 2 and answer["items"] == 5 and answer["quotaCost"] == 650
        assert answer["inPlace"] == 1 and answer["toDelete"] == 0
        assert answer["workflowId"] == f"playlist-restore-{answer['restoreJobId']}"
        assert answer["stage"] == "completed"
        assert answer["results"]["itemsAdded"] == 5 and answer["quotaUsed"] >= 650
        backup = await backed_up(world, snapshot_id)
        now = on_youtube(world)
        assert set(now) == {"Alpha", "Beta", "Gamma"} and now["Alpha"]["id"] == alpha
        for title in ("Alpha", "Beta"):
            assert available(now[title]) == as_restored(backup[title])

        # Everything is back: nothing to do, and no job or workflow for it.
        code, out, err = await restore(str(snapshot_id))
        assert code == 0, err
        assert (
            f"Nothing to restore: YouTube holds every playlist of snapshot {snapshot_id} as it was."
        ) in out
        code, out, err = await restore(str(snapshot_id), "--json")
        assert code == 0 and json.loads(out) == {
            "restoreJobId": None, "workflowId": None, "playlists": 0, "inPlace": 0,
            "toDelete": 0, "items": 0, "quotaCost": 0, "unavailableItems": 0,
            "estimatedWindows": 0,
        }  # fmt: skip
        assert await world.pool.fetchval("SELECT count(*) FROM restore_jobs") == 1
