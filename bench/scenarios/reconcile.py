"""Row 6: the fewest writes. Three library shapes synced with strategy `reuse`: the writes made
against the plan's exact minimum (the Hungarian assignment of categories to old playlists and,
in each playlist, the longest run already in order kept: tests/reconcile proves both against
exhaustive search), the writes and days `recreate` would take, and the planning time of a
library of 200 playlists and 20,000 videos."""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import asyncpg
import yaml

from bench.report import Row
from bench.stack import BenchStack
from bench.world import BenchWorld, bench_world
from playlist_sync.categories.apply import apply_categories
from playlist_sync.demo.sample_library import sample_categories_yaml, sample_library
from playlist_sync.models import SyncPreview
from playlist_sync.preview import build_preview
from playlist_sync.quota_windows import QuotaReset
from playlist_sync.reconcile.assignment import Candidate, Strategy, Target, reconcile
from playlist_sync.reconcile.playlist_edit import Item


@dataclass
class ShapedLibrary:
    """A library and its categories, as a user has them (any shape, unlike BenchLibrary)."""

    library: dict[str, Any]
    yaml_text: str
    categories: dict[str, list[str]] = field(default_factory=dict)

    def seed(self) -> dict[str, Any]:
        return self.library

    def categories_yaml(self) -> str:
        return self.yaml_text


def demo_shape() -> ShapedLibrary:
    return ShapedLibrary(sample_library(), sample_categories_yaml())


def rename_and_merge_shape(quick: bool) -> ShapedLibrary:
    """Old playlists whose categories are mostly the same playlists renamed, some merged two
    into one, a few videos trimmed: the library of a user who tidies what they have."""
    rng = random.Random(5)
    count, size = (8, 20) if quick else (24, 40)
    playlists: dict[str, list[str]] = {
        f"Old list {n:02d}": [f"m{n:02d}v{k:08d}" for k in range(size)] for n in range(count)
    }
    titles = list(playlists)
    categories = []
    n = 0
    while n < count:
        if n + 1 < count and rng.random() < 0.3:
            merged = [titles[n], titles[n + 1]]
            n += 2
        else:
            merged = [titles[n]]
            n += 1
        categories.append({"name": f"Topic {len(categories):02d}", "from_playlists": merged})
    seed = {
        "channel": {"id": "UCbenchreconcile000000000", "title": "Bench"},
        "videos": [
            {"id": v, "title": v, "channelTitle": "Someone", "status": "public"}
            for items in playlists.values()
            for v in items
        ],
        "playlists": [
            {
                "id": f"PLmerge{k:025d}",
                "title": t,
                "description": "",
                "privacyStatus": "private",
                "items": items,
            }
            for k, (t, items) in enumerate(playlists.items())
        ],
    }
    return ShapedLibrary(seed, yaml.safe_dump({"categories": categories}))


def edited(shape: ShapedLibrary) -> str:
    """The demo's categories after a user's edits: the first renamed, the last dropped, the
    second reordered (five of its videos first), the third trimmed of five videos."""
    data = yaml.safe_load(shape.yaml_text)
    categories = data["categories"][:-1]
    categories[0]["name"] += " (renamed)"

    def items_of(category: dict[str, Any]) -> list[str]:
        source = category["from_playlists"][0]
        return next(p["items"] for p in shape.library["playlists"] if p["title"] == source)

    categories[1]["videos"] = items_of(categories[1])[-5:]
    categories[2]["exclude"] = items_of(categories[2])[:5]
    data["categories"] = categories
    return yaml.safe_dump(data, sort_keys=False)


async def run(stack: BenchStack, quick: bool) -> list[Row]:
    rows: list[Row] = []
    demo = demo_shape()
    for name, shape, again in (
        ("the demo's library", demo, edited(demo)),
        ("a rename-and-merge library", rename_and_merge_shape(quick), None),
    ):
        async with bench_world(stack, shape, paced=False) as world:
            await world.prepare(shape)
            rows.append(await _synced(world, name))
            if again is not None:
                path = world.settings.data_dir / "edited.yaml"
                path.write_text(again)
                await apply_categories(world.pool, path)
                rows.append(await _synced(world, f"{name}, re-synced after edits"))
    rows.append(_planning_time(quick))
    return rows


async def _synced(world: BenchWorld, name: str) -> Row:
    reuse_preview = await _preview(world.pool, Strategy.REUSE)
    recreate_preview = await _preview(world.pool, Strategy.RECREATE)
    began = time.perf_counter()
    async with world.worker():
        sync = await world.sync(within=300, strategy=Strategy.REUSE)
    writes = await world.pool.fetchval(
        "SELECT count(*) FROM quota_events WHERE sync_job_id = $1 AND units = 50", sync.job_id
    )
    minimum = reuse_preview.total_quota_cost // 50
    baseline = recreate_preview.total_quota_cost // 50
    wrong = await _mismatches(world)
    return Row(
        "6",
        f"writes made by a sync of {name} (strategy reuse)",
        f"{writes:,} = {writes / max(minimum, 1):.2f}x the minimum; {writes / max(baseline, 1):.2f}x recreate",
        f"minimum {minimum:,} writes ({_stages(reuse_preview)}); recreate {baseline:,} writes;"
        f" days at 10,000 units and 10 new playlists a day: {reuse_preview.estimated_days}"
        f" vs {recreate_preview.estimated_days}; {wrong} mismatches; ended {sync.stage}"
        f" in {time.perf_counter() - began:.1f} s",
    )


async def _preview(pool: asyncpg.Pool, strategy: Strategy) -> SyncPreview:
    return await build_preview(
        pool,
        daily_quota=10_000,
        reset=QuotaReset(),
        now=datetime.now(UTC),
        strategy=strategy,
        creates_per_window=10,
    )


def _stages(preview: SyncPreview) -> str:
    s = preview.stages
    return (
        f"create {s.create_playlists.count}, adopt {s.adopt_playlists.count}"
        f" ({s.adopt_playlists.quota_cost // 50} renamed), remove {s.remove_videos.count},"
        f" move {s.move_videos.count}, add {s.add_videos.count},"
        f" delete {s.delete_playlists.count}"
    )


async def _mismatches(world: BenchWorld) -> int:
    """Playlists on YouTube that are not one category's title with its available videos in
    order (kept playlists aside), and categories with no such playlist."""
    wanted: dict[str, list[str]] = {}
    for row in await world.pool.fetch(
        """SELECT c.name, array_remove(array_agg(v.youtube_video_id ORDER BY cv.position)
                  FILTER (WHERE v.unavailable_reason IS NULL), NULL) AS videos
           FROM categories c LEFT JOIN category_videos cv ON cv.category_id = c.id
           LEFT JOIN videos v ON v.id = cv.video_id GROUP BY c.id"""
    ):
        wanted[row["name"]] = list(row["videos"] or [])
    kept = {
        r[0] for r in await world.pool.fetch("SELECT youtube_playlist_id FROM playlists WHERE kept")
    }
    # An unavailable video's item that a playlist held stays: the check is of what a viewer sees.
    hidden = {
        r[0]
        for r in await world.pool.fetch(
            "SELECT youtube_video_id FROM videos WHERE unavailable_reason IS NOT NULL"
        )
    }
    found: Counter[str] = Counter()
    wrong = 0
    for playlist in world.state()["playlists"]:
        if playlist["id"] in kept:
            continue
        items = [
            i["videoId"]
            for i in sorted(playlist["items"], key=lambda i: i["position"])
            if i["videoId"] not in hidden
        ]
        if wanted.get(playlist["title"]) != items:
            wrong += 1
        found[playlist["title"]] += 1
    return wrong + sum(1 for title in wanted if found[title] != 1)


def _planning_time(quick: bool) -> Row:
    rng = random.Random(3)
    videos = [f"v{n:05}" for n in range(20_000)]
    playlists = 50 if quick else 200
    candidates = [
        Candidate(
            f"PL{n}",
            f"old {n}",
            "",
            "private",
            tuple(Item(f"PL{n}-{k}", v) for k, v in enumerate(videos[n * 100 : n * 100 + 100])),
        )
        for n in range(playlists)
    ]
    targets = [
        Target(n, f"category {n}", "", "private",
               tuple(dict.fromkeys([i.video_id for i in c.items[10:]] + rng.sample(videos, 30))))
        for n, c in enumerate(candidates)
    ]  # fmt: skip
    began = time.perf_counter()
    plan = reconcile(targets, candidates, Strategy.REUSE)
    seconds = time.perf_counter() - began
    return Row(
        "6",
        f"planning a library of {playlists} playlists and 20,000 videos",
        f"{seconds:.2f} s",
        f"{len(targets)} categories, each mostly one playlist trimmed and grown;"
        f" plan of {plan.writes:,} writes, {sum(1 for c in plan.choices if c.adopted)} adoptions",
    )
