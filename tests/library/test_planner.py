"""The preview (and the lists the sync's stages use), computed from Postgres."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from playlist_sync.categories.apply import apply_categories
from playlist_sync.library.store import UnavailableReason
from playlist_sync.preview import build_preview
from playlist_sync.quota_windows import QuotaReset, window_start
from playlist_sync.reconcile.assignment import Strategy
from tests.library.conftest import LibraryRows

NOW = datetime(2025, 3, 4, 18, 30, tzinfo=UTC)
PACIFIC = QuotaReset()


async def _apply(pool: asyncpg.Pool, tmp_path: Path, text: str) -> None:
    path = tmp_path / "categories.yaml"
    path.write_text(text)
    await apply_categories(pool, path)


async def _set_target(pool: asyncpg.Pool, category: str, youtube_playlist_id: str) -> int:
    category_id: int = await pool.fetchval(
        "UPDATE categories SET youtube_playlist_id = $2 WHERE name = $1 RETURNING id",
        category,
        youtube_playlist_id,
    )
    return category_id


async def _use_quota(pool: asyncpg.Pool, units: int, at: datetime = NOW) -> None:
    await pool.execute(
        "INSERT INTO quota_windows (window_start, units_used, daily_limit) VALUES ($1, $2, 10000)",
        window_start(at, PACIFIC),
        units,
    )


async def test_the_preview_of_a_typical_library(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    await library.playlist(
        "PL1", "Recipes", ["a", "b", "c"], unavailable={"c": UnavailableReason.DELETED}
    )
    await library.playlist("PL2", "Music", ["d"])
    await library.playlist("PL3", "Watch again", ["f"])
    await library.playlist(
        "PL4", "Old stuff", ["g", "e", "p"], unavailable={"p": UnavailableReason.PRIVATE}
    )
    await library.playlist("PL5", "Ancient", ["h"], gone=True)
    await _apply(
        db_pool,
        tmp_path,
        """categories:
  - {name: Cooking, from_playlists: [Recipes]}
  - {name: Tunes, videos: [d, e, p]}
keep_playlists: [Watch again]
""",
    )
    # An earlier sync gave Tunes the imported "Music", which already holds d.
    tunes = await _set_target(db_pool, "Tunes", "PL2")
    await _use_quota(db_pool, 9_000)

    preview = await build_preview(
        db_pool, daily_quota=10_000, reset=PACIFIC, now=NOW, strategy=Strategy.RECREATE
    )
    data = preview.to_json()

    cooking = await db_pool.fetchval("SELECT id FROM categories WHERE name = 'Cooking'")
    stages = data["stages"]
    # recreate: the seed's plan, a new playlist per category.
    assert stages["createPlaylists"] == {
        "count": 2,
        "quotaCost": 100,
        "items": [
            {"categoryName": "Cooking", "categoryId": cooking},
            {"categoryName": "Tunes", "categoryId": tunes},
        ],
    }
    assert stages["addVideos"] == {
        "count": 4,
        "quotaCost": 200,
        "byCategory": [
            {"categoryName": "Cooking", "categoryId": cooking, "videoCount": 2},
            {"categoryName": "Tunes", "categoryId": tunes, "videoCount": 2},
        ],
    }
    # Not Watch again (kept), not Ancient (already gone).
    old = stages["deletePlaylists"]
    assert (old["count"], old["quotaCost"]) == (3, 150)
    assert [(p["playlistName"], p["youtubeId"], p["videoCount"]) for p in old["items"]] == [
        ("Music", "PL2", 1),
        ("Old stuff", "PL4", 3),
        ("Recipes", "PL1", 3),
    ]
    assert set(old["items"][0]) == {"playlistName", "playlistId", "youtubeId", "videoCount"}
    assert data["unavailableVideos"] == [
        {"categoryName": "Cooking", "youtubeVideoId": "c", "reason": "deleted"},
        {"categoryName": "Tunes", "youtubeVideoId": "p", "reason": "private"},
    ]
    assert data["unavailableVideosLeftInPlace"] == []  # new playlists hold nothing yet
    assert data["totalQuotaCost"] == 450
    assert data["dailyQuotaLimit"] == 10_000
    assert data["quotaRemainingToday"] == 1_000
    assert data["estimatedDays"] == 1

    # reuse: Cooking adopts Recipes (renamed; the item of its deleted video stays where it is),
    # Tunes adopts Music (renamed, e added); only Old stuff is deleted. 4 writes instead of 9.
    reuse = (await build_preview(db_pool, daily_quota=10_000, reset=PACIFIC, now=NOW)).to_json()
    assert reuse["strategy"] == "reuse" and reuse["totalQuotaCost"] == 200
    assert reuse["alternatives"] == {"recreate": {"totalQuotaCost": 450, "estimatedDays": 1}}
    planned = reuse["stages"]
    assert planned["createPlaylists"] == {"count": 0, "quotaCost": 0, "items": []}
    assert [
        (a["categoryName"], a["playlistName"], a["youtubeId"], a["update"])
        for a in planned["adoptPlaylists"]["items"]
    ] == [("Cooking", "Recipes", "PL1", True), ("Tunes", "Music", "PL2", True)]
    assert planned["adoptPlaylists"]["quotaCost"] == 100
    assert planned["addVideos"]["byCategory"] == [
        {"categoryName": "Tunes", "categoryId": tunes, "videoCount": 1}
    ]
    assert planned["removeVideos"]["count"] == planned["moveVideos"]["count"] == 0
    assert [p["playlistName"] for p in planned["deletePlaylists"]["items"]] == ["Old stuff"]
    # The deleted c stays in Recipes, so it is not left out; p goes with Old stuff.
    assert reuse["unavailableVideos"] == [
        {"categoryName": "Tunes", "youtubeVideoId": "p", "reason": "private"}
    ]
    assert reuse["unavailableVideosLeftInPlace"] == [
        {"categoryName": "Cooking", "youtubeVideoId": "c", "reason": "deleted"}
    ]


async def test_estimated_days_count_the_rest_of_a_partly_used_window(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    videos = [f"v{i}" for i in range(149)]
    await library.playlist("PL1", "All", videos)
    await _apply(
        db_pool,
        tmp_path,
        "categories:\n  - {name: Big, from_playlists: [All]}\nkeep_playlists: [All]\n",
    )

    async def days(used: int | None, daily: int = 10_000) -> tuple[int, int, int]:
        await db_pool.execute("DELETE FROM quota_windows")
        if used is not None:
            await _use_quota(db_pool, used)
        p = await build_preview(db_pool, daily_quota=daily, reset=PACIFIC, now=NOW)
        return p.total_quota_cost, p.quota_remaining_today, p.estimated_days

    # 150 writes = 7,500 units.
    assert await days(None) == (7_500, 10_000, 1)
    assert await days(9_000) == (7_500, 1_000, 2)  # 1,000 today, 6,500 tomorrow
    assert await days(10_000) == (7_500, 0, 1)  # nothing today: all of it in the next window
    assert await days(12_000) == (7_500, 0, 1)  # never below 0
    assert await days(9_000, daily=3_000) == (7_500, 0, 3)
    assert await days(1_000, daily=3_000) == (7_500, 2_000, 3)  # 2,000 + 3,000 + 2,500
    # A window of yesterday does not count against today.
    await db_pool.execute("DELETE FROM quota_windows")
    await _use_quota(db_pool, 9_000, at=NOW - timedelta(days=1))
    p = await build_preview(db_pool, daily_quota=10_000, reset=PACIFIC, now=NOW)
    assert (p.quota_remaining_today, p.estimated_days) == (10_000, 1)


async def test_nothing_to_do_costs_nothing(db_pool: asyncpg.Pool) -> None:
    preview = await build_preview(
        db_pool, daily_quota=10_000, reset=QuotaReset.parse("every:60s"), now=NOW
    )
    assert (preview.total_quota_cost, preview.estimated_days) == (0, 0)
    assert set(preview.to_json()) == {
        "stages",
        "totalQuotaCost",
        "estimatedDays",
        "dailyQuotaLimit",
        "unavailableVideos",
        "quotaRemainingToday",
        "unavailableVideosLeftInPlace",
        "videosInNoPlaylist",
        "strategy",
        "alternatives",
        "playlists",
        "keptPlaylists",
        "sharedVideos",
    }


async def test_a_library_that_already_matches_costs_nothing_and_an_edit_costs_its_difference(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    await library.playlist("PL1", "Cooking", ["a", "b", "c", "d"])
    await library.playlist("PL2", "Music", ["m", "n"])
    categories = """categories:
  - {name: Cooking, videos: [a, b, c, d]}
  - {name: Music, videos: [m, n]}
"""
    await _apply(db_pool, tmp_path, categories)
    same = await build_preview(db_pool, daily_quota=10_000, reset=PACIFIC, now=NOW)
    assert (same.total_quota_cost, same.estimated_days) == (0, 0)
    assert same.alternatives.recreate is not None
    assert same.alternatives.recreate.total_quota_cost == 50 * (2 + 6 + 2)

    # Renamed, reordered, trimmed: one update, one move, one removal.
    await _apply(
        db_pool,
        tmp_path,
        """categories:
  - {name: Kitchen, videos: [b, a, c]}
  - {name: Music, videos: [m, n]}
""",
    )
    edited = await build_preview(db_pool, daily_quota=10_000, reset=PACIFIC, now=NOW)
    stages = edited.stages
    assert (stages.adopt_playlists.count, stages.adopt_playlists.quota_cost) == (2, 50)
    assert (stages.move_videos.count, stages.remove_videos.count) == (1, 1)
    assert stages.create_playlists.count == stages.delete_playlists.count == 0
    assert edited.total_quota_cost == 150


async def test_a_category_whose_playlist_is_gone_gets_a_new_one(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    await library.playlist("PL1", "Source", ["a", "b"])
    await _apply(
        db_pool,
        tmp_path,
        "categories:\n  - {name: Mine, from_playlists: [Source]}\nkeep_playlists: [Source]\n",
    )
    mine = await _set_target(db_pool, "Mine", "PLmine")
    await library.playlist("PLmine", "Mine", ["a", "b"], gone=True)  # the user deleted it

    preview = await build_preview(db_pool, daily_quota=10_000, reset=PACIFIC, now=NOW)
    assert [p.category_id for p in preview.stages.create_playlists.items] == [mine]
    assert preview.stages.add_videos.count == 2
    assert preview.stages.delete_playlists.count == 0


async def test_the_preview_names_the_videos_that_end_in_no_playlist(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    """Deleting the old playlists leaves their uncategorised videos in no playlist: the user's
    choice, but one the preview must show before anything is deleted."""
    await library.playlist(
        "PL1", "Recipes", ["a", "b", "x"], unavailable={"x": UnavailableReason.DELETED}
    )
    await library.playlist("PL2", "Old stuff", ["c", "d", "k"])
    await library.playlist("PL3", "More old", ["d"])
    await library.playlist("PL4", "Watch again", ["k"])
    await _apply(
        db_pool,
        tmp_path,
        """categories:
  - {name: Cooking, videos: [a]}
keep_playlists: [Watch again]
""",
    )
    preview = (await build_preview(db_pool, daily_quota=10_000, reset=PACIFIC, now=NOW)).to_json()
    # b, c, d: in no category; k sits in a kept playlist; x is gone from YouTube anyway.
    assert preview["videosInNoPlaylist"] == [
        {"youtubeVideoId": "d", "title": "title d", "playlistNames": ["More old", "Old stuff"]},
        {"youtubeVideoId": "c", "title": "title c", "playlistNames": ["Old stuff"]},
        {"youtubeVideoId": "b", "title": "title b", "playlistNames": ["Recipes"]},
    ]


async def test_estimated_days_count_the_playlist_creation_limit(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    """12 new playlists at 10 a window take 2 windows although their units fit in one."""
    await library.playlist("PL1", "All", [f"v{i}" for i in range(12)])
    categories = "".join(f"  - {{name: C{i}, videos: [v{i}]}}\n" for i in range(12))
    await _apply(db_pool, tmp_path, f"categories:\n{categories}keep_playlists: [All]\n")

    async def days(per_window: int, made_today: int = 0, refused: bool = False) -> int:
        await db_pool.execute("DELETE FROM quota_windows")
        await db_pool.execute(
            """INSERT INTO quota_windows (window_start, units_used, daily_limit,
                                          playlists_created, creation_refused_at)
               VALUES ($1, 0, 10000, $2, $3)""",
            window_start(NOW, PACIFIC),
            made_today,
            NOW if refused else None,
        )
        p = await build_preview(
            db_pool, daily_quota=10_000, reset=PACIFIC, now=NOW, creates_per_window=per_window
        )
        # 12 creations + 12 additions = 1,200 units: one window by the units alone.
        assert p.total_quota_cost == 1_200
        return p.estimated_days

    assert await days(20) == 1
    assert await days(12) == 1
    assert await days(10) == 2  # 10 today, 2 (and the additions) tomorrow
    assert await days(10, made_today=9) == 3  # 1 today, 10 tomorrow, 1 the day after
    assert await days(10, made_today=10) == 2  # none today: 10 tomorrow, 2 the day after
    assert await days(10, refused=True) == 2  # YouTube refused one today: none more today
    assert await days(3) == 4  # 3 + 3 + 3 + 3
