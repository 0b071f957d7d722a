"""What add_videos reports in the job's errors, and the operation rows those reports end.

An unavailable video is skipped, anything else that YouTube refuses fails; a playlist that is
full or gone fails the rest of its operations at once; a playlist that YouTube sorts itself
skips its moves. Each report is a SyncError appended to `sync_jobs.errors` (what `status`
shows) and returned for the workflow's recent errors.
"""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from playlist_sync.models import SyncError, SyncStage, SyncVideoStatus
from playlist_sync.sync.job_store import append_errors
from playlist_sync.sync.playlist_leases import PlaylistLease, fenced
from playlist_sync.youtube.errors import VideoUnavailable, YouTubeError


def _is_skip(error: YouTubeError) -> bool:
    """An unavailable video is skipped (and reported); anything else is a failure."""
    return isinstance(error, VideoUnavailable)


async def end_operation(
    pool: asyncpg.Pool,
    lease: PlaylistLease,
    op_id: int,
    video_id: str,
    error: YouTubeError,
    message: str | None = None,
) -> SyncError:
    """The operation skipped (its video is unavailable) or failed, with `message` (default:
    YouTube's) as its reason."""
    job_id = lease.job_id
    status = SyncVideoStatus.SKIPPED if _is_skip(error) else SyncVideoStatus.FAILED
    message = message or error.message
    sync_error = SyncError(
        stage=SyncStage.ADD_VIDEOS,
        entity_type="video",
        entity_id=video_id,
        message=f"{status}: {message}",
        timestamp=datetime.now(UTC),
    )
    async with fenced(pool, lease) as conn:
        await conn.execute(
            """UPDATE sync_video_operations
               SET status = $2, error_message = $3, completed_at = now(), insert_started_at = NULL
               WHERE id = $1""",
            op_id,
            status.value,
            message,
        )
        await conn.execute(
            """UPDATE sync_jobs SET current_stage_progress = current_stage_progress + 1
               WHERE id = $1""",
            job_id,
        )
        await append_errors(conn, job_id, [sync_error])
    return sync_error


async def fail_rest(
    pool: asyncpg.Pool, lease: PlaylistLease, error: YouTubeError
) -> list[SyncError]:
    """Every operation of the playlist still to do, failed: nothing more can go into it."""
    job_id, category_id = lease.job_id, lease.category_id
    reason = f"not added: {error.message}"
    async with fenced(pool, lease) as conn:
        rows = await conn.fetch(
            """UPDATE sync_video_operations
           SET status = 'failed', error_message = $3, completed_at = now(), insert_started_at = NULL
           WHERE sync_job_id = $1 AND category_id = $2 AND status = 'pending'
           RETURNING youtube_video_id""",
            job_id,
            category_id,
            reason,
        )
    errors = [
        SyncError(
            stage=SyncStage.ADD_VIDEOS,
            entity_type="video",
            entity_id=row["youtube_video_id"],
            message=reason,
            timestamp=datetime.now(UTC),
        )
        for row in rows
    ]
    async with pool.acquire() as conn:
        await append_errors(conn, job_id, errors)
    return errors


async def skip_moves(pool: asyncpg.Pool, lease: PlaylistLease, reason: str) -> list[SyncError]:
    """Every move of the playlist still to do, skipped with the reason (reported once)."""
    async with fenced(pool, lease) as conn:
        skipped = await conn.fetchval(
            """WITH skipped AS (
                   UPDATE sync_video_operations
                   SET status = 'skipped', error_message = $3, completed_at = now(),
                       insert_started_at = NULL
                   WHERE sync_job_id = $1 AND category_id = $2 AND operation = 'move'
                     AND status = 'pending' RETURNING 1)
               SELECT count(*) FROM skipped""",
            lease.job_id,
            lease.category_id,
            reason,
        )
        error = SyncError(
            stage=SyncStage.ADD_VIDEOS,
            entity_type="category",
            entity_id=str(lease.category_id),
            message=f"{skipped} moves skipped: {reason}",
            timestamp=datetime.now(UTC),
        )
        await append_errors(conn, lease.job_id, [error])
    return [error]


async def note_retry(
    pool: asyncpg.Pool, job_id: int, video_id: str, error: YouTubeError
) -> SyncError:
    """A failure that another try may get past: reported, and counted towards the pause."""
    sync_error = SyncError(
        stage=SyncStage.ADD_VIDEOS,
        entity_type="video",
        entity_id=video_id,
        message=f"not added yet, will retry: {error.message}",
        timestamp=datetime.now(UTC),
    )
    async with pool.acquire() as conn:
        await append_errors(conn, job_id, [sync_error])
    return sync_error
