"""add_videos' sync_video_operations rows: what is still to do, and each write's bookkeeping.

A write's row goes pending -> `insert_started_at` set (record_intent, just before the write is
sent) -> completed (complete_operation) or back to no attempt (forget_attempt, when it is known
not to have happened). Each of these changes is made under the playlist's lease (fenced), so an
attempt that Temporal gave up on cannot record anything once a newer one holds the playlist.
"""

from __future__ import annotations

import asyncpg

from playlist_sync.models import StageCounts, SyncVideoStatus
from playlist_sync.sync.playlist_leases import PlaylistLease, fenced, note_write


async def job_totals(conn: asyncpg.Connection | asyncpg.Pool, job_id: int) -> StageCounts:
    rows = await conn.fetch(
        """SELECT status, count(*) FROM sync_video_operations
           WHERE sync_job_id = $1 AND status <> 'pending' AND superseded_at IS NULL
           GROUP BY status""",
        job_id,
    )
    counts = {SyncVideoStatus(status): n for status, n in rows}
    return StageCounts(
        succeeded=counts.get(SyncVideoStatus.COMPLETED, 0),
        skipped=counts.get(SyncVideoStatus.SKIPPED, 0),
        failed=counts.get(SyncVideoStatus.FAILED, 0),
    )


async def count_pending(pool: asyncpg.Pool, job_id: int, category_id: int | None = None) -> int:
    """The job's operations still to do; those of one category when it is given."""
    return int(
        await pool.fetchval(
            """SELECT count(*) FROM sync_video_operations
               WHERE sync_job_id = $1 AND status = 'pending'
                 AND ($2::bigint IS NULL OR category_id = $2)""",
            job_id,
            category_id,
        )
    )


async def record_intent(pool: asyncpg.Pool, lease: PlaylistLease, op_id: int) -> bool:
    """Just before the insert is sent, in the lease's transaction: False if it is no longer
    pending; LeaseLost if a newer attempt holds the playlist (then nothing is sent)."""
    async with fenced(pool, lease) as conn:
        started = await conn.fetchval(
            """UPDATE sync_video_operations SET insert_started_at = now()
               WHERE id = $1 AND status = 'pending' RETURNING id""",
            op_id,
        )
        if started is not None:
            await note_write(conn, lease)
    return started is not None


async def complete_operation(
    pool: asyncpg.Pool, lease: PlaylistLease, op_id: int, item_id: str | None
) -> None:
    async with fenced(pool, lease) as conn:
        # One statement: the operation and the job's live progress move together.
        await conn.execute(
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


async def forget_attempt(pool: asyncpg.Pool, lease: PlaylistLease, op_id: int) -> None:
    """The write is known not to have happened: the row is pending again, with no attempt."""
    async with fenced(pool, lease) as conn:
        await conn.execute(
            "UPDATE sync_video_operations SET insert_started_at = NULL WHERE id = $1", op_id
        )
