"""sync_jobs rows written before the seed's shapes (issue 9) are rewritten by migration 0004,
so that other tools, and our own readers, see only the seed's SyncPreview and StageResults."""

from __future__ import annotations

from typing import Any

import asyncpg

from playlist_sync.db.migrations import migrate
from playlist_sync.sync.job_store import JobRow
from tests.seed.seed_types import mismatches, seed_types

SEED = seed_types()

# As the code before issue 9 wrote them (a sync cancelled during add_videos).
OLD_RESULTS = {
    "backup": {"snapshotId": 1, "playlistCount": 5, "videoCount": 101},
    "createPlaylists": {"created": 3, "failed": 0},
    "addVideos": {"added": 10, "skipped": 2, "failed": 1},
    "deletePlaylists": None,
}
OLD_PREVIEW = {
    "createPlaylists": {
        "count": 2,
        "quotaCost": 100,
        "categories": [{"categoryId": 1, "name": "Cooking"}, {"categoryId": 2, "name": "Guitar"}],
    },
    "addVideos": {
        "count": 3,
        "quotaCost": 150,
        "byCategory": [{"categoryId": 1, "categoryName": "Cooking", "videoCount": 3}],
    },
    "deletePlaylists": {
        "count": 1,
        "quotaCost": 50,
        "playlists": [
            {"playlistId": 4, "youtubePlaylistId": "PL4", "title": "Old stuff", "videoCount": 3}
        ],
    },
    "totalQuotaCost": 300,
    "estimatedDays": 1,
    "dailyQuotaLimit": 10_000,
    "unavailableVideos": [{"categoryName": "Cooking", "youtubeVideoId": "c", "reason": "deleted"}],
    "quotaRemainingToday": 9_000,
}
ERRORS = [
    {
        "stage": "add_videos",
        "entityType": "video",
        "entityId": "c",
        "message": "skipped in 'Cooking': deleted",
        "timestamp": "2026-11-24T22:32:01.563819Z",
    }
]


async def _insert(pool: asyncpg.Pool, preview: Any, results: Any) -> int:
    job_id: int = await pool.fetchval(
        """INSERT INTO sync_jobs (stage, preview_data, stage_results, errors, completed_at)
           VALUES ('failed', $1, $2, $3, now()) RETURNING id""",
        preview,
        results,
        ERRORS,
    )
    return job_id


async def _rerun_migration_4(pool: asyncpg.Pool) -> None:
    async with pool.acquire() as conn:
        await conn.execute("DELETE FROM schema_migrations WHERE version = 4")
        assert await migrate(conn) == [4]


async def test_old_rows_are_rewritten_in_the_seed_shapes(db_pool: asyncpg.Pool) -> None:
    old = await _insert(db_pool, OLD_PREVIEW, OLD_RESULTS)
    await _rerun_migration_4(db_pool)

    row = await db_pool.fetchrow("SELECT * FROM sync_jobs WHERE id = $1", old)
    assert row["stage_results"] == {
        "backup": {
            "succeeded": 5, "failed": 0, "skipped": 0,
            "snapshotId": 1, "playlistCount": 5, "videoCount": 101,
        },
        "create_playlists": {"succeeded": 3, "failed": 0, "skipped": 0},
        "add_videos": {"succeeded": 10, "failed": 1, "skipped": 2},
    }  # fmt: skip
    assert row["preview_data"] == {
        "stages": {
            "createPlaylists": {
                "count": 2,
                "quotaCost": 100,
                "items": [
                    {"categoryName": "Cooking", "categoryId": 1},
                    {"categoryName": "Guitar", "categoryId": 2},
                ],
            },
            "addVideos": OLD_PREVIEW["addVideos"],
            "deletePlaylists": {
                "count": 1,
                "quotaCost": 50,
                "items": [
                    {"playlistName": "Old stuff", "playlistId": 4, "youtubeId": "PL4",
                     "videoCount": 3},
                ],
            },
        },
        "totalQuotaCost": 300,
        "estimatedDays": 1,
        "dailyQuotaLimit": 10_000,
        "unavailableVideos": OLD_PREVIEW["unavailableVideos"],
        "quotaRemainingToday": 9_000,
    }  # fmt: skip
    assert row["errors"] == ERRORS
    assert mismatches(row["stage_results"], SEED["StageResults"], SEED) == []
    assert mismatches(row["preview_data"], SEED["SyncPreview"], SEED) == []

    # `status --json` prints the rewritten row as it is stored.
    shown = JobRow(row).to_json()
    assert shown["stageResults"] == row["stage_results"]
    # (With our own keys of later previews beside the seed's, empty for this old one.)
    none = {"count": 0, "quotaCost": 0}
    assert shown["previewData"] == {
        **row["preview_data"],
        "stages": {
            **row["preview_data"]["stages"],
            "adoptPlaylists": {**none, "items": []},
            "moveVideos": {**none, "byCategory": []},
            "removeVideos": {**none, "byCategory": []},
        },
        "unavailableVideosLeftInPlace": [],
        "videosInNoPlaylist": [],
        "sharedVideos": [],
        "strategy": "recreate",
        "alternatives": {},
        # The per-playlist plan: not kept in a job's row (preview has it), none kept back.
        "playlists": None,
        "keptPlaylists": [],
    }


async def test_rows_in_the_seed_shapes_are_left_as_they_are(db_pool: asyncpg.Pool) -> None:
    written = {"create_playlists": {"succeeded": 1, "failed": 0, "skipped": 0}}
    current = await _insert(db_pool, None, written)
    fresh = await db_pool.fetchval("INSERT INTO sync_jobs DEFAULT VALUES RETURNING id")
    before = await db_pool.fetch("SELECT * FROM sync_jobs ORDER BY id")
    await _rerun_migration_4(db_pool)
    after = await db_pool.fetch("SELECT * FROM sync_jobs ORDER BY id")
    assert [dict(r) for r in after] == [dict(r) for r in before]
    assert [r["id"] for r in after] == [current, fresh]
    assert after[0]["stage_results"] == written
    assert after[1]["stage_results"] == {} and after[1]["preview_data"] is None
