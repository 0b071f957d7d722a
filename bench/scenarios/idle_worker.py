"""Row 5: what `worker.py` costs while a sync sleeps on its quota timer (paused with
quota_exhausted, the reset minutes away): RSS and CPU of the worker process over ~10 s."""

from __future__ import annotations

import asyncio
import subprocess
import time
from pathlib import Path

from bench.library import bench_library
from bench.process_stats import watch
from bench.report import Row
from bench.stack import BenchStack
from bench.world import BenchWorld, bench_world
from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.starters.sync import start_sync

BUDGET = 1000  # the backup, 3 playlists and a dozen videos, then the window is spent
WATCH_SECONDS = 10.0
MARGIN_SECONDS = 120  # the reset must stay this far off while the bench sets up and watches


def _window_with_room() -> int:
    """A window length (about 10 minutes) whose current window has MARGIN_SECONDS left: windows
    are aligned to the epoch, so a slightly different length moves the next reset."""
    seconds = 600
    while seconds - time.time() % seconds < MARGIN_SECONDS:
        seconds += 7
    return seconds


async def run(stack: BenchStack, quick: bool) -> list[Row]:
    library = bench_library(3, 20)
    reset = f"every:{_window_with_room()}s"
    async with bench_world(stack, library, daily_quota=BUDGET, quota_reset=reset) as world:
        await world.prepare(library)
        log = world.settings.data_dir / "worker.log"
        process = world.worker_process(log)
        try:
            # recreate: the bench library's categories are its playlists renamed, which reuse
            # settles in a few updates, long before the quota runs out.
            job_id, handle = await start_sync(
                world.client, world.pool, world.settings, strategy=Strategy.RECREATE
            )
            await _until_paused(world, job_id, process, log)
            await asyncio.sleep(2)  # let the last activity's completion settle
            usage = await watch(process.pid, WATCH_SECONDS)
            still = await world.pool.fetchval(
                "SELECT pause_reason FROM sync_jobs WHERE id = $1", job_id
            )
            await world.client.get_workflow_handle(handle.id).terminate("bench: measured")
        finally:
            process.terminate()
            try:
                await asyncio.to_thread(process.wait, 15)
            except subprocess.TimeoutExpired:
                process.kill()
    return [
        Row(
            "5",
            "worker.py while a sync sleeps on a quota timer",
            f"RSS {usage.rss_mb:.0f} MB, CPU {usage.cpu_percent:.2f} % "
            f"({usage.cpu_seconds * 1000:.0f} ms)",
            f"mean over {usage.seconds:.0f} s of samples every 0.5 s, paused with {still}, "
            f"{reset} windows; peak RSS while syncing {usage.peak_rss_mb:.0f} MB; "
            f"{usage.threads} threads",
        )
    ]


async def _until_paused(
    world: BenchWorld,
    job_id: int,
    process: subprocess.Popen[bytes],
    log: Path,
    within: float = 120,
) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"worker.py exited ({process.returncode}); see {log}")
        reason = await world.pool.fetchval(
            "SELECT pause_reason FROM sync_jobs WHERE id = $1", job_id
        )
        if reason == "quota_exhausted":
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"sync {job_id} never paused on the quota within {within:.0f} s")
