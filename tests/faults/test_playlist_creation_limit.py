"""The playlist-creation limit: YOUTUBE_PLAYLIST_CREATES_PER_DAY below YouTube's, and a
marker lookup that allows for lagging lists after an insert whose answer was an error."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from playlist_sync.reconcile.assignment import Strategy
from tests.faults.checks import assert_youtube_matches
from tests.faults.scenario import (
    SMALL_CATEGORIES,
    SMALL_EXPECTED,
    SMALL_SEED,
)
from tests.faults.untrustworthy import CREATES_PER_WINDOW, finished, refusals_by_window
from tests.sync.world import categorised_world

WITHIN = 50
WINDOW = 6


@pytest.mark.timeout(90)
async def test_the_apps_own_creation_limit_waits_before_youtube_refuses(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    """YOUTUBE_PLAYLIST_CREATES_PER_DAY=2 under YouTube's 3: the sync sleeps after 2 new
    playlists a window, says so, and is never refused."""
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, SMALL_SEED, categories=SMALL_CATEGORIES,
        quota_reset=f"every:{WINDOW}s", creates_per_day=2, strategy=Strategy.RECREATE,
    ) as world:  # fmt: skip
        world.admin.set_faults(playlist_creates_per_window=CREATES_PER_WINDOW)
        async with world.worker():
            await asyncio.sleep(WINDOW - time.time() % WINDOW + 0.05)
            job_id, handle = await world.start()
            asleep = await world.wait_for(
                job_id, "pause_reason = 'playlist_creation_limit'", within=WITHIN
            )
            assert asleep["next_resume_at"] is not None
            result = await finished(handle, WITHIN)
        assert result.stage == "completed"
        assert_youtube_matches(world, SMALL_EXPECTED)
        assert refusals_by_window(world) == [0] * len(refusals_by_window(world))
        windows = world.admin.state()["playlistCreation"]["windows"]
        assert sum(w["created"] for w in windows) == 4
        assert max(w["created"] for w in windows) <= 2, windows
        ledger = await world.pool.fetch(
            "SELECT playlists_created FROM quota_windows WHERE playlists_created > 0"
        )
        assert sorted(row["playlists_created"] for row in ledger) == [2, 2]


@pytest.mark.timeout(90)
async def test_a_made_playlist_is_found_by_its_marker_in_a_lagging_list(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    """Every insert lands and is answered with an error, and lists trail by 2 s: the retry's
    lookup must re-read rather than take an empty answer for 'not made'."""
    async with categorised_world(
        dev_server_env.client,
        database_url,
        tmp_path,
        SMALL_SEED,
        categories=SMALL_CATEGORIES,
        strategy=Strategy.RECREATE,
    ) as world:
        world.admin.set_faults(ambiguous_rate=1.0, list_lag_ms=2000, seed=11)
        async with world.worker():
            _, handle = await world.start()
            # Only the creations meet these answers: the stage after is not this test's.
            while True:
                left = await world.pool.fetchval(
                    "SELECT count(*) FROM categories WHERE youtube_playlist_id IS NULL"
                )
                if not left:
                    break
                await asyncio.sleep(0.01)
            world.admin.set_faults(ambiguous_rate=0.0, list_lag_ms=0)
            result = await finished(handle, WITHIN)
        assert result.stage == "completed"
        assert_youtube_matches(world, SMALL_EXPECTED)  # one playlist per title
        windows = world.admin.state()["playlistCreation"]["windows"]
        assert sum(w["created"] for w in windows) == 4
