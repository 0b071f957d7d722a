"""The schema carries every column the seed's web app reads, and the types round-trip through it."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from playlist_sync.db.migrations import migrate
from playlist_sync.models import (
    AddVideosPlan,
    CategoryAddition,
    CreatePlaylistsPlan,
    DeletePlaylistsPlan,
    PauseReason,
    PlannedStages,
    PlaylistToCreate,
    StageCounts,
    StageResults,
    SyncError,
    SyncJobRecord,
    SyncPreview,
    SyncStage,
)

SEED_COLUMNS = {
    "sync_jobs": {
        "id", "stage", "current_stage_progress", "current_stage_total", "stage_results", "errors",
        "quota_used_this_sync", "pause_reason", "preview_data", "started_at", "completed_at",
        "last_resumed_at", "backup_snapshot_id",
    },
    "sync_video_operations": {
        "id", "sync_job_id", "category_id", "video_id", "youtube_video_id", "status",
        "error_message", "completed_at",
    },
    "categories": {"youtube_playlist_id"},
    "playlists": {"deleted_from_youtube_at"},
}  # fmt: skip


async def test_schema_has_every_seed_column(db_pool: asyncpg.Pool) -> None:
    for table, columns in SEED_COLUMNS.items():
        rows = await db_pool.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = $1", table
        )
        assert columns <= {row["column_name"] for row in rows}, table


async def test_sync_jobs_defaults_match_the_seed(db_pool: asyncpg.Pool) -> None:
    row = await db_pool.fetchrow("INSERT INTO sync_jobs DEFAULT VALUES RETURNING *")
    assert row["stage"] == "pending"
    assert row["stage_results"] == {}
    assert row["errors"] == []
    assert row["started_at"].tzinfo is not None


async def test_migrations_are_idempotent(db_pool: asyncpg.Pool) -> None:
    async with db_pool.acquire() as conn:
        assert await migrate(conn) == []
        assert await conn.fetchval("SELECT count(*) FROM schema_migrations") >= 1


async def test_only_one_active_sync_at_a_time(db_pool: asyncpg.Pool) -> None:
    await db_pool.execute("INSERT INTO sync_jobs DEFAULT VALUES")
    try:
        await db_pool.execute("INSERT INTO sync_jobs DEFAULT VALUES")
    except asyncpg.UniqueViolationError:
        pass
    else:
        raise AssertionError("a second active sync was accepted")
    await db_pool.execute("UPDATE sync_jobs SET completed_at = now()")
    await db_pool.execute("INSERT INTO sync_jobs DEFAULT VALUES")


async def test_seed_types_round_trip_through_jsonb_with_seed_keys(db_pool: asyncpg.Pool) -> None:
    now = datetime.now(UTC)
    preview = SyncPreview(
        stages=PlannedStages(
            create_playlists=CreatePlaylistsPlan(
                count=1,
                quota_cost=50,
                items=[PlaylistToCreate(category_name="Cooking", category_id=1)],
            ),
            add_videos=AddVideosPlan(
                count=2,
                quota_cost=100,
                by_category=[
                    CategoryAddition(category_name="Cooking", category_id=1, video_count=2)
                ],
            ),
            delete_playlists=DeletePlaylistsPlan(count=0, quota_cost=0),
        ),
        total_quota_cost=150,
        estimated_days=1,
        daily_quota_limit=10_000,
    )
    results = StageResults(add_videos=StageCounts(succeeded=2, skipped=1))
    error = SyncError(
        stage=SyncStage.ADD_VIDEOS, entity_type="video", entity_id="abc", message="gone",
        timestamp=now,
    )  # fmt: skip
    row = await db_pool.fetchrow(
        """INSERT INTO sync_jobs (stage, preview_data, stage_results, errors, pause_reason)
           VALUES ($1, $2, $3, $4, $5) RETURNING *""",
        SyncStage.PAUSED.value,
        preview.to_json(),
        results.to_json(),
        [error.to_json()],
        PauseReason.QUOTA_EXHAUSTED.value,
    )
    stored = row["preview_data"]
    assert {"stages", "totalQuotaCost", "estimatedDays", "dailyQuotaLimit"} <= set(stored)
    assert stored["stages"]["createPlaylists"]["items"] == [
        {"categoryName": "Cooking", "categoryId": 1}
    ]
    assert stored["stages"]["addVideos"]["byCategory"][0] == {
        "categoryName": "Cooking", "categoryId": 1, "videoCount": 2,
    }  # fmt: skip
    assert stored["stages"]["createPlaylists"]["quotaCost"] == 50
    assert row["errors"][0]["entityType"] == "video"
    # Stages not begun have no key, as in the seed's map.
    assert row["stage_results"] == {"add_videos": {"succeeded": 2, "failed": 0, "skipped": 1}}
    record = SyncJobRecord.model_validate(dict(row))
    assert record.preview_data == preview
    assert record.stage_results == results
    assert record.errors == [error]
    assert record.to_json()["stageResults"] == row["stage_results"]
