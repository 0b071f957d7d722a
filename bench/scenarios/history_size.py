"""Row 2, at scale: the history of a 20,000-video sync (40 categories x 500 videos; --quick:
2,000) across its continue-as-new runs, with the dev server's default limits."""

from __future__ import annotations

from bench.library import bench_library
from bench.measured import Faults, measured_sync
from bench.report import Row
from bench.stack import BenchStack
from bench.world import bench_world


async def run(stack: BenchStack, quick: bool) -> list[Row]:
    library = bench_library(*((10, 200) if quick else (40, 500)))
    # Unpaced: at the client's 100 writes/s cap this sync would take minutes longer, and
    # the pacing changes how fast the history grows, not what it holds.
    # 40 new playlists in one window: far past YouTube's 10 a day, so the limit is lifted.
    async with bench_world(stack, library, paced=False, playlist_creates_per_window=None) as world:
        sync = await measured_sync(world, library, Faults(), within=1200)
    h = sync.history
    per_category = library.videos // len(library.categories)
    return [
        Row(
            "2",
            f"Temporal history of a {library.videos:,}-video sync",
            f"{h.events:,} events, {h.bytes / 1024 / 1024:.2f} MiB",
            f"{len(library.categories)} categories x {per_category} videos, no latency, unpaced, "
            f"quota to spare; {h.runs} run(s) (largest {h.largest_run_events:,} events), "
            f"{h.events / library.videos:.2f} events/video; took {sync.run.seconds:.0f} s "
            f"({sync.spent.sync_writes / sync.run.seconds:.0f} writes/s), ended {sync.run.stage}, "
            f"{sync.mismatches.total} mismatches; {sync.timeline.describe()}",
        )
    ]
