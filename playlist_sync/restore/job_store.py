"""The restore_jobs row and its playlists and items: created by the starter from the plan the
user saw, mirrored by the workflow, read by the CLI."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg

from playlist_sync.restore.models import RestoreError, RestoreJobRecord, RestorePlan, RestoreResults
from playlist_sync.restore.payloads import RestoreMirror
from playlist_sync.restore.quota import quota_used_by_restore


class RestoreRefused(Exception):
    """The restore cannot start; the message says why and what to do, in one line."""


def workflow_id_for(restore_job_id: int) -> str:
    return f"playlist-restore-{restore_job_id}"


async def create_restore_job(pool: asyncpg.Pool, plan: RestorePlan) -> int:
    """The job, a row per playlist and per item, and one per new playlist to delete, in one
    transaction: the plan as shown."""
    async with pool.acquire() as conn, conn.transaction():
        try:
            job_id = await conn.fetchval(
                """INSERT INTO restore_jobs (backup_snapshot_id, total, preview, keep_new)
                   VALUES ($1, $2, $3, $4) RETURNING id""",
                plan.snapshot_id,
                sum(len(p.video_ids) for p in plan.playlists),
                plan.to_json(),
                plan.keep_new,
            )
        except asyncpg.UniqueViolationError:
            active = await active_restore(pool)
            where = f" ({active.workflow_id})" if active else ""
            raise RestoreRefused(f"another restore is still active{where}; wait for it") from None
        await conn.execute(
            "UPDATE restore_jobs SET workflow_id = $2 WHERE id = $1",
            job_id,
            workflow_id_for(job_id),
        )
        skipped: list[RestoreError] = []
        for position, playlist in enumerate(plan.playlists):
            playlist_row = await conn.fetchval(
                """INSERT INTO restore_playlists (restore_job_id, position, original_playlist_id,
                       title, description, privacy_status, youtube_playlist_id, in_place,
                       described_at)
                   VALUES ($1, $2, $3, $4, $5, $6, $7::text, $7::text IS NOT NULL,
                           CASE WHEN $8 THEN now() END)
                   RETURNING id""",
                job_id,
                position,
                playlist.youtube_playlist_id,
                playlist.title,
                playlist.description,
                playlist.privacy_status,
                playlist.target_playlist_id,
                playlist.snippet_ok,
            )
            reasons = [playlist.unavailable.get(video_id) for video_id in playlist.video_ids]
            skipped_rows = await conn.fetch(
                """INSERT INTO restore_items (restore_playlist_id, position, youtube_video_id,
                       status, error_message, completed_at)
                   SELECT $1, i.position - 1, i.video_id,
                          CASE WHEN i.reason IS NULL THEN 'pending' ELSE 'skipped' END,
                          i.reason, CASE WHEN i.reason IS NOT NULL THEN now() END
                   FROM unnest($2::text[], $3::text[]) WITH ORDINALITY
                        AS i(video_id, reason, position)
                   RETURNING youtube_video_id, status, error_message""",
                playlist_row,
                playlist.video_ids,
                reasons,
            )
            skipped += [
                RestoreError(
                    entity_type="video",
                    entity_id=row["youtube_video_id"],
                    message=f"skipped in {playlist.title!r}: {row['error_message']}",
                    timestamp=datetime.now(UTC),
                )
                for row in skipped_rows
                if row["status"] == "skipped"
            ]
        await conn.executemany(
            """INSERT INTO restore_deletions (restore_job_id, youtube_playlist_id, title)
               VALUES ($1, $2, $3)""",
            [(job_id, p.youtube_playlist_id, p.title) for p in plan.to_delete],
        )
        await append_errors(conn, job_id, skipped)
    return int(job_id)


async def close_unstarted(pool: asyncpg.Pool, restore_job_id: int) -> None:
    """No workflow runs the job: close it so it does not block the next restore."""
    await pool.execute(
        "UPDATE restore_jobs SET stage = 'failed', completed_at = now() WHERE id = $1",
        restore_job_id,
    )


async def mirror_restore_job(pool: asyncpg.Pool, mirror: RestoreMirror) -> int:
    """Write the workflow's state to the row; returns the quota this restore has used so far."""
    async with pool.acquire() as conn, conn.transaction():
        await append_errors(conn, mirror.restore_job_id, mirror.append_errors)
        used = await quota_used_by_restore(conn, mirror.restore_job_id)
        await conn.execute(
            """UPDATE restore_jobs SET
                   stage = $2, progress = $3, total = $4, results = $5, pause_reason = $6,
                   next_resume_at = $7, last_resumed_at = $8, completed_at = $9,
                   cancelled_at = COALESCE(cancelled_at, $10), quota_used = $11,
                   updated_at = now()
               WHERE id = $1""",
            mirror.restore_job_id,
            mirror.stage.value,
            mirror.progress,
            mirror.total,
            mirror.results.to_json(),
            mirror.pause_reason.value if mirror.pause_reason else None,
            mirror.next_resume_at,
            mirror.last_resumed_at,
            mirror.completed_at,
            mirror.cancelled_at,
            used,
        )
    return used


async def append_errors(conn: Any, restore_job_id: int, errors: list[RestoreError]) -> None:
    if errors:
        await conn.execute(
            "UPDATE restore_jobs SET errors = errors || $2::jsonb WHERE id = $1",
            restore_job_id,
            [error.to_json() for error in errors],
        )


async def writes_held(db: Any, restore_job_id: int) -> bool:
    """Whether the user paused or cancelled: checked before every write, so the write in flight
    when the signal arrives is the last one."""
    return bool(
        await db.fetchval(
            """SELECT pause_reason = 'user_paused' OR cancelled_at IS NOT NULL
               FROM restore_jobs WHERE id = $1""",
            restore_job_id,
        )
    )


async def restore_totals(db: Any, restore_job_id: int) -> RestoreResults:
    row = await db.fetchrow(
        """SELECT
             (SELECT count(*) FROM restore_playlists WHERE restore_job_id = $1
                AND youtube_playlist_id IS NOT NULL AND described_at IS NOT NULL
                AND status <> 'failed') AS restored,
             (SELECT count(*) FROM restore_playlists WHERE restore_job_id = $1
                AND status = 'failed') AS failed_playlists,
             (SELECT count(*) FROM restore_deletions WHERE restore_job_id = $1
                AND status = 'deleted') AS deleted,
             (SELECT count(*) FROM restore_deletions WHERE restore_job_id = $1
                AND status = 'kept') AS kept,
             count(*) FILTER (WHERE i.status = 'completed' AND i.added) AS added,
             count(*) FILTER (WHERE i.status = 'completed' AND NOT i.added) AS in_place,
             count(*) FILTER (WHERE i.status = 'skipped') AS skipped,
             count(*) FILTER (WHERE i.status = 'failed') AS failed
           FROM restore_items i JOIN restore_playlists p ON p.id = i.restore_playlist_id
           WHERE p.restore_job_id = $1""",
        restore_job_id,
    )
    return RestoreResults(
        playlists_restored=row["restored"],
        playlists_failed=row["failed_playlists"],
        items_added=row["added"],
        items_in_place=row["in_place"],
        items_skipped=row["skipped"],
        items_failed=row["failed"],
        playlists_deleted=row["deleted"],
        playlists_kept=row["kept"],
    )


async def get_restore_job(pool: asyncpg.Pool, restore_job_id: int) -> RestoreJobRecord | None:
    row = await pool.fetchrow("SELECT * FROM restore_jobs WHERE id = $1", restore_job_id)
    return RestoreJobRecord.model_validate(dict(row)) if row else None


async def active_restore(pool: asyncpg.Pool) -> RestoreJobRecord | None:
    row = await pool.fetchrow("SELECT * FROM restore_jobs WHERE completed_at IS NULL LIMIT 1")
    return RestoreJobRecord.model_validate(dict(row)) if row else None
