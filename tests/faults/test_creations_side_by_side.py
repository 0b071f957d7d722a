"""The creation limit and the quota side by side: while new playlists wait for YouTube's limit
on new playlists, the window's quota fills the playlists already made and deletes the old
playlists already safe, so a sync of many new categories takes max(quota bound, creation
bound) windows, not their sum; and the preview's estimatedDays says so beforehand."""

from __future__ import annotations

import asyncio
import math
import re
import time
from datetime import UTC, datetime
from pathlib import Path

from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.testing import WorkflowEnvironment

from playlist_sync.preview import build_preview
from playlist_sync.quota_windows import QuotaReset
from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.sync.payloads import SyncProgress
from tests.faults.checks import assert_youtube_matches
from tests.faults.untrustworthy import finished, refusals_by_window
from tests.sync.world import (
    SyncWorld,
    categorised_world,
    items_on_youtube,
    library,
    record_history,
    videos,
)

WINDOW = 8  # seconds: QUOTA_RESET=every:8s
CREATES = 3  # new playlists a window, the app's and YouTube's
BUDGET = 1_200  # units a window: 24 writes and the reads
CATEGORIES = 9  # all new: 3 windows of creations
PER_CATEGORY = 6

# Strategy recreate: every category a new playlist, every old playlist deleted. One big inbox
# of every video (safe to delete at the end), "Old first" of videos of the first category only
# (safe once its playlist is verified, in the first window), "Old last" of the last one's.
INBOX = videos("in", CATEGORIES * PER_CATEGORY)
SPLIT = [INBOX[n * PER_CATEGORY : (n + 1) * PER_CATEGORY] for n in range(CATEGORIES)]
SEED = library({"Inbox": INBOX, "Old first": SPLIT[0][:3], "Old last": SPLIT[-1][:3]})
CATEGORIES_YAML = "categories:\n" + "".join(
    f"  - name: Topic {n}\n    videos: [{', '.join(items)}]\n" for n, items in enumerate(SPLIT)
)
EXPECTED = {f"Topic {n}": items for n, items in enumerate(SPLIT)}

_WINDOWS_USED = """
SELECT count(DISTINCT window_start) FROM quota_events WHERE sync_job_id = $1 AND units > 0
"""


async def _estimated_days(world: SyncWorld) -> int:
    preview = await build_preview(
        world.pool,
        daily_quota=BUDGET,
        reset=QuotaReset(WINDOW),
        now=datetime.now(UTC),
        creates_per_window=CREATES,
        strategy=Strategy.RECREATE,
    )
    return preview.estimated_days


async def test_videos_go_in_while_new_playlists_wait_for_the_creation_limit(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, SEED, categories=CATEGORIES_YAML,
        daily_quota=BUDGET, quota_reset=f"every:{WINDOW}s", creates_per_day=CREATES,
        strategy=Strategy.RECREATE,
    ) as world:  # fmt: skip
        world.admin.set_faults(playlist_creates_per_window=CREATES)
        async with world.worker():
            # Start right after a reset, so that the first window is a whole one.
            await asyncio.sleep(WINDOW - time.time() % WINDOW + 0.05)
            estimated = await _estimated_days(world)
            job_id, handle = await world.start(lag_allowance_seconds=0.5)
            # In the first window: videos go into the 3 playlists made, the stage still
            # create_playlists (6 playlists wait), and the details say what waits for what.
            row = await world.wait_for(
                job_id,
                "stage = 'create_playlists'"
                " AND (stage_results->'add_videos'->>'succeeded')::int >= 1",
                within=WINDOW * 2,
            )
            assert row["pause_reason"] is None
            details = ""
            for _ in range(100):
                metadata = await handle.query(
                    "__temporal_workflow_metadata", result_type=WorkflowMetadata
                )
                details = metadata.current_details
                if "wait for YouTube's creation limit" in details:
                    break
                await asyncio.sleep(0.05)
            assert re.search(
                r"\d playlists wait for YouTube's creation limit, resets [\d:]+ PT;"
                r" adding videos to \d others",
                details,
            ), details
            # "Old first" holds only videos of Topic 0: it goes before the creations are done.
            await world.wait_for(
                job_id,
                "stage = 'create_playlists'"
                " AND (stage_results->'delete_playlists'->>'succeeded')::int = 1",
                within=WINDOW * 2,
            )
            result = await finished(handle, WINDOW * 8)
        assert result.stage == "completed"
        assert_youtube_matches(world, EXPECTED)
        # Each stage counts its own writes.
        assert result.stage_results.create_playlists is not None
        assert result.stage_results.create_playlists.succeeded == CATEGORIES
        assert result.stage_results.add_videos is not None
        assert result.stage_results.add_videos.succeeded == len(INBOX)
        assert result.stage_results.delete_playlists is not None
        assert result.stage_results.delete_playlists.succeeded == 3
        # No 429: the app keeps to the limit it shares with YouTube.
        assert max(refusals_by_window(world)) == 0
        used = await world.pool.fetchval(_WINDOWS_USED, job_id)
        units = await world.pool.fetchval(
            "SELECT sum(units) FROM quota_events WHERE sync_job_id = $1", job_id
        )
        quota_bound = math.ceil(units / BUDGET)
        creation_bound = math.ceil(CATEGORIES / CREATES)
        # One after another, the stages would take 3 windows of creations, then 2 more.
        assert used <= max(quota_bound, creation_bound) + 1, (used, quota_bound, creation_bound)
        # The preview said so beforehand.
        assert used == estimated, (used, estimated)


async def test_pause_and_resume_while_new_playlists_wait(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    """Paused while videos go in beside the creation limit: nothing is written until the
    resume, and the sync then ends with every video once, no 429."""
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, SEED, categories=CATEGORIES_YAML,
        daily_quota=BUDGET, quota_reset=f"every:{WINDOW}s", creates_per_day=CREATES,
        strategy=Strategy.RECREATE,
    ) as world:  # fmt: skip
        world.admin.set_faults(playlist_creates_per_window=CREATES)
        async with world.worker():
            await asyncio.sleep(WINDOW - time.time() % WINDOW + 0.05)
            job_id, handle = await world.start(lag_allowance_seconds=0.5)
            await world.wait_for(
                job_id,
                "stage = 'create_playlists'"
                " AND (stage_results->'add_videos'->>'succeeded')::int >= 1",
                within=WINDOW * 2,
            )
            paused = await handle.execute_update("pause", result_type=SyncProgress)
            assert paused.stage == "paused" and paused.pause_reason == "user_paused"
            before = items_on_youtube(world), len(world.admin.state()["playlists"])
            # Past the reset: neither the creation limit's end nor the quota's wakes it.
            await asyncio.sleep(WINDOW + 1)
            assert (items_on_youtube(world), len(world.admin.state()["playlists"])) == before
            await handle.execute_update("resume", result_type=SyncProgress)
            result = await finished(handle, WINDOW * 8)
            await record_history(handle, "creations_side_by_side_pause")
        assert result.stage == "completed"
        assert_youtube_matches(world, EXPECTED)
        assert max(refusals_by_window(world)) == 0
        inserts = await world.pool.fetchval(
            """SELECT count(*) FROM quota_events WHERE sync_job_id = $1
               AND operation = 'playlistItems.insert' AND units > 0""",
            job_id,
        )
        assert inserts == len(INBOX)  # no video written twice


# An adopted playlist holds a video that a category still waiting for its new playlist wants.
A, X, N = videos("aa", 4), videos("xx", 1), videos("nn", 6)
ADOPTING_SEED = library({"Alpha": A + X, "Inbox": N})
ADOPTING_YAML = f"""
categories:
  - name: Alpha
    videos: [{", ".join(A)}]
  - name: First new
    videos: [{", ".join(N[:3])}]
  - name: Second new
    videos: [{", ".join(N[3:] + X)}]
keep_playlists: [Inbox]
"""


async def test_a_video_leaves_an_adopted_playlist_once_its_new_playlist_is_made(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    """One new playlist a window: Alpha (adopted) is edited in the first window, but the video
    that "Second new" wants stays in it until that playlist, made a window later, holds it;
    then it goes. It is never kept for want of a playlist that was only waiting to be made."""
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, ADOPTING_SEED, categories=ADOPTING_YAML,
        daily_quota=BUDGET, quota_reset=f"every:{WINDOW}s", creates_per_day=1,
    ) as world:  # fmt: skip
        world.admin.set_faults(playlist_creates_per_window=1)
        async with world.worker():
            await asyncio.sleep(WINDOW - time.time() % WINDOW + 0.05)
            job_id, handle = await world.start(lag_allowance_seconds=0.5)
            await world.wait_for(
                job_id, "pause_reason = 'playlist_creation_limit'", within=WINDOW * 2
            )
            # Waiting for "Second new": Alpha still holds the video it will want.
            assert world.playlists_by_title()["Alpha"] == A + X
            result = await finished(handle, WINDOW * 6)
        assert result.stage == "completed"
        assert_youtube_matches(
            world, {"Alpha": A, "First new": N[:3], "Second new": N[3:] + X, "Inbox": N}
        )
        assert not [e for e in result.errors if "kept" in e.message], result.errors
