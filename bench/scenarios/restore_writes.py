"""Row 7: the writes a restore makes against its exact minimum, without and with the realism
knobs. Each library is synced (strategy reuse: old playlists adopted and edited, the others
deleted), then its backup is restored as `starter.py restore` does it, to the end.

The minimum is the contract's ("Restore": YouTube back to the snapshot, in place where a
playlist still exists, the sync's own playlists deleted), computed here from the snapshot and
YouTube as the restore finds it, not from the restore's own plan, so the row measures whatever
restore the code has: each snapshot playlist still on YouTube costs one `playlists.update` if
its title, description or privacy differ, plus the fewest item writes that make it hold its
available videos in order (reconcile/playlist_edit.py); each one gone costs one insert plus
one per available video; each playlist the sync made costs one delete. The table is
`_cases`: add a library or a set of knobs there."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from temporalio.client import WorkflowHandle

from bench.measured import Faults
from bench.report import Row
from bench.scenarios.reconcile import ShapedLibrary, demo_shape, rename_and_merge_shape
from bench.stack import BenchStack
from bench.world import BenchWorld, bench_world
from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.reconcile.playlist_edit import Item, edit_for
from playlist_sync.restore.planning import plan_restore
from playlist_sync.starters.restore import start_restore

# YouTube as it really answers, as row 3 has it (the slow answers left out: a restore's
# heartbeat is 20 s, and an answer held past it makes the row measure the wait).
REALISM = Faults(error_rate=0.05, timeout_rate=0.02, ambiguous_rate=0.05, list_lag_ms=1000)
NONE = Faults()
WITHIN = 300  # seconds: a restore that has not ended by then is stopped and reported


@dataclass(frozen=True)
class Case:
    library: str
    faults: Faults
    knobs: str


def _cases(quick: bool) -> list[tuple[Case, ShapedLibrary]]:
    demo, merged = demo_shape(), rename_and_merge_shape(quick)
    realism = (
        f"errorRate {REALISM.error_rate}, timeoutRate {REALISM.timeout_rate},"
        f" ambiguousRate {REALISM.ambiguous_rate}, listLagMs {REALISM.list_lag_ms}"
    )
    return [
        (Case("the demo's library", NONE, "no faults"), demo),
        (Case("the demo's library", REALISM, realism), demo),
        (Case("a rename-and-merge library", NONE, "no faults"), merged),
        (Case("a rename-and-merge library", REALISM, realism), merged),
    ]


async def run(stack: BenchStack, quick: bool) -> list[Row]:
    rows = []
    for case, shape in _cases(quick):
        # The restore re-makes every deleted playlist in one window: no limit in the way.
        async with bench_world(stack, shape, paced=False, playlist_creates_per_window=100) as world:
            await world.prepare(shape)
            rows.append(await _restored(world, shape, case))
    return rows


@dataclass(frozen=True)
class Minimum:
    updates: int = 0
    removes: int = 0
    moves: int = 0
    inserts: int = 0
    recreated: int = 0
    recreated_items: int = 0
    deletes: int = 0

    @property
    def writes(self) -> int:
        return (
            self.updates + self.removes + self.moves + self.inserts
            + self.recreated + self.recreated_items + self.deletes
        )  # fmt: skip

    def describe(self) -> str:
        return (
            f"in place: {self.updates} renamed back, remove {self.removes}, move {self.moves},"
            f" insert {self.inserts}; re-made: {self.recreated} playlists,"
            f" {self.recreated_items} videos; the sync's playlists deleted: {self.deletes}"
        )


def minimum_writes(
    snapshot: list[dict[str, Any]], youtube: list[dict[str, Any]], hidden: set[str]
) -> Minimum:
    """The fewest writes that make `youtube` the `snapshot` (the module says how)."""
    now = {p["id"]: p for p in youtube}
    counts: Counter[str] = Counter()
    for playlist in snapshot:
        wanted = list(dict.fromkeys(v for v in playlist["items"] if v not in hidden))
        current = now.get(playlist["id"])
        if current is None:
            counts["recreated"] += 1
            counts["recreated_items"] += len(wanted)
            continue
        snippet = ("title", "description", "privacyStatus")
        counts["updates"] += any(current[k] != playlist[k] for k in snippet)
        items = [
            Item(i["id"], i["videoId"])
            for i in sorted(current["items"], key=lambda i: i["position"])
        ]
        # An unavailable video's item stays where it is: no one could add it back.
        edit = edit_for(items, wanted, leave_alone=lambda item: item.video_id in hidden)
        counts["removes"] += len(edit.remove)
        counts["moves"] += len(edit.move)
        counts["inserts"] += len(edit.insert)
    snapshot_ids = {p["id"] for p in snapshot}
    counts["deletes"] = sum(1 for p in youtube if p["id"] not in snapshot_ids)
    return Minimum(**counts)


def snapshot_mismatches(
    snapshot: list[dict[str, Any]], youtube: list[dict[str, Any]], hidden: set[str]
) -> int:
    """Snapshot playlists not on YouTube exactly once (by title) with their available videos in
    order, plus playlists on YouTube that the snapshot does not have."""
    titles = Counter(p["title"] for p in youtube)
    shown = {p["title"]: p for p in youtube}
    wrong = sum(1 for t, n in titles.items() if n > 1 or t not in {p["title"] for p in snapshot})
    for playlist in snapshot:
        current = shown.get(playlist["title"])
        wanted = [v for v in dict.fromkeys(playlist["items"]) if v not in hidden]
        if current is None or titles[playlist["title"]] > 1:
            wrong += 1
            continue
        items = [
            i["videoId"]
            for i in sorted(current["items"], key=lambda i: i["position"])
            if i["videoId"] not in hidden
        ]
        wrong += items != wanted
    return wrong


async def _restored(world: BenchWorld, shape: ShapedLibrary, case: Case) -> Row:
    async with world.worker():
        sync = await world.sync(within=WITHIN, strategy=Strategy.REUSE)
        snapshot_id = await world.pool.fetchval(
            "SELECT backup_snapshot_id FROM sync_jobs WHERE id = $1", sync.job_id
        )
        snapshot = list(
            await world.pool.fetchval(
                "SELECT playlists FROM backup_snapshots WHERE id = $1", snapshot_id
            )
        )
        hidden = {
            v["id"] for v in shape.seed()["videos"] if v.get("status") in ("deleted", "private")
        }
        minimum = minimum_writes(snapshot, world.state()["playlists"], hidden)
        _set(world, case.faults)
        began = time.perf_counter()
        stage, job_id = await _restore(world, snapshot_id)
        seconds = time.perf_counter() - began
        _set(world, NONE)
    writes = await world.pool.fetchval(
        "SELECT count(*) FROM quota_events WHERE restore_job_id = $1 AND units = 50", job_id
    ) if job_id else 0  # fmt: skip
    wrong = snapshot_mismatches(snapshot, world.state()["playlists"], hidden)
    result = f"{writes:,} = {writes / max(minimum.writes, 1):.2f}x the minimum"
    return Row(
        "7",
        f"writes made by a restore of {case.library} after a reuse sync, {case.knobs}",
        result,
        f"minimum {minimum.writes:,} writes ({minimum.describe()}); {case.knobs};"
        f" {wrong} mismatches with the snapshot; ended {stage} in {seconds:.1f} s",
    )


async def _restore(world: BenchWorld, snapshot_id: int) -> tuple[str, int | None]:
    plan = await plan_restore(
        world.youtube,
        world.pool,
        snapshot_id,
        daily_quota=world.settings.youtube_daily_quota,
        reset=world.settings.quota_reset,
    )
    if not plan.playlists:
        return "with nothing to do (it planned no playlist)", None
    job_id, handle = await start_restore(world.client, world.pool, world.settings, plan)
    deadline = time.perf_counter() + WITHIN
    resumed = 0
    result = asyncio.ensure_future(handle.result())
    while time.perf_counter() < deadline:
        await asyncio.wait({result}, timeout=2)
        if result.done():
            resumes = f", resumed {resumed} times after errors_collected" if resumed else ""
            return str(result.result().stage) + resumes, job_id
        # A restore that paused itself after failures in a row waits for the user; the bench
        # resumes it, as the user would after reading the errors, and says so.
        if _pause_reason(await handle.query("progress")) == "errors_collected":
            await handle.signal("resume")
            resumed += 1
    latest = world.client.get_workflow_handle(handle.id)
    stuck = await _in_flight(handle)
    await latest.terminate("bench: restore too long")
    await asyncio.gather(result, return_exceptions=True)
    return f"unfinished after {WITHIN} s ({stuck}; resumed {resumed} times)", job_id


async def _in_flight(handle: WorkflowHandle[Any, Any]) -> str:
    """Where a restore that did not end is: its stage and the activity it retries."""
    described = await handle.describe()
    pending = [
        f"{a.activity_type.name} attempt {a.attempt}"
        + (f": {a.last_failure.message[:160]}" if a.HasField("last_failure") else "")
        for a in described.raw_description.pending_activities
    ]
    stage = described.search_attributes.get("SyncStage", ["?"])[0]
    progress = await handle.query("progress")
    errors = [e.get("message") for e in progress.get("errors", [])][-2:]
    return (
        f"stage {stage} ({_pause_reason(progress)}); in flight: {'; '.join(pending) or 'nothing'};"
        f" last errors {errors}"
    )


def _pause_reason(progress: dict[str, Any]) -> str | None:
    """The `progress` query's answer, untyped (its model may change with the restore)."""
    reason = progress.get("pauseReason", progress.get("pause_reason"))
    return str(reason) if reason else None


def _set(world: BenchWorld, faults: Faults) -> None:
    world.admin.set_faults(
        error_rate=faults.error_rate,
        timeout_rate=faults.timeout_rate,
        ambiguous_rate=faults.ambiguous_rate,
        list_lag_ms=faults.list_lag_ms,
        seed=7,
    )
