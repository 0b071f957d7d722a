"""Workers SIGKILLed mid-sync, alone or beside another: YouTube still ends exactly right."""

from __future__ import annotations

import asyncio
import os
import random
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from playlist_sync.reconcile.assignment import Strategy
from tests.faults.checks import (
    ADDED,
    NECESSARY_WRITES,
    assert_ledger_bounds_after_crash,
    assert_report_matches,
    assert_youtube_matches,
    interrupted_units,
)
from tests.faults.processes import WorkerProcesses, identity_of
from tests.faults.scenario import wait_for_work, work_done
from tests.sync.conftest import CATEGORIES
from tests.sync.world import categorised_world

# Change it (or set PLAYLIST_SYNC_KILL_SEED) to kill at other points; a failure names it.
SEED = int(os.environ.get("PLAYLIST_SYNC_KILL_SEED", "20240611"))
FAST, SLOW = 25, 300  # ms the emulator takes to answer each call


async def test_worker_killed_in_each_stage_at_random_points_leaves_youtube_right(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    # One kill at a seeded random point of each writing stage. Work counts playlists made,
    # then videos added or skipped, then old playlists deleted; each stage begins once the one
    # before has done all of its work.
    rng = random.Random(SEED)
    adds_begin, deletes_begin = 3, 3 + ADDED + 2
    stages = [
        (0, rng.randint(1, 2), SLOW),
        (adds_begin, rng.randint(adds_begin + 3, deletes_begin - 1), FAST),
        (deletes_begin, rng.randint(deletes_begin + 1, NECESSARY_WRITES - 1), SLOW),
    ]
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, seed, categories=CATEGORIES, strategy=Strategy.RECREATE
    ) as world:  # fmt: skip
        world.admin.set_faults(latency_ms=FAST)
        with WorkerProcesses(world, tmp_path / "worker.log") as workers:
            worker = workers.start()
            # A killed worker's batch goes to the next one after the heartbeat timeout: 45 s
            # by default (above the HTTP timeout), 5 s here, where no call takes that long.
            job_id, handle = await world.start(heartbeat_seconds=5)
            killed_at: list[int] = []
            for begins, threshold, latency in stages:
                await wait_for_work(world, job_id, begins)
                # Slow writes where a stage has few: the kill lands with one in flight.
                world.admin.set_faults(latency_ms=latency)
                # Each kill after some new work, so that no kill hits a worker still starting.
                after = max([threshold, *(k + 1 for k in killed_at)])
                killed_at.append(await wait_for_work(world, job_id, after))
                workers.kill(worker)
                world.admin.set_faults(latency_ms=FAST)
                worker = workers.start()
            result = await handle.result()
        note = f"seed {SEED}: killed at writes {killed_at} (stages {stages})"
        assert result.stage == "completed", note
        assert_youtube_matches(world)
        await assert_ledger_bounds_after_crash(world)
        # A kill interrupts at most one call per playlist being filled (three categories).
        assert await interrupted_units(world) <= len(stages) * 3 * 50, note
        # What status says was done counts the killed attempts' work too.
        assert_report_matches(await world.job(job_id))


async def test_second_worker_finishes_the_sync_when_the_busy_one_is_killed(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, seed, categories=CATEGORIES, strategy=Strategy.RECREATE
    ) as world:  # fmt: skip
        world.admin.set_faults(latency_ms=FAST)
        with WorkerProcesses(world, tmp_path / "workers.log") as workers:
            first, second = workers.start(), workers.start()
            job_id, handle = await world.start(heartbeat_seconds=5)
            await world.wait_for(job_id, "stage = 'add_videos' AND current_stage_progress >= 20")
            # Kill the worker that holds the batches in flight (either may poll them).
            busy = None
            for _ in range(100):
                pending = (await handle.describe()).raw_description.pending_activities
                owners = [a.last_worker_identity for a in pending if a.last_worker_identity]
                busy = next(
                    (
                        w
                        for w in (first, second)
                        if any(o.startswith(identity_of(w)) for o in owners)
                    ),
                    None,
                )
                if busy is not None:
                    break
                await asyncio.sleep(0.05)
            assert busy is not None, "no batch in flight on either worker"
            before = await work_done(world, job_id)
            workers.kill(busy)
            survivor = second if busy is first else first
            result = await handle.result()
            assert survivor.poll() is None, "the surviving worker died too"
        assert result.stage == "completed"
        assert await work_done(world, job_id) > before
        assert_youtube_matches(world)
        await assert_ledger_bounds_after_crash(world)
        assert_report_matches(await world.job(job_id))
