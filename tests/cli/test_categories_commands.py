"""`categories init`, `export` and `apply` with rules, run as a user runs them, and a sync of
a file that uses every rule against the emulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from playlist_sync.demo.sample_library import sample_library
from tests.cli.conftest import cli_world_on, starter, user_environment
from tests.sync.world import writes_made

TASTY = {"channelTitle": "Tasty Lab", "channelId": "UCtastylab000000000000000"}
FRET = {"channelTitle": "Fret Academy", "channelId": "UCfretacademy0000000000000"}
OUTSIDE = "ext000000001"  # YouTube has it, no playlist of the user does


def _video(video_id: str, title: str = "", **channel: str) -> dict[str, Any]:
    return {
        "id": video_id,
        "title": title or f"Video {video_id}",
        "channelTitle": "Someone",
        "status": "public",
        **channel,
    }


def rules_library() -> dict[str, Any]:
    rcp = [f"rcp00000000{n}" for n in range(6)]
    din = [f"din00000000{n}" for n in range(5)]
    gtr = [f"gtr00000000{n}" for n in range(5)]
    wtl = [f"wtl00000000{n}" for n in range(3)]
    videos = [
        *(_video(v, **(TASTY if v in (rcp[1], rcp[3]) else {})) for v in rcp),
        *(_video(v, "Pasta night" if v == din[2] else "", **(TASTY if v == din[4] else {}))
          for v in din),
        *(_video(v, "Pasta song" if v == gtr[3] else "", **FRET) for v in gtr),
        *(_video(v, **(TASTY if v == wtl[1] else {})) for v in wtl),
        _video(OUTSIDE, "Found elsewhere", channelTitle="Elsewhere"),
    ]  # fmt: skip
    playlists = {"Recipes": rcp, "Dinners": din, "Guitar": gtr, "Watch later": wtl}
    return {
        "channel": {"id": "UCtestchannel000000000000", "title": "Test Channel"},
        "videos": videos,
        "playlists": [
            {
                "id": f"PLseed{index:026d}",
                "title": title,
                "description": f"My {title.lower()}",
                "privacyStatus": "public" if title == "Guitar" else "private",
                "items": items,
            }
            for index, (title, items) in enumerate(playlists.items())
        ],
    }


RULES = f"""categories:
  - name: Cooking
    privacy: unlisted
    videos: [{OUTSIDE}, din000000003]
    from_playlists: [Recipes]
    channels: [Tasty Lab]
    title_matches: "(?i)pasta"
    exclude: [rcp000000005]
  - name: Guitar
    channels: [UCfretacademy0000000000000]
    exclude: [gtr000000000]
keep_playlists: [Watch later]
"""
# Explicit first; Recipes in order (less the excluded); then, in library order (Recipes,
# Dinners, Guitar, Watch later), Tasty Lab's videos and the titles with "pasta", once each.
COOKING = [
    OUTSIDE,
    "din000000003",
    *(f"rcp00000000{n}" for n in range(5)),
    "din000000002",
    "din000000004",
    "gtr000000003",
    "wtl000000001",
]
GUITAR = [f"gtr00000000{n}" for n in range(1, 5)]


async def test_init_then_apply_stores_the_library_as_it_is_and_export_applies_as_is(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with cli_world_on(
        dev_server_env.client, database_url, tmp_path, seed=rules_library()
    ) as cli:
        assert (await cli.run("import")).code == 0
        refused = await cli.run("categories", "export")
        assert (refused.code, refused.err_lines) == (
            2,
            ["error: no categories stored yet: `starter.py categories init` writes a starting"
             " file"],
        )  # fmt: skip

        path = cli.cwd / "mine.yaml"
        written = await cli.run("categories", "init", "--output", str(path))
        assert written.code == 0, written.err
        assert written.out.splitlines() == [
            f"Wrote {path}; edit it, then `starter.py categories apply {path}`."
        ]
        again = await cli.run("categories", "init", "--output", str(path))
        assert (again.code, again.err_lines) == (
            2,
            [f"error: {path} exists; choose another name, or remove it first"],
        )
        assert (await cli.run("categories", "init")).out == path.read_text()
        assert "  - name: Recipes  # 6 videos\n" in path.read_text()

        applied = await cli.run("categories", "apply", str(path))
        assert applied.code == 0, applied.err
        assert applied.out.splitlines() == [
            "+ Recipes (6 videos)",
            "+ Dinners (5 videos)",
            "+ Guitar (5 videos, public)",
            "+ Watch later (3 videos)",
        ]
        # Each category is its playlist: name, description, privacy, videos in order.
        same = await cli.world.pool.fetch(
            """SELECT p.title, c.name IS NOT NULL
                      AND (c.name, c.description, c.privacy_status)
                          = (p.title, p.description, p.privacy_status)
                      AND (SELECT array_agg(video_id ORDER BY position) FROM category_videos
                           WHERE category_id = c.id)
                          = (SELECT array_agg(video_id ORDER BY position) FROM playlist_videos
                             WHERE playlist_id = p.id) AS same
               FROM playlists p LEFT JOIN categories c ON c.name = p.title"""
        )
        assert {row["title"]: row["same"] for row in same} == dict.fromkeys(
            ("Recipes", "Dinners", "Guitar", "Watch later"), True
        )

        exported = cli.cwd / "exported.yaml"
        assert (await cli.run("categories", "export", "--output", str(exported))).code == 0
        unchanged = await cli.run("categories", "apply", str(exported))
        assert (unchanged.code, unchanged.out) == (0, "Nothing changed.\n")


async def test_a_file_with_every_rule_syncs_to_exactly_the_videos_it_selects(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with cli_world_on(
        dev_server_env.client, database_url, tmp_path, seed=rules_library()
    ) as cli:
        assert (await cli.run("import")).code == 0
        path = cli.cwd / "rules.yaml"
        path.write_text(RULES)

        # Without a grant, a video outside the library cannot be looked up: nothing stored.
        no_grant = user_environment(
            **{**cli.world.environment(), "PLAYLIST_SYNC_DATA_DIR": str(tmp_path / "none")}
        )
        refused = await starter(no_grant, "categories", "apply", str(path), cwd=cli.cwd)
        assert refused.code == 2
        assert refused.err.startswith(
            "error: cannot look up 1 video outside the library: no YouTube authorisation in"
        )
        assert await cli.world.pool.fetchval("SELECT count(*) FROM categories") == 0

        applied = await cli.run("categories", "apply", str(path))
        assert applied.code == 0, applied.err
        assert applied.out.splitlines() == [
            "Looked up 1 video outside the library on YouTube (1 found): 1 quota unit.",
            "+ Cooking (11 videos, unlisted)",
            "+ Guitar (4 videos)",
            "Keeping: Watch later",
        ]
        # Known now: applied again with YouTube out of reach, nothing changes.
        offline = user_environment(
            **{**cli.world.environment(), "YOUTUBE_API_URL": "http://127.0.0.1:9"}
        )
        again = await starter(offline, "categories", "apply", str(path), cwd=cli.cwd)
        assert (again.code, again.out, again.err) == (0, "Nothing changed.\n", "")

        preview = json.loads((await cli.run("preview", "--json")).out)
        assert preview["sharedVideos"] == [
            {
                "youtubeVideoId": "gtr000000003",
                "title": "Pasta song",
                "categoryNames": ["Cooking", "Guitar"],
            }
        ]
        table = await cli.run("preview")
        assert "1 video is in several categories" in table.out

        async with cli.world.worker():
            _, handle = await cli.world.start()
            result = await handle.result()
        assert result.stage == "completed"
        playlists = cli.world.playlists_by_title()
        assert playlists["Cooking"] == COOKING
        assert playlists["Guitar"] == GUITAR
        assert set(playlists) == {"Cooking", "Guitar", "Watch later"}


async def test_the_demo_library_described_by_init_costs_nothing_to_sync(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    """init -> apply -> preview: 0 units (strategy reuse), and a sync of it writes nothing."""
    async with cli_world_on(
        dev_server_env.client, database_url, tmp_path, seed=sample_library()
    ) as cli:
        assert (await cli.run("import")).code == 0
        path = cli.cwd / "library.yaml"
        assert (await cli.run("categories", "init", "--output", str(path))).code == 0
        assert (await cli.run("categories", "apply", str(path))).code == 0
        preview = json.loads((await cli.run("preview", "--json")).out)
        assert (preview["totalQuotaCost"], preview["estimatedDays"]) == (0, 0)
        recreate = json.loads((await cli.run("preview", "--strategy", "recreate", "--json")).out)
        assert recreate["totalQuotaCost"] > 0
        assert preview["alternatives"]["recreate"]["totalQuotaCost"] == recreate["totalQuotaCost"]

        before = cli.world.admin.state()["playlists"]
        async with cli.world.worker():
            started = await cli.run("sync", "--follow")
        assert started.code == 0, started.err
        assert "Nothing to do: YouTube already matches your categories (0 writes)." in started.out
        job = await cli.world.pool.fetchval("SELECT max(id) FROM sync_jobs")
        assert await writes_made(cli.world.pool, job) == 0
        assert cli.world.admin.state()["playlists"] == before
