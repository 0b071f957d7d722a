"""Row 4: a quota-starved sync (windows of 3 s with a budget of 1,500 units, i.e. 30 writes).
How many windows it needs against the lower bound ceil(cost / budget), and how soon after each
reset it is writing again: the first charged call of a window minus the window's start, and
how much of that is the server firing the workflow's timer."""

from __future__ import annotations

import asyncio
import math
import statistics
import time
from datetime import datetime, timedelta

from bench.history import history_of
from bench.library import bench_library
from bench.report import Row
from bench.stack import BenchStack
from bench.world import bench_world

WINDOW_SECONDS = 3
BUDGET = 1500
WRITE_COST = 50

_WINDOWS = """
SELECT e.window_start, min(e.created_at) AS first_call, sum(e.units) AS units
FROM quota_events e WHERE e.sync_job_id = $1 AND e.units > 0
GROUP BY e.window_start ORDER BY e.window_start
"""


async def run(stack: BenchStack, quick: bool) -> list[Row]:
    library = bench_library(*((3, 20) if quick else (4, 50)))
    reset = f"every:{WINDOW_SECONDS}s"
    # Unpaced, so that the quota is what holds the sync back, as with a real day-long window.
    async with bench_world(
        stack, library, daily_quota=BUDGET, quota_reset=reset, paced=False
    ) as world:
        await world.prepare(library)
        async with world.worker():
            # Start right after a reset, so the first window is a whole one.
            await asyncio.sleep(WINDOW_SECONDS - time.time() % WINDOW_SECONDS + 0.01)
            sync = await world.sync(within=600)
        windows = await world.pool.fetch(_WINDOWS, sync.job_id)
        full = {
            row["window_start"]
            for row in await world.pool.fetch(
                "SELECT window_start FROM quota_windows WHERE units_used > $1",
                BUDGET - WRITE_COST,
            )
        }
        history = await history_of(world.client, sync.workflow_id, sync.first_run_id)
    step = timedelta(seconds=WINDOW_SECONDS)
    cost = sum(int(row["units"]) for row in windows)
    spanned = (windows[-1]["window_start"] - windows[0]["window_start"]) // step + 1
    # A window counts as a resume when the one before it had no room for another write.
    resumed = [row for row in windows[1:] if row["window_start"] - step in full]
    delays = [_ms(row["first_call"] - row["window_start"]) for row in resumed]
    timers = [_timer_lateness(history.timers_fired, row["window_start"], step) for row in resumed]
    late = [t for t in timers if t is not None]
    shape = f"{len(library.categories)} x {library.videos // len(library.categories)} videos"
    return [
        Row(
            "4",
            "quota windows used by a quota-starved sync",
            f"{len(windows)} used, {spanned} spanned; lower bound {math.ceil(cost / BUDGET)}",
            f"{shape}, {reset} windows, budget {BUDGET:,} units, unpaced; the sync spent "
            f"{cost:,} units; took {sync.seconds:.1f} s, ended {sync.stage}",
        ),
        Row(
            "4",
            "resumed after a reset: first charged call - window start",
            f"median {statistics.median(delays):.0f} ms, max {max(delays):.0f} ms"
            if delays
            else "no resumes",
            f"over {len(delays)} windows that followed a full one; of which the timer firing "
            f"late: median {statistics.median(late):.0f} ms, max {max(late):.0f} ms"
            if late
            else "",
        ),
    ]


def _ms(delta: timedelta) -> float:
    return delta.total_seconds() * 1000


def _timer_lateness(fired: list[datetime], start: datetime, step: timedelta) -> float | None:
    """How long after the window's start the workflow's timer fired (None: no timer in it)."""
    inside = [at for at in fired if start <= at < start + step]
    return _ms(min(inside) - start) if inside else None
