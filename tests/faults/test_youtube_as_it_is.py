"""The fault scenarios on YouTube as it really answers: writes that land despite an error, lists
that trail the writes, answers held back past the heartbeat timeout, and a limit on new
playlists. Each must end with YouTube exactly as the categories say, with at most one refused
playlists.insert per quota window."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from playlist_sync.reconcile.assignment import Strategy
from tests.faults.checks import assert_youtube_matches
from tests.faults.processes import WorkerProcesses
from tests.faults.scenario import (
    SMALL_CATEGORIES,
    SMALL_EXPECTED,
    SMALL_SEED,
    wait_for_work,
)
from tests.faults.untrustworthy import (
    AMBIGUOUS_RATE,
    CREATES_PER_WINDOW,
    HEARTBEAT,
    LAG_ALLOWANCE,
    LIST_LAG_MS,
    SLOW_WRITE_MS,
    SLOW_WRITE_RATE,
    Trouble,
    finished,
    refusals_by_window,
)
from tests.sync.conftest import CATEGORIES
from tests.sync.world import categorised_world

SEED = 11
WITHIN = 90  # seconds: a bound for "never hangs" (every unknown outcome waits out the lag)
WINDOW = 6  # seconds: QUOTA_RESET=every:6s for the creation limit


async def _sync_under(
    trouble: Trouble,
    env: WorkflowEnvironment,
    database_url: str,
    tmp_path: Path,
    seed: dict[str, Any],
    strategy: Strategy,
    **options: float,
) -> None:
    async with categorised_world(
        env.client, database_url, tmp_path, seed, categories=CATEGORIES, strategy=strategy
    ) as world:
        trouble.apply(world, SEED)
        async with world.worker():
            _, handle = await world.start(**LAG_ALLOWANCE, **options)
            result = await finished(handle, WITHIN)
        assert result.stage == "completed"
        assert_youtube_matches(world)


@pytest.mark.timeout(150)
async def test_writes_that_land_despite_an_error(
    dev_server_env: WorkflowEnvironment,
    database_url: str,
    tmp_path: Path,
    seed: dict[str, Any],
    strategy: Strategy,
) -> None:
    trouble = Trouble(ambiguous_rate=AMBIGUOUS_RATE)
    await _sync_under(trouble, dev_server_env, database_url, tmp_path, seed, strategy)


@pytest.mark.timeout(150)
async def test_lists_that_trail_the_writes(
    dev_server_env: WorkflowEnvironment,
    database_url: str,
    tmp_path: Path,
    seed: dict[str, Any],
    strategy: Strategy,
) -> None:
    # Errors too, so that the sync has writes to check by reading back.
    trouble = Trouble(list_lag_ms=LIST_LAG_MS, knobs={"error_rate": 0.05, "timeout_rate": 0.02})
    await _sync_under(trouble, dev_server_env, database_url, tmp_path, seed, strategy)


@pytest.mark.timeout(150)
async def test_answers_held_past_the_heartbeat_timeout(
    dev_server_env: WorkflowEnvironment,
    database_url: str,
    tmp_path: Path,
    seed: dict[str, Any],
    strategy: Strategy,
) -> None:
    trouble = Trouble(slow_write_rate=SLOW_WRITE_RATE, slow_write_ms=SLOW_WRITE_MS)
    await _sync_under(trouble, dev_server_env, database_url, tmp_path, seed, strategy, **HEARTBEAT)


async def _limited_sync(env: WorkflowEnvironment, database_url: str, tmp_path: Path) -> list[int]:
    """The small library (4 playlists to make) with 3 new playlists allowed per window."""
    async with categorised_world(
        env.client, database_url, tmp_path, SMALL_SEED, categories=SMALL_CATEGORIES,
        quota_reset=f"every:{WINDOW}s", strategy=Strategy.RECREATE,
    ) as world:  # fmt: skip
        world.admin.set_faults(playlist_creates_per_window=CREATES_PER_WINDOW)
        async with world.worker():
            # Start early in a window: the refusal comes with most of the window still to go,
            # which is when a client that does not wait for the next one shows it.
            await asyncio.sleep(WINDOW - time.time() % WINDOW + 0.05)
            _, handle = await world.start()
            result = await finished(handle, WITHIN)
        assert result.stage == "completed"
        assert_youtube_matches(world, SMALL_EXPECTED)
        return refusals_by_window(world)


@pytest.mark.timeout(150)
async def test_more_playlists_than_a_window_allows_are_made_in_the_next(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    refusals = await _limited_sync(dev_server_env, database_url, tmp_path)
    assert sum(refusals) >= 1, "the limit was never met: the scenario proves nothing"


@pytest.mark.timeout(150)
async def test_a_refused_creation_is_not_retried_within_the_window(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    refusals = await _limited_sync(dev_server_env, database_url, tmp_path)
    assert max(refusals) <= 1, f"429s per window: {refusals}"


@pytest.mark.timeout(150)
async def test_workers_killed_on_youtube_as_it_is(
    dev_server_env: WorkflowEnvironment,
    database_url: str,
    tmp_path: Path,
    seed: dict[str, Any],
    strategy: Strategy,
) -> None:
    """Every behaviour at once at the issue's strength (a write in a hundred answered only
    after 45 s, past the HTTP timeout), and the worker SIGKILLed twice while it adds videos:
    YouTube ends exactly right, at most one 429 a window, nothing deleted that was unsafe."""
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, seed, categories=CATEGORIES,
        strategy=strategy,
        quota_reset=f"every:{WINDOW}s",
    ) as world:  # fmt: skip
        Trouble(
            ambiguous_rate=AMBIGUOUS_RATE,
            list_lag_ms=LIST_LAG_MS,
            slow_write_rate=0.01,
            slow_write_ms=45_000,
            knobs={"playlist_creates_per_window": 2, "latency_ms": 20},
        ).apply(world, SEED)
        with WorkerProcesses(world, tmp_path / "workers.log") as workers:
            worker = workers.start()
            job_id, handle = await world.start(**LAG_ALLOWANCE, **HEARTBEAT)
            # 3 playlists made (or adopted), then some of the edits (recreate: ~80, reuse: ~25)
            for at_least in (3 + 10, 3 + 40) if strategy is Strategy.RECREATE else (3 + 5, 3 + 15):
                await wait_for_work(world, job_id, at_least)
                workers.kill(worker)
                worker = workers.start()
            result = await finished(handle, 120)
        assert result.stage == "completed"
        assert_youtube_matches(world)
        assert max(refusals_by_window(world), default=0) <= 1
        job = await world.job(job_id)
        assert not [e for e in job["errors"] if " kept: " in e["message"]]
