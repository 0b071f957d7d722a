"""The preview (and the lists the sync's stages use), computed from Postgres."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg

from playlist_sync.categories.apply import apply_categories
from playlist_sync.library.store import UnavailableReason
from playlist_sync.planner import (
    VideoToAdd,
    build_preview,
    categories_to_create,
    playlists_to_delete,
    videos_to_add,
)
from playlist_sync.quota_windows import QuotaReset, window_start
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
    # Tunes fills the imported "Music", which already holds d.
    tunes = await _set_target(db_pool, "Tunes", "PL2")
    await _use_quota(db_pool, 9_000)

    preview = await build_preview(db_pool, daily_quota=10_000, reset=PACIFIC, now=NOW)
    data = preview.to_json()

    cooking = await db_pool.fetchval("SELECT id FROM categories WHERE name = 'Cooking'")
    stages = data["stages"]
    assert stages["createPlaylists"] == {
        "count": 1,
        "quotaCost": 50,
        "items": [{"categoryName": "Cooking", "categoryId": cooking}],
    }
    assert stages["addVideos"] == {
        "count": 3,
        "quotaCost": 150,
        "byCategory": [
            {"categoryName": "Cooking", "categoryId": cooking, "videoCount": 2},
            {"categoryName": "Tunes", "categoryId": tunes, "videoCount": 1},
        ],
    }
    # Not Music (Tunes' target), not Watch again (kept), not Ancient (already gone).
    old = stages["deletePlaylists"]
    assert (old["count"], old["quotaCost"]) == (2, 100)
    assert [(p["playlistName"], p["youtubeId"], p["videoCount"]) for p in old["items"]] == [
        ("Old stuff", "PL4", 3),
        ("Recipes", "PL1", 3),
    ]
    assert set(old["items"][0]) == {"playlistName", "playlistId", "youtubeId", "videoCount"}
    assert data["unavailableVideos"] == [
        {"categoryName": "Cooking", "youtubeVideoId": "c", "reason": "deleted"},
        {"categoryName": "Tunes", "youtubeVideoId": "p", "reason": "private"},
    ]
    assert data["totalQuotaCost"] == 300
    assert data["dailyQuotaLimit"] == 10_000
    assert data["quotaRemainingToday"] == 1_000
    assert data["estimatedDays"] == 1

    # The sync's stages read the same plan.
    assert [p.category_name for p in await categories_to_create(db_pool)] == ["Cooking"]
    assert await videos_to_add(db_pool, tunes) == [
        VideoToAdd(await _video_id(db_pool, "e"), "e", 1)
    ]
    assert [p.playlist_name for p in await playlists_to_delete(db_pool)] == [
        "Old stuff",
        "Recipes",
    ]


async def _video_id(pool: asyncpg.Pool, youtube_video_id: str) -> int:
    value: int = await pool.fetchval(
        "SELECT id FROM videos WHERE youtube_video_id = $1", youtube_video_id
    )
    return value


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
        "videosInNoPlaylist",
        "sharedVideos",
    }


async def test_what_a_sync_already_added_is_not_added_again(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    await library.playlist("PL1", "Source", ["a", "b", "c"])
    await _apply(
        db_pool,
        tmp_path,
        """categories:
  - {name: Fresh, videos: [a, b, c]}
  - {name: Imported, videos: [a, b, c]}
keep_playlists: [Source]
""",
    )
    fresh = await _set_target(db_pool, "Fresh", "PLfresh")  # created, never imported
    imported = await _set_target(db_pool, "Imported", "PLimp")
    await library.playlist("PLimp", "Imported", ["a"])  # the import saw a in it
    job = await db_pool.fetchval("INSERT INTO sync_jobs DEFAULT VALUES RETURNING id")
    read_at = await db_pool.fetchval(
        "SELECT imported_at FROM playlists WHERE youtube_playlist_id = 'PLimp'"
    )

    async def completed(category_id: int, video: str, at: datetime) -> None:
        await db_pool.execute(
            """INSERT INTO sync_video_operations
                   (sync_job_id, category_id, video_id, youtube_video_id, status, completed_at, position)
               SELECT $1, $2, id, youtube_video_id, 'completed', $4, 0 FROM videos
               WHERE youtube_video_id = $3""",
            job, category_id, video, at,
        )  # fmt: skip

    await completed(fresh, "b", read_at)
    await completed(imported, "b", read_at + timedelta(seconds=1))  # after the import read it
    await completed(imported, "c", read_at - timedelta(seconds=1))  # the import should have seen it

    assert [v.youtube_video_id for v in await videos_to_add(db_pool, fresh)] == ["a", "c"]
    # c was added before the import read the playlist, which did not hold it: the user removed
    # it since, and a sync puts it back.
    assert [v.youtube_video_id for v in await videos_to_add(db_pool, imported)] == ["c"]
    # The job itself trusts all its additions (YouTube's lists may lag its writes).
    assert await videos_to_add(db_pool, imported, sync_job_id=job) == []
    preview = await build_preview(
        db_pool, daily_quota=10_000, reset=PACIFIC, now=NOW, sync_job_id=job
    )
    assert preview.stages.add_videos.count == 2
    assert preview.stages.create_playlists.count == 0


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
