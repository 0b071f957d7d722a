"""`preview` shows the plan a person approves: per category the playlist it becomes (new, or
which old one it takes over, renamed) and the videos each playlist gains, loses and moves, by
title; the playlists it deletes with their videos, and the kept ones as kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from tests.cli.conftest import cli_world_on
from tests.sync.world import library, videos

RECIPES = videos("rcp", 7)
TRIPS = ["trv000000001", "trv000000002"]
RANDOM = ["trv000000000", "msc000000000", "msc000000001"]
CATEGORIES = f"""
categories:
  - name: Cooking
    videos: [{RECIPES[6]}]
    from_playlists: [Recipes]
  - name: Travel
    videos: [trv000000000, trv000000001, trv000000002]
  - name: Favourites
    videos: [{", ".join(reversed(RECIPES))}]
keep_playlists: [Watch later]
"""


def travel_library() -> dict[str, Any]:
    seed = library(
        {
            "Recipes": RECIPES,
            "Random stuff": RANDOM,
            "Trips": TRIPS,
            "Watch later": videos("wtl", 3),
        }
    )
    names = {"rcp": "Recipe", "trv": "Travel vlog", "msc": "Misc clip", "wtl": "Later"}
    for video in seed["videos"]:
        video["title"] = f"{names[video['id'][:3]]} {int(video['id'][3:])}"
    return seed


async def test_preview_shows_which_playlist_becomes_what_and_which_videos_move(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with cli_world_on(
        dev_server_env.client, database_url, tmp_path, seed=travel_library()
    ) as cli:
        await cli.ready_to_sync(CATEGORIES)
        shown = await cli.run("preview")
        assert shown.code == 0, shown.err
        text = shown.out
        for expected in (
            # Travel takes over Trips (2 of its 3 videos there), not "Random stuff".
            'Travel: takes over "Trips", renamed to "Travel" (3 videos)',
            "+ gains 1 video",
            "Travel vlog 0 [trv000000000]  (now in Random stuff)",
            'Cooking: takes over "Recipes", renamed to "Cooking" (7 videos)',
            "~ moves into place 1 video",
            "Recipe 6 [rcp000000006]",
            "Favourites: a new playlist (7 videos)",
            "+ gains 7 videos",
            "... and 2 more",
            "`preview --full` lists every video",
            "Kept as they are (keep_playlists): Watch later (3 videos)",
        ):
            assert expected in text, f"{expected!r} not in:\n{text}"
        # The old playlist no category takes is deleted, with its videos counted.
        deleted = text.partition("Old playlists to delete")[2]
        assert "Random stuff" in deleted and "│      3 │" in deleted, text
        assert "- Watch later" not in text

        full = (await cli.run("preview", "--full")).out
        assert "... and" not in full, full
        assert all(f"[{video}]" in full for video in RECIPES), full

        preview = json.loads((await cli.run("preview", "--json")).out)
        # The seed's keys stay; the plan per playlist stands beside them.
        assert {"stages", "totalQuotaCost", "estimatedDays", "dailyQuotaLimit"} <= set(preview)
        plans = {p["categoryName"]: p for p in preview["playlists"]}
        travel = plans["Travel"]
        assert (travel["action"], travel["playlistName"], travel["renamed"]) == (
            "adopt",
            "Trips",
            True,
        )
        assert travel["gains"] == [
            {
                "youtubeVideoId": "trv000000000",
                "title": "Travel vlog 0",
                "heldBy": ["Random stuff"],
                "goesTo": [],
            }
        ]
        assert plans["Favourites"]["action"] == "create"
        assert [v["youtubeVideoId"] for v in plans["Favourites"]["gains"]] == RECIPES[::-1]
        assert [v["youtubeVideoId"] for v in plans["Cooking"]["moves"]] == [RECIPES[6]]
        assert preview["keptPlaylists"] == [
            {"playlistName": "Watch later", "youtubeId": "PLseed00000000000000000000000003",
             "videoCount": 3}
        ]  # fmt: skip
