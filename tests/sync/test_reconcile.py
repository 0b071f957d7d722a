"""Syncs converge: after a sync, editing the categories and syncing again makes only the
difference, and a sync with nothing to do makes no write at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from playlist_sync.models import SyncPreview
from tests.sync.conftest import CATEGORIES, EXPECTED, GUITAR, KEEP, RECIPES, in_category_order
from tests.sync.world import (
    SyncWorld,
    categorised_world,
    library,
    record_history,
    writes_made,
)

EDITED = """
categories:
  - name: Cooking
    description: what's for dinner
    videos: [din000000001, din000000003]
    from_playlists: [Recipes]
  - name: Strings
    from_playlists: [Guitar]
keep_playlists: [Keep me]
"""


async def _sync(world: SyncWorld, history: str | None = None) -> tuple[SyncPreview, int]:
    """A sync to its end: the preview it started with, and the writes it made."""
    job_id, handle = await world.start()
    result = await handle.result()
    if history is not None:
        await record_history(handle, history)
    assert result.stage == "completed"
    job = await world.job(job_id)
    return SyncPreview.model_validate(job["preview_data"]), await writes_made(world.pool, job_id)


async def test_a_second_sync_after_edits_makes_only_the_difference(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, seed=seed, categories=CATEGORIES
    ) as world:
        async with world.worker():
            first, written = await _sync(world)
            assert world.playlists_by_title() == EXPECTED
            assert 50 * written == first.total_quota_cost
            assert first.alternatives.recreate is not None
            assert first.total_quota_cost < first.alternatives.recreate.total_quota_cost

            # Renamed (Guitar & Bass), dropped (Short list), reordered and trimmed (Cooking).
            await world.apply(EDITED, tmp_path)
            second, written = await _sync(world, history="reconcile_resync")
            assert world.playlists_by_title() == {
                "Cooking": in_category_order(["din000000001", "din000000003"], RECIPES),
                "Strings": in_category_order(GUITAR),
                "Keep me": KEEP,
            }
            assert 50 * written == second.total_quota_cost
            planned = second.stages
            # Strings keeps its playlist (one update); Short list's playlist, made by the first
            # sync, is an old playlist now; nothing is made anew.
            assert planned.create_playlists.count == 0
            assert (planned.adopt_playlists.count, planned.adopt_playlists.quota_cost) == (2, 50)
            assert [p.playlist_name for p in planned.delete_playlists.items] == ["Short list"]
            assert planned.move_videos.count >= 1 and planned.remove_videos.count >= 1
            assert planned.add_videos.count == 0

            third, written = await _sync(world)
            assert (third.total_quota_cost, written) == (0, 0)
            assert world.playlists_by_title()["Strings"] == in_category_order(GUITAR)


async def test_a_playlist_youtube_sorts_itself_is_left_in_its_order_then_replaced(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    """YouTube answers a move in a playlist not sorted by hand with manualSortRequired: the
    moves are skipped (not failures that pause the sync), and the next sync, knowing it,
    makes the category a new playlist instead of adopting it."""
    seed = library({"Sorted by YouTube": ["a0000000000", "b0000000000", "c0000000000"]})
    seed["playlists"][0]["manualSort"] = False
    wanted = ["c0000000000", "a0000000000", "b0000000000"]
    categories = f"categories:\n  - name: Mine\n    videos: [{', '.join(wanted)}]\n"
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, seed=seed, categories=categories
    ) as world:
        async with world.worker():
            first, written = await _sync(world)
            assert (first.stages.adopt_playlists.count, first.stages.move_videos.count) == (1, 1)
            job = await world.job(await world.pool.fetchval("SELECT max(id) FROM sync_jobs"))
            assert any("moves skipped" in e["message"] for e in job["errors"])
            assert job["stage_results"]["add_videos"]["skipped"] == 1
            assert world.playlists_by_title() == {"Mine": sorted(wanted)}

            second, written = await _sync(world)
            assert second.stages.adopt_playlists.count == 0
            assert second.stages.create_playlists.count == 1
            assert 50 * written == second.total_quota_cost
            assert world.playlists_by_title() == {"Mine": wanted}
