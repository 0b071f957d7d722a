"""One sync, start to end, and everything the table reports about it afterwards."""

from __future__ import annotations

from dataclasses import dataclass

from bench.history import HistoryStats, history_of
from bench.ledger import Spent, spent
from bench.library import BenchLibrary, Mismatches, compare
from bench.timeline import Timeline, timeline
from bench.world import BenchWorld, SyncRun


@dataclass(frozen=True)
class MeasuredSync:
    run: SyncRun
    history: HistoryStats
    spent: Spent
    mismatches: Mismatches
    timeline: Timeline


@dataclass(frozen=True)
class Faults:
    latency_ms: int = 0
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    # YouTube's answers you cannot trust (the emulator's knobs of the same names).
    ambiguous_rate: float = 0.0
    list_lag_ms: int = 0
    slow_write_rate: float = 0.0
    slow_write_ms: int = 0


async def measured_sync(
    world: BenchWorld, library: BenchLibrary, faults: Faults, *, within: float = 900
) -> MeasuredSync:
    """Import and apply the categories (untimed, without faults), then time a sync under
    `faults` with an in-process worker and read back its history, quota and YouTube's state."""
    await world.prepare(library)
    # A fixed seed: the same sequence of draws each run (which call meets it still varies).
    world.admin.set_faults(
        latency_ms=faults.latency_ms,
        error_rate=faults.error_rate,
        timeout_rate=faults.timeout_rate,
        ambiguous_rate=faults.ambiguous_rate,
        list_lag_ms=faults.list_lag_ms,
        slow_write_rate=faults.slow_write_rate,
        slow_write_ms=faults.slow_write_ms,
        seed=7,
    )
    async with world.worker():
        run = await world.sync(within)
    # Off again, so that what is read back below is YouTube as it is, not as it was.
    world.admin.set_faults(
        latency_ms=0, error_rate=0, timeout_rate=0, ambiguous_rate=0, list_lag_ms=0,
        slow_write_rate=0,
    )  # fmt: skip
    return MeasuredSync(
        run=run,
        history=await history_of(world.client, run.workflow_id, run.first_run_id),
        spent=await spent(world, run.job_id),
        mismatches=compare(world.state(), library),
        timeline=await timeline(world.pool, run.job_id),
    )
