"""Row 3 with faults: the quota a sync spends when 5% of calls answer 500/503 and 2% of
answers are lost after the call happened, and whether YouTube ends up exactly right."""

from __future__ import annotations

from bench.library import bench_library
from bench.measured import Faults, measured_sync
from bench.report import Row
from bench.stack import BenchStack
from bench.world import bench_world

FAULTS = Faults(error_rate=0.05, timeout_rate=0.02)


async def run(stack: BenchStack, quick: bool) -> list[Row]:
    library = bench_library(10, 20 if quick else 100)
    # Unpaced to save time: pacing changes when calls are made, not which.
    async with bench_world(stack, library, paced=False) as world:
        sync = await measured_sync(world, library, FAULTS)
    s = sync.spent
    # YouTube charges a call that answers 500/503, and the write must be made again.
    floor = library.necessary_units / (1 - FAULTS.error_rate)
    shape = f"{len(library.categories)} x {library.videos // len(library.categories)} videos"
    faults = f"errorRate {FAULTS.error_rate}, timeoutRate {FAULTS.timeout_rate}"
    return [
        Row(
            "3",
            "quota spent by the sync, with faults",
            f"{s.sync_units:,} units = {s.sync_units / library.necessary_units:.4f}x necessary",
            f"{shape}, {faults}, unpaced; necessary = {library.necessary_units:,}, and "
            f"≈{floor:,.0f} when {FAULTS.error_rate:.0%} of calls fail but are charged; "
            f"{s.sync_calls:,} calls ({s.sync_calls - s.sync_writes} reads); "
            f"YouTube's count - ledger's = {s.drift}; took {sync.run.seconds:.1f} s, "
            f"ended {sync.run.stage}",
        ),
        Row(
            "3",
            "final YouTube state vs categories, with faults",
            f"{sync.mismatches.total} mismatches",
            sync.mismatches.describe(),
        ),
    ]
