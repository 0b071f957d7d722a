"""Row 8: the creation limit and the quota side by side. A sync of each of three libraries (the
demo's, many new categories, a rename-and-merge one) in compressed windows with 3 new playlists
and 4,000 units a window: the windows used against the preview's estimatedDays; and for the
many-new-categories library, the windows used against max(quota bound, creation bound), with
the same library synced one stage at a time (SyncOptions.work_while_creations_wait off) in
the same run: the sum of the two bounds, as before."""

from __future__ import annotations

import asyncio
import math
import time
from datetime import UTC, datetime

import yaml

from bench.report import Row
from bench.scenarios.reconcile import ShapedLibrary, demo_shape, rename_and_merge_shape
from bench.stack import BenchStack
from bench.world import BenchWorld, SyncRun, bench_world
from playlist_sync.preview import build_preview
from playlist_sync.quota_windows import QuotaReset
from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.sync.payloads import SyncOptions

WINDOW_SECONDS = 6
CREATES = 3
BUDGET = 4_000
WRITE_COST = 50
# No list lag in the bench's emulator: the read-back need not wait the real 8 s.
_LAG = 0.5

_USED = """
SELECT count(DISTINCT window_start), COALESCE(sum(units), 0) FROM quota_events
WHERE sync_job_id = $1 AND units > 0
"""


def many_new_categories_shape(quick: bool) -> ShapedLibrary:
    """One big "Watch later" (kept) sorted into categories that have no playlist yet: the
    issue's user, who waits for the creation limit."""
    count, size = (9, 12) if quick else (15, 19)
    inbox = [f"wl{n:09d}" for n in range(count * size)]
    seed = {
        "channel": {"id": "UCbenchsidebyside00000000", "title": "Bench"},
        "videos": [
            {"id": v, "title": v, "channelTitle": "Someone", "status": "public"} for v in inbox
        ],
        "playlists": [
            {
                "id": "PLwatchlater000000000000000000000",
                "title": "Watch later",
                "description": "",
                "privacyStatus": "private",
                "items": inbox,
            }
        ],
    }
    categories = [
        {"name": f"Subject {n:02d}", "videos": inbox[n * size : (n + 1) * size]}
        for n in range(count)
    ]
    text = yaml.safe_dump({"categories": categories, "keep_playlists": ["Watch later"]})
    return ShapedLibrary(seed, text)


async def run(stack: BenchStack, quick: bool) -> list[Row]:
    rows: list[Row] = []
    many = many_new_categories_shape(quick)
    for name, shape in (
        ("the demo's library", demo_shape()),
        ("a many-new-categories library", many),
        ("a rename-and-merge library", rename_and_merge_shape(quick)),
    ):
        sync, estimated, units = await _synced(stack, shape, side_by_side=True)
        used = sync.windows
        rows.append(
            Row(
                "8",
                f"quota windows used by a sync of {name} vs its estimatedDays",
                f"{used} used, {estimated} estimated",
                f"{_setup()}; the sync spent {units:,} units; ended {sync.run.stage}"
                f" in {sync.run.seconds:.0f} s",
            )
        )
        if shape is many:
            creations = len(yaml.safe_load(shape.yaml_text)["categories"])
            quota_bound = math.ceil(units / BUDGET)
            creation_bound = math.ceil(creations / CREATES)
            before, before_estimate, _ = await _synced(stack, shape, side_by_side=False)
            rows.append(
                Row(
                    "8",
                    f"windows of {name}: side by side vs one stage at a time",
                    f"{used} vs {before.windows}; bound {max(quota_bound, creation_bound)}",
                    f"{creations} new categories; quota bound {quota_bound}, creation bound"
                    f" {creation_bound}; one stage at a time (work_while_creations_wait off,"
                    f" same run): {before.windows} used, {before_estimate} estimated by the old"
                    f" count, ended {before.run.stage}",
                )
            )
    return rows


class _Synced:
    def __init__(self, run: SyncRun, windows: int) -> None:
        self.run = run
        self.windows = windows


async def _synced(
    stack: BenchStack, shape: ShapedLibrary, *, side_by_side: bool
) -> tuple[_Synced, int, int]:
    """Sync `shape` (strategy reuse) from the start of a window: the windows it used, the
    preview's estimate just before, the units it spent."""
    async with bench_world(
        stack,
        shape,
        daily_quota=BUDGET,
        quota_reset=f"every:{WINDOW_SECONDS}s",
        paced=False,
        playlist_creates_per_window=CREATES,
    ) as world:
        await world.prepare(shape)
        async with world.worker():
            # Start right after a reset, so the first window is a whole one (the import's
            # units were spent in the window before).
            await asyncio.sleep(WINDOW_SECONDS - time.time() % WINDOW_SECONDS + 0.05)
            estimated = await _estimate(world, side_by_side)
            run = await world.sync(
                within=WINDOW_SECONDS * 40,
                strategy=Strategy.REUSE,
                options=SyncOptions(
                    lag_allowance_seconds=_LAG, work_while_creations_wait=side_by_side
                ),
            )
        windows, units = await world.pool.fetchrow(_USED, run.job_id)
    return _Synced(run, int(windows)), estimated, int(units)


async def _estimate(world: BenchWorld, side_by_side: bool) -> int:
    preview = await build_preview(
        world.pool,
        daily_quota=BUDGET,
        reset=QuotaReset(WINDOW_SECONDS),
        now=datetime.now(UTC),
        strategy=Strategy.REUSE,
        creates_per_window=CREATES,
        side_by_side=side_by_side,
    )
    return preview.estimated_days


def _setup() -> str:
    return (
        f"strategy reuse, every:{WINDOW_SECONDS}s windows of {BUDGET:,} units and"
        f" {CREATES} new playlists, unpaced, started at a window's start"
    )
