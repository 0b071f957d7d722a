"""add_videos: each category's videos into its playlist, in order, never twice.

Every (category, video) pair has a sync_video_operations row. Before an insert is sent the row
gets `insert_started_at`; a pending row with it set means the outcome is unknown (a crash, a
lost answer), so the playlist's real items are read back before anything else goes into it.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

import asyncpg

from playlist_sync.models import (
    StageCounts,
    SyncError,
    SyncStage,
    SyncVideoOperationRecord,
    SyncVideoStatus,
)
from playlist_sync.planner import missing_videos
from playlist_sync.sync.failures import ends_the_step, worth_retrying
from playlist_sync.sync.job_store import append_errors, quota_used_by_sync, writes_held
from playlist_sync.sync.payloads import AdditionPlan, AddVideosRequest, StepOutcome
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.errors import (
    PlaylistFull,
    PlaylistNotFound,
    QuotaExceeded,
    VideoUnavailable,
    YouTubeError,
)

# How often a lost answer is looked up again before the step is left to Temporal's retry.
_READ_BACK_TRIES = 3


async def plan_video_additions(pool: asyncpg.Pool, job_id: int) -> AdditionPlan:
    """Create the job's operation rows from the plan (once: a retry inserts nothing new)."""
    async with pool.acquire() as conn, conn.transaction():
        # Categories whose playlist could not be created have nothing to add to.
        with_playlist = await _categories_with_playlist(conn)
        missing = [
            row
            for row in await missing_videos(conn, sync_job_id=job_id)
            if row["category_id"] in with_playlist
        ]
        skipped_now = await conn.fetch(
            """
            INSERT INTO sync_video_operations
                (sync_job_id, category_id, video_id, youtube_video_id, position, status,
                 error_message, completed_at)
            SELECT $1, m.category_id, m.video_id, m.youtube_video_id, m.position,
                   CASE WHEN m.reason IS NULL THEN 'pending' ELSE 'skipped' END,
                   m.reason,
                   CASE WHEN m.reason IS NULL THEN NULL ELSE now() END
            FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::int[], $6::text[])
                 AS m(category_id, video_id, youtube_video_id, position, reason)
            ON CONFLICT (sync_job_id, category_id, video_id) DO NOTHING
            RETURNING category_id, youtube_video_id, status, error_message
            """,
            job_id,
            [row["category_id"] for row in missing],
            [row["video_id"] for row in missing],
            [row["youtube_video_id"] for row in missing],
            [row["position"] for row in missing],
            [row["unavailable_reason"] for row in missing],
        )
        names = dict(await conn.fetch("SELECT id, name FROM categories"))
        errors = [
            SyncError(
                stage=SyncStage.ADD_VIDEOS,
                entity_type="video",
                entity_id=row["youtube_video_id"],
                message=f"skipped in {names[row['category_id']]!r}: {row['error_message']}",
                timestamp=datetime.now(UTC),
            )
            for row in skipped_now
            if row["status"] == "skipped"
        ]
        await append_errors(conn, job_id, errors)
        pending = await conn.fetch(
            """SELECT DISTINCT o.category_id, c.position FROM sync_video_operations o
               JOIN categories c ON c.id = o.category_id
               WHERE o.sync_job_id = $1 AND o.status = 'pending' ORDER BY c.position""",
            job_id,
        )
        totals = await job_totals(conn, job_id)
    return AdditionPlan(
        category_ids=[row["category_id"] for row in pending],
        total=totals.finished + await _pending(pool, job_id),
        finished=totals.finished,
        skipped=totals.skipped,
        new_errors=errors,
    )


async def add_videos_to_playlist(
    youtube: SyncYouTube,
    pool: asyncpg.Pool,
    request: AddVideosRequest,
    heartbeat: Callable[[int], None],
) -> StepOutcome:
    job_id, category_id = request.job_id, request.category_id
    playlist_id = await pool.fetchval(
        "SELECT youtube_playlist_id FROM categories WHERE id = $1", category_id
    )
    outcome = StepOutcome()
    if await _outcome_unknown_or_first_visit(pool, job_id, category_id):
        await _read_back(youtube, pool, job_id, category_id, playlist_id)
    ops = await _pending_operations(pool, job_id, category_id, limit=request.max_writes)
    trailing_failures = 0
    for op in ops:
        if await writes_held(pool, job_id):
            outcome.held = True
            break
        await pool.execute(
            "UPDATE sync_video_operations SET insert_started_at = now() WHERE id = $1", op.id
        )
        item_id: str | None
        try:
            item_id = await youtube.add_video_to_playlist(playlist_id, op.youtube_video_id)
        except QuotaExceeded as error:
            # Refused before it was sent, or refused by YouTube: either way nothing was added.
            await _forget_attempt(pool, op.id)
            outcome.quota_exhausted, outcome.next_reset = True, error.next_reset
            break
        except YouTubeError as error:
            if worth_retrying(error):
                item_id = await _look_up_lost_answer(youtube, pool, op, playlist_id)
            elif ends_the_step(error):
                raise
            else:
                failed = await _end_operation(pool, job_id, op, error)
                outcome.new_errors.append(failed)
                if isinstance(error, PlaylistFull | PlaylistNotFound):
                    # Nothing more can go into this playlist: report the rest, do not retry.
                    outcome.new_errors += await _fail_rest(pool, job_id, category_id, error)
                    break
                trailing_failures = trailing_failures + 1 if failed_not_skipped(error) else 0
                if trailing_failures >= request.failures_before_pause:
                    break
                continue
        if item_id is None:
            # The lost answer hid a failure: the row is pending again. End the batch rather
            # than insert the next video ahead of it, which would break the category's order.
            break
        await _complete(pool, job_id, op.id, item_id)
        trailing_failures = 0
        outcome.done += 1
        heartbeat(outcome.done)
    outcome.consecutive_failures = trailing_failures
    outcome.remaining = await _pending(pool, job_id, category_id)
    outcome.job_totals = await job_totals(pool, job_id)
    outcome.quota_used_by_sync = await quota_used_by_sync(pool, job_id)
    return outcome


def failed_not_skipped(error: YouTubeError) -> bool:
    return not _is_skip(error)


def _is_skip(error: YouTubeError) -> bool:
    """An unavailable video is skipped (and reported); anything else is a failure."""
    return isinstance(error, VideoUnavailable)


async def _categories_with_playlist(conn: asyncpg.Connection) -> set[int]:
    rows = await conn.fetch("SELECT id FROM categories WHERE youtube_playlist_id IS NOT NULL")
    return {row["id"] for row in rows}


async def job_totals(conn: asyncpg.Connection | asyncpg.Pool, job_id: int) -> StageCounts:
    rows = await conn.fetch(
        """SELECT status, count(*) FROM sync_video_operations
           WHERE sync_job_id = $1 AND status <> 'pending' GROUP BY status""",
        job_id,
    )
    counts = {SyncVideoStatus(status): n for status, n in rows}
    return StageCounts(
        succeeded=counts.get(SyncVideoStatus.COMPLETED, 0),
        skipped=counts.get(SyncVideoStatus.SKIPPED, 0),
        failed=counts.get(SyncVideoStatus.FAILED, 0),
    )


async def _pending_operations(
    pool: asyncpg.Pool, job_id: int, category_id: int, *, limit: int | None = None
) -> list[SyncVideoOperationRecord]:
    """The category's operations still to do, in the category's order."""
    rows = await pool.fetch(
        """SELECT * FROM sync_video_operations
           WHERE sync_job_id = $1 AND category_id = $2 AND status = 'pending'
           ORDER BY position LIMIT $3""",
        job_id,
        category_id,
        limit,
    )
    return [SyncVideoOperationRecord.model_validate(dict(row)) for row in rows]


async def _pending(pool: asyncpg.Pool, job_id: int, category_id: int | None = None) -> int:
    return int(
        await pool.fetchval(
            """SELECT count(*) FROM sync_video_operations
               WHERE sync_job_id = $1 AND status = 'pending'
                 AND ($2::bigint IS NULL OR category_id = $2)""",
            job_id,
            category_id,
        )
    )


async def _outcome_unknown_or_first_visit(
    pool: asyncpg.Pool, job_id: int, category_id: int
) -> bool:
    """Read back when an insert's outcome is unknown, or before this job's first insert into the
    playlist (it may hold videos from an earlier sync; a read costs 1 unit per 50 items)."""
    return bool(
        await pool.fetchval(
            """SELECT bool_or(insert_started_at IS NOT NULL AND status = 'pending')
                      OR NOT bool_or(status = 'completed' OR insert_started_at IS NOT NULL)
               FROM sync_video_operations WHERE sync_job_id = $1 AND category_id = $2""",
            job_id,
            category_id,
        )
    )


async def _read_back(
    youtube: SyncYouTube, pool: asyncpg.Pool, job_id: int, category_id: int, playlist_id: str
) -> None:
    """Mark done every pending operation whose video is already in the playlist."""
    items = await youtube.playlist_items(playlist_id)
    present: Counter[str] = Counter(item.video_id for item in items)
    item_ids = {item.video_id: item.id for item in items}
    claimed = await pool.fetch(
        """SELECT youtube_video_id FROM sync_video_operations
           WHERE sync_job_id = $1 AND category_id = $2 AND status = 'completed'""",
        job_id,
        category_id,
    )
    present.subtract(row["youtube_video_id"] for row in claimed)
    for op in await _pending_operations(pool, job_id, category_id):
        if present[op.youtube_video_id] > 0:
            present[op.youtube_video_id] -= 1
            await _complete(pool, job_id, op.id, item_ids[op.youtube_video_id])
        else:
            await _forget_attempt(pool, op.id)


async def _look_up_lost_answer(
    youtube: SyncYouTube, pool: asyncpg.Pool, op: SyncVideoOperationRecord, playlist_id: str
) -> str | None:
    """After a failure that may hide a success: is the video in the playlist now?"""
    for attempt in range(_READ_BACK_TRIES):
        try:
            items = await youtube.playlist_items(playlist_id)
        except YouTubeError as error:
            if not worth_retrying(error) or attempt == _READ_BACK_TRIES - 1:
                raise
            await asyncio.sleep(0.5 * 2**attempt)
            continue
        claimed = await pool.fetch(
            """SELECT youtube_item_id FROM sync_video_operations
               WHERE category_id = $1 AND youtube_item_id IS NOT NULL""",
            op.category_id,
        )
        taken = {row["youtube_item_id"] for row in claimed}
        for item in items:
            if item.video_id == op.youtube_video_id and item.id not in taken:
                return item.id
        await _forget_attempt(pool, op.id)
        return None
    return None


async def _complete(pool: asyncpg.Pool, job_id: int, op_id: int, item_id: str) -> None:
    # One statement: the operation and the job's live progress move together.
    await pool.execute(
        """WITH done AS (
               UPDATE sync_video_operations
               SET status = 'completed', youtube_item_id = $2, completed_at = now()
               WHERE id = $1 AND status = 'pending' RETURNING sync_job_id)
           UPDATE sync_jobs SET current_stage_progress = current_stage_progress + 1,
                                updated_at = now()
           WHERE id = (SELECT sync_job_id FROM done)""",
        op_id,
        item_id,
    )


async def _forget_attempt(pool: asyncpg.Pool, op_id: int) -> None:
    await pool.execute(
        "UPDATE sync_video_operations SET insert_started_at = NULL WHERE id = $1", op_id
    )


async def _end_operation(
    pool: asyncpg.Pool, job_id: int, op: SyncVideoOperationRecord, error: YouTubeError
) -> SyncError:
    status = SyncVideoStatus.SKIPPED if _is_skip(error) else SyncVideoStatus.FAILED
    sync_error = SyncError(
        stage=SyncStage.ADD_VIDEOS,
        entity_type="video",
        entity_id=op.youtube_video_id,
        message=f"{status}: {error.message}",
        timestamp=datetime.now(UTC),
    )
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            """UPDATE sync_video_operations
               SET status = $2, error_message = $3, completed_at = now(), insert_started_at = NULL
               WHERE id = $1""",
            op.id,
            status.value,
            error.message,
        )
        await conn.execute(
            """UPDATE sync_jobs SET current_stage_progress = current_stage_progress + 1
               WHERE id = $1""",
            job_id,
        )
        await append_errors(conn, job_id, [sync_error])
    return sync_error


async def _fail_rest(
    pool: asyncpg.Pool, job_id: int, category_id: int, error: YouTubeError
) -> list[SyncError]:
    reason = f"not added: {error.message}"
    rows = await pool.fetch(
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
