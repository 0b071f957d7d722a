"""The user's edits on YouTube are never undone: a video added to a category's playlist since
the last sync joins the category, one removed leaves it, `categories export` shows both, and
where the file and YouTube disagree on the same video YouTube's newer edit wins and the run
says so. Scheduled or not, the next sync leaves the edits as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from temporalio.testing import WorkflowEnvironment

from playlist_sync.categories.export_file import export_categories
from playlist_sync.schedule.payloads import RunOutcome
from playlist_sync.starters.sync import start_sync
from playlist_sync.sync.payloads import SyncOptions
from tests.cli.conftest import cli_world_on
from tests.schedule.scheduled import paused_schedule
from tests.sync.world import (
    TEST_LAG_ALLOWANCE_SECONDS,
    SyncWorld,
    categorised_world,
    library,
    videos,
    writes_made,
)

NEW = "new000000001"
RCP = videos("rcp", 6)
SEED = library(
    {"Recipes": RCP, "Guitar": videos("gtr", 4), "Watch later": videos("wtl", 2)},
    extra_videos=(NEW,),
)
# Cooking adopts "Recipes" (its source): once the sync has trimmed it, the source still
# stands for the six videos it held.
CATEGORIES = """
categories:
  - name: Cooking
    from_playlists: [Recipes]
    exclude: [rcp000000005]
  - name: Guitar
    from_playlists: [Guitar]
keep_playlists: [Watch later]
"""


def items(world: SyncWorld, title: str) -> list[dict[str, Any]]:
    (playlist,) = [p for p in world.admin.state()["playlists"] if p["title"] == title]
    return sorted(playlist["items"], key=lambda item: item["position"])


def playlist_id(world: SyncWorld, title: str) -> str:
    (found,) = [p["id"] for p in world.admin.state()["playlists"] if p["title"] == title]
    return str(found)


async def exported(world: SyncWorld) -> dict[str, dict[str, Any]]:
    document = yaml.safe_load(await export_categories(world.pool))
    return {c["name"]: c for c in document["categories"]}


async def test_edits_on_youtube_join_and_leave_the_category_and_youtube_wins_a_conflict(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with (
        categorised_world(
            dev_server_env.client, database_url, tmp_path, SEED, categories=CATEGORIES
        ) as world,
        world.worker(),
    ):
        async with paused_schedule(world) as schedule:
            first = await schedule.run_ended(await schedule.trigger())
            assert first.result.outcome == RunOutcome.SYNCED, first.result
            assert world.playlists_by_title()["Cooking"] == RCP[:5]

            # On the phone: one removed, one new, and the one the file excludes added back.
            cooking = playlist_id(world, "Cooking")
            (removed,) = [i for i in items(world, "Cooking") if i["videoId"] == RCP[2]]
            await world.youtube.delete_playlist_item(removed["id"])
            await world.youtube.add_video_to_playlist(cooking, NEW)
            await world.youtube.add_video_to_playlist(cooking, RCP[5])
            edited = [RCP[0], RCP[1], RCP[3], RCP[4], NEW, RCP[5]]
            assert world.playlists_by_title()["Cooking"] == edited

            second = await schedule.run_ended(await schedule.trigger())
            assert second.result.outcome in (RunOutcome.SYNCED, RunOutcome.NOTHING_TO_DO)
            on_youtube = world.playlists_by_title()["Cooking"]
            assert sorted(on_youtube) == sorted(edited), "an edit made on YouTube was undone"
            notes = "\n".join(second.result.notes)
            assert f"2 videos you added on YouTube since sync {first.result.job_id}" in notes
            assert f"1 video you removed on YouTube since sync {first.result.job_id}" in notes
            assert "YouTube's newer edit wins" in notes
            job = await world.job(second.result.job_id)
            assert any(
                "the file excludes rcp000000005" in error["message"] for error in job["errors"]
            ), job["errors"]

            category = (await exported(world))["Cooking"]
            assert category["videos"] == [NEW, RCP[5]]
            assert category["exclude"] == [RCP[2]]

            # The edits are the category's now: the next run has nothing to do.
            third = await schedule.run_ended(await schedule.trigger())
            assert third.result.outcome == RunOutcome.NOTHING_TO_DO, third.result
            assert world.playlists_by_title()["Cooking"] == on_youtube


async def test_a_sync_started_by_hand_keeps_an_edit_made_on_youtube(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with (
        categorised_world(
            dev_server_env.client, database_url, tmp_path, SEED, categories=CATEGORIES
        ) as world,
        world.worker(),
    ):
        options = SyncOptions(lag_allowance_seconds=TEST_LAG_ALLOWANCE_SECONDS)
        _, handle = await start_sync(
            world.client, world.pool, world.settings, options=options, youtube=world.youtube
        )
        assert (await handle.result()).stage == "completed"
        (removed,) = [i for i in items(world, "Guitar") if i["videoId"] == "gtr000000001"]
        await world.youtube.delete_playlist_item(removed["id"])
        # An import in between (`starter.py import`) does not make the edit look like the base.
        await world.import_library()

        job_id, handle = await start_sync(
            world.client, world.pool, world.settings, options=options, youtube=world.youtube
        )
        assert (await handle.result()).stage == "completed"
        assert await writes_made(world.pool, job_id) == 0
        assert "gtr000000001" not in world.playlists_by_title()["Guitar"]
        assert (await exported(world))["Guitar"]["exclude"] == ["gtr000000001"]


async def test_starter_sync_says_which_edits_it_kept(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with cli_world_on(dev_server_env.client, database_url, tmp_path) as cli:
        await cli.ready_to_sync()
        async with cli.world.worker():
            first = await cli.run("sync", "--follow", within=90)
            assert first.code == 0, first.err
            n = int(first.out.split()[2])
            (removed,) = [i for i in items(cli.world, "Guitar") if i["videoId"] == "gtr000000001"]
            await cli.world.youtube.delete_playlist_item(removed["id"])
            second = await cli.run("sync", "--follow", within=90)
        assert second.code == 0, second.err
        assert (
            f"Kept from YouTube: category 'Guitar': 1 video you removed on YouTube since sync {n}"
            " left it (gtr000000001)"
        ) in second.out, second.out
        assert "Nothing to do: YouTube already matches your categories (0 writes)." in second.out
        assert "gtr000000001" not in cli.world.playlists_by_title()["Guitar"]
