"""Rows 1-3 without faults: a sync of 10 categories x 100 videos with 50 ms API latency against
a plain script making the same writes one by one with the same YouTubeClient.

Measured twice: with the client paced as build_worker's is (RateLimiter's default safety cap of 100 writes
per second for the whole worker), and unpaced, which shows what the workflow itself costs.
"""

from __future__ import annotations

from bench.library import BenchLibrary, bench_library
from bench.measured import Faults, MeasuredSync, measured_sync
from bench.report import Row
from bench.sequential import sequential_sync
from bench.stack import BenchStack
from bench.world import bench_world

LATENCY = Faults(latency_ms=50)


async def run(stack: BenchStack, quick: bool) -> list[Row]:
    library = bench_library(10, 20 if quick else 100)
    shape = (
        f"{len(library.categories)} categories x {library.videos // len(library.categories)} "
        f"videos, {LATENCY.latency_ms} ms API latency, quota to spare"
    )
    rows: list[Row] = []
    for paced in (True, False):
        async with bench_world(stack, library, paced=paced) as world:
            sync = await measured_sync(world, library, LATENCY)
        async with bench_world(stack, library, paced=paced) as world:
            world.admin.set_faults(latency_ms=LATENCY.latency_ms)
            script = await sequential_sync(world.youtube, library)
        rows += _speed_rows(sync, script, library, shape, paced)
        if paced:
            rows += _history_rows(sync, library) + _quota_rows(sync, library)
    return rows


def _speed_rows(
    sync: MeasuredSync, script: float, library: BenchLibrary, shape: str, paced: bool
) -> list[Row]:
    pacing = "paced by the default cap (100 writes/s)" if paced else "unpaced"
    worker = "build_worker as is" if paced else "RateLimiter off"
    reads = sync.spent.sync_calls - sync.spent.sync_writes
    return [
        Row(
            "1",
            f"sync wall time, client {pacing} ({worker})",
            f"{sync.run.seconds:.1f} s",
            f"{shape}; {sync.spent.sync_writes:,} writes + {reads} reads, "
            f"{sync.spent.sync_writes / sync.run.seconds:.1f} writes/s; ended {sync.run.stage}; "
            f"{sync.timeline.describe()}",
        ),
        Row(
            "1",
            f"sequential script, same YouTubeClient {pacing}",
            f"{script:.1f} s",
            f"create {len(library.categories)}, add {library.videos:,} one by one, delete "
            f"{len(library.old_playlists)}: {library.writes / script:.1f} writes/s",
        ),
        Row("1", f"script time / sync time, {pacing}", f"{script / sync.run.seconds:.2f}x", ""),
    ]


def _history_rows(sync: MeasuredSync, library: BenchLibrary) -> list[Row]:
    h = sync.history
    return [
        Row(
            "2",
            "Temporal history per video (the paced sync of row 1)",
            f"{h.events / library.videos:.2f} events/video",
            f"{h.events:,} events, {h.bytes / 1024:,.0f} KiB in {h.runs} run(s); "
            f"activities: {h.describe_activities()}",
        )
    ]


def _quota_rows(sync: MeasuredSync, library: BenchLibrary) -> list[Row]:
    s = sync.spent
    return [
        Row(
            "3",
            "quota spent by the sync, no faults",
            f"{s.sync_units:,} units = {s.sync_units / library.necessary_units:.4f}x necessary",
            f"necessary = 50 x {library.writes:,} writes = {library.necessary_units:,}; "
            f"YouTube's count - ledger's = {s.drift}",
        ),
        Row(
            "3",
            "final YouTube state vs categories, no faults",
            f"{sync.mismatches.total} mismatches",
            sync.mismatches.describe(),
        ),
    ]
