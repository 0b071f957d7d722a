"""`import`, `categories apply` and `preview`, run as a user runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.cli.conftest import CATEGORIES, DELETED, PRIVATE, CliWorld, starter, user_environment


async def test_import_twice_changes_nothing_the_second_time(cli_world: CliWorld) -> None:
    first = await cli_world.run("import")
    assert first.code == 0, first.err
    lines = first.out.splitlines()
    assert lines[0] == "Imported 4 playlists, 33 items, 33 videos (2 unavailable)."
    assert lines[1] == "New: Recipes, Dinners, Guitar, Watch later"

    counts = "SELECT (SELECT count(*) FROM playlists), (SELECT count(*) FROM playlist_videos)"
    before = await cli_world.world.pool.fetchrow(counts)
    again = await cli_world.run("import")
    assert again.code == 0, again.err
    assert again.out.splitlines() == [lines[0]]  # nothing new, updated or gone
    assert await cli_world.world.pool.fetchrow(counts) == before


async def test_import_without_a_grant_says_to_authorise(database_url: str, tmp_path: Path) -> None:
    env = user_environment(
        DATABASE_URL=database_url,
        PLAYLIST_SYNC_DATA_DIR=str(tmp_path / "data"),
        YOUTUBE_API_URL="http://127.0.0.1:9",
    )
    ran = await starter(env, "import", cwd=tmp_path)
    assert ran.code == 2 and len(ran.err_lines) == 1
    assert ran.err.startswith("error: no YouTube authorisation in ")
    assert "run `starter.py auth --client-secrets FILE`" in ran.err


async def test_categories_apply_reports_what_changed(cli_world: CliWorld) -> None:
    await cli_world.ready_to_sync()
    path = cli_world.cwd / "categories.yaml"
    again = await cli_world.run("categories", "apply", str(path))
    assert again.code == 0 and again.out.splitlines() == ["Nothing changed."]

    path.write_text(
        CATEGORIES.replace("from_playlists: [Recipes, Dinners]", "from_playlists: [Recipes]")
    )
    changed = await cli_world.run("categories", "apply", str(path))
    assert changed.code == 0, changed.err
    assert changed.out.splitlines() == ["~ Cooking: -10 videos"]


async def test_a_bad_categories_file_lists_every_problem_and_writes_nothing(
    cli_world: CliWorld,
) -> None:
    await cli_world.ready_to_sync()
    stored = """SELECT c.name, cv.video_id, cv.position FROM categories c
                JOIN category_videos cv ON c.id = cv.category_id ORDER BY 1, 3"""
    before = await cli_world.world.pool.fetch(stored)
    bad = cli_world.cwd / "bad.yaml"
    bad.write_text(
        "categories:\n"
        "  - name: Cooking\n"
        "    videos: [nosuchvideo]\n"
        "  - name: Bad <title>\n"
        "    from_playlists: [Nope]\n"
        "keep_playlists: [Watch later]\n"
    )
    ran = await cli_world.run("categories", "apply", str(bad))
    assert ran.code == 2
    assert ran.err_lines == [
        "Looked up 1 video outside the library on YouTube (0 found): 1 quota unit.",
        f"{bad}:3: categories[0].videos[0]: unknown video id 'nosuchvideo' (YouTube shows no such video to this account: a typo, a deleted video, or someone else's private one)",
        f"{bad}:4: categories[1].name: YouTube refuses titles containing '<' or '>'",
        f"{bad}:5: categories[1].from_playlists[0]: unknown playlist 'Nope' (no imported playlist has this title or id)",
        "error: the categories file has 3 problems; nothing was written",
    ]
    assert ran.out == ""
    assert await cli_world.world.pool.fetch(stored) == before


async def test_categories_apply_and_import_are_refused_while_a_sync_is_active(
    cli_world: CliWorld,
) -> None:
    await cli_world.ready_to_sync()
    # No worker: the sync stays active (waiting for one) for as long as we look.
    started = await cli_world.run("sync")
    assert started.code == 0, started.err
    assert "warning: no worker has polled task queue" in started.err
    n = int(re.match(r"Started sync (\d+) ", started.out).group(1))  # type: ignore[union-attr]
    refused = await cli_world.run("categories", "apply", str(cli_world.cwd / "categories.yaml"))
    assert refused.code == 2
    assert refused.err_lines == [
        f"error: sync {n} is active; apply categories after it ends, or `starter.py cancel {n}` first"
    ]
    before = await cli_world.world.pool.fetchval("SELECT max(updated_at) FROM playlists")
    refused = await cli_world.run("import")
    assert refused.code == 2
    assert refused.err_lines == [
        f"error: sync {n} is active; import after it ends, or `starter.py cancel {n}` first"
    ]
    assert await cli_world.world.pool.fetchval("SELECT max(updated_at) FROM playlists") == before
    # A signal with no worker to act on it is sent, and the user is told it waits for one.
    paused = await cli_world.run("pause")
    assert paused.code == 0, paused.err
    assert paused.out.strip() == (
        f"sent pause to sync {n}; it takes effect when a worker runs the sync"
        " (is `worker.py` running?)"
    )
    # Leave nothing running on the shared Temporal server.
    assert (await cli_world.run("cancel")).code == 0


async def test_preview_as_a_table_and_as_json(cli_world: CliWorld) -> None:
    await cli_world.ready_to_sync()
    # The default, reuse: old playlists adopted, and what recreate would cost beside.
    reuse = await cli_world.run("preview")
    assert reuse.code == 0, reuse.err
    for expected in ("(strategy reuse)", "Adopt old playlists", "With --strategy recreate: 1,650"):
        assert expected in reuse.out, f"{expected!r} not in:\n{reuse.out}"

    table = await cli_world.run("preview", "--strategy", "recreate")
    assert table.code == 0, table.err
    text = table.out
    for expected in (
        "Create playlists",
        "Add videos",
        "Delete old playlists",
        "of 10,000 units. Estimated: 1 day",
        "Old playlists to delete",
        "Recipes",
        "Dinners",
        DELETED,
        PRIVATE,
    ):
        assert expected in text, f"{expected!r} not in:\n{text}"
    # Kept: shown as kept, never as a deletion.
    assert "Kept as they are (keep_playlists): Watch later (3 videos)" in text, text
    assert "Watch later" not in text.partition("Old playlists to delete")[2], text
    # The import's reads (1 unit a page) come out of this window.
    assert re.search(r"Quota left in this window: 9,9\d\d of 10,000 units", text)

    as_json = await cli_world.run("preview", "--strategy", "recreate", "--json")
    preview = json.loads(as_json.out)
    assert set(preview) == {
        "stages",
        "totalQuotaCost",
        "estimatedDays",
        "dailyQuotaLimit",
        "unavailableVideos",
        "quotaRemainingToday",
        "unavailableVideosLeftInPlace",
        "videosInNoPlaylist",
        "sharedVideos",
        "strategy",
        "alternatives",
        "playlists",
        "keptPlaylists",
    }
    stages = preview["stages"]
    assert stages["createPlaylists"]["count"] == 2
    assert stages["addVideos"]["count"] == 28  # 20 + 10 videos, less the 2 unavailable
    assert {p["playlistName"] for p in stages["deletePlaylists"]["items"]} == {
        "Recipes",
        "Dinners",
        "Guitar",
    }
    assert preview["totalQuotaCost"] == 50 * (2 + 28 + 3)
    assert {v["youtubeVideoId"] for v in preview["unavailableVideos"]} == {DELETED, PRIVATE}
    assert preview["videosInNoPlaylist"] == []  # every video of the old playlists has a category


async def test_preview_tells_unavailable_videos_left_in_place_from_those_left_out(
    cli_world: CliWorld,
) -> None:
    """A playlist a category adopts keeps its items of the category's unavailable videos (no
    one could add them back): the preview says they stay, not that they are left out, and the
    sync does what the preview said."""
    await cli_world.ready_to_sync()
    preview = json.loads((await cli_world.run("preview", "--json")).out)
    adopted = {
        a["categoryName"]: a["playlistName"] for a in preview["stages"]["adoptPlaylists"]["items"]
    }
    # Guitar adopts Guitar, which holds the private video; Cooking adopts Dinners, and
    # Recipes, the one playlist holding the deleted video, is deleted.
    assert adopted == {"Cooking": "Dinners", "Guitar": "Guitar"}
    assert preview["unavailableVideosLeftInPlace"] == [
        {"categoryName": "Guitar", "youtubeVideoId": PRIVATE, "reason": "private"}
    ]
    assert preview["unavailableVideos"] == [
        {"categoryName": "Cooking", "youtubeVideoId": DELETED, "reason": "deleted"}
    ]

    text = (await cli_world.run("preview")).out
    left_out, _, in_place = text.partition("Left where they are: ")
    assert "Left out: videos YouTube cannot add" in left_out, text
    assert DELETED in left_out and PRIVATE not in left_out, text
    assert "the adopted playlists hold" in in_place and PRIVATE in in_place, text

    async with cli_world.world.worker():
        ran = await cli_world.run("sync", "--follow", within=90)
    assert ran.code == 0, ran.err
    job = json.loads((await cli_world.run("status", "--json")).out)
    assert job["stage"] == "completed"
    skipped = [e["entityId"] for e in job["errors"] if e["message"].startswith("skipped in")]
    assert skipped == [DELETED]
    assert job["stageResults"]["add_videos"]["skipped"] == 1
    guitar = next(p for p in cli_world.world.admin.state()["playlists"] if p["title"] == "Guitar")
    assert PRIVATE in [item["videoId"] for item in guitar["items"]]
