"""Temporal or Postgres goes away mid-sync and comes back: the sync finishes by itself, right."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from playlist_sync.db.connection import ensure_database, with_database
from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.stack.app_database import APP_DATABASE
from tests.faults.checks import (
    ADDED,
    assert_ledger_bounds_after_crash,
    assert_report_matches,
    assert_youtube_matches,
)
from tests.faults.processes import WorkerProcesses, own_dev_server, own_postgres, postgres
from tests.sync.conftest import CATEGORIES
from tests.sync.world import categorised_world

DOWN_SECONDS = 3


async def test_temporal_restarted_mid_add_videos_keeps_the_workflow_and_finishes_it(
    database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with own_dev_server(tmp_path / "temporal") as server:
        client = await server.client()
        async with categorised_world(
            client, database_url, tmp_path, seed, categories=CATEGORIES, strategy=Strategy.RECREATE
        ) as world:
            world.admin.set_faults(latency_ms=25)
            with WorkerProcesses(world, tmp_path / "worker.log") as workers:
                worker = workers.start()
                job_id, handle = await world.start()
                await world.wait_for(
                    job_id, "stage = 'add_videos' AND current_stage_progress >= 10"
                )
                await server.stop()
                stopped_at = (await world.job(job_id))["current_stage_progress"]
                await asyncio.sleep(DOWN_SECONDS)
                await server.start()  # same port, same SQLite file
                result = await handle.result()
                assert worker.poll() is None, "the worker gave up while Temporal was away"
            assert result.stage == "completed"
            job = await world.job(job_id)
            assert job["stage"] == "completed"
            assert_youtube_matches(world)
            await assert_ledger_bounds_after_crash(world)
            # The completions the worker could not deliver meanwhile did not skew the report.
            assert stopped_at < ADDED
            assert_report_matches(job)


async def test_postgres_restarted_mid_add_videos_and_the_sync_finishes_right(
    dev_server_env: WorkflowEnvironment, tmp_path: Path, seed: dict[str, Any]
) -> None:
    with own_postgres() as (pgdata, server_url):
        await ensure_database(server_url, APP_DATABASE)
        database_url = with_database(server_url, APP_DATABASE)
        async with categorised_world(
            dev_server_env.client, database_url, tmp_path, seed, categories=CATEGORIES, strategy=Strategy.RECREATE
        ) as world:  # fmt: skip
            # Its own database starts at sync 1: keep clear of the ids of the shared server's
            # other syncs (tests/conftest.py numbers those in thousands).
            await world.pool.execute("ALTER SEQUENCE sync_jobs_id_seq RESTART WITH 900001")
            world.admin.set_faults(latency_ms=25)
            with WorkerProcesses(world, tmp_path / "worker.log") as workers:
                worker = workers.start()
                job_id, handle = await world.start()
                await world.wait_for(
                    job_id, "stage = 'add_videos' AND current_stage_progress >= 10"
                )
                await asyncio.to_thread(postgres, "stop", pgdata)
                on_youtube = sum(len(p["items"]) for p in world.admin.state()["playlists"])
                await asyncio.sleep(DOWN_SECONDS)
                # While Postgres is away nothing is written: every write is booked there first.
                assert sum(len(p["items"]) for p in world.admin.state()["playlists"]) <= (
                    on_youtube + 3
                )
                await asyncio.to_thread(postgres, "start", pgdata)
                await world.pool.expire_connections()
                result = await handle.result()
                assert worker.poll() is None, "the worker gave up while Postgres was away"
            assert result.stage == "completed"
            assert (await world.job(job_id))["stage"] == "completed"
            assert_youtube_matches(world)
            await assert_ledger_bounds_after_crash(world)
            assert_report_matches(await world.job(job_id))
