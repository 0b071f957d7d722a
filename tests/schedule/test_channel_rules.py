"""A category that follows a channel: a scheduled run after the sync has nothing to do, and a
new video of the channel saved to the kept inbox joins the category with one write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from playlist_sync.schedule.payloads import RunOutcome
from tests.schedule.scheduled import paused_schedule
from tests.sync.world import categorised_world, library, videos

NEW = "tst000000099"
PLAYLISTS = {
    "Misc": ["tst000000008", "fre000000007"],
    "Guitar": videos("fre", 6),
    "Watch later": ["tst000000006", "fre000000006", "tst000000007"],
    "Recipes": videos("tst", 6),
}


def seed() -> dict[str, Any]:
    found = library(PLAYLISTS, extra_videos=(NEW,))
    for video in found["videos"]:
        video["channelTitle"] = "Tasty Lab" if video["id"].startswith("tst") else "Fret"
    return found


CATEGORIES = """
categories:
  - name: Cooking
    channels: [Tasty Lab]
  - name: Guitar
    from_playlists: [Guitar]
    channels: [Fret]
keep_playlists: [Watch later]
"""


async def test_a_channel_rule_follows_the_library_without_churn(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with (
        categorised_world(
            dev_server_env.client, database_url, tmp_path, seed(), categories=CATEGORIES
        ) as world,
        world.worker(),
    ):
        async with paused_schedule(world) as schedule:
            first = await schedule.run_ended(await schedule.trigger())
            assert first.result.outcome == RunOutcome.SYNCED, first.result
            synced = world.playlists_by_title()
            second = await schedule.run_ended(await schedule.trigger())
            assert second.result.outcome == RunOutcome.NOTHING_TO_DO, second.result

            (inbox,) = [
                p["id"] for p in world.admin.state()["playlists"] if p["title"] == "Watch later"
            ]
            await world.youtube.add_video_to_playlist(inbox, NEW)
            third = await schedule.run_ended(await schedule.trigger())
            assert third.result.writes == 1, third.result
            assert set(world.playlists_by_title()["Cooking"]) == {*synced["Cooking"], NEW}
            fourth = await schedule.run_ended(await schedule.trigger())
            assert fourth.result.outcome == RunOutcome.NOTHING_TO_DO, fourth.result
