"""The sync_jobs row: created by the starter, mirrored by the workflow, read by everyone else."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from playlist_sync.models import SyncError, SyncJobRecord
from playlist_sync.sync.payloads import JobMirror

ACTIVE = "completed_at IS NULL"


async def mirror_job(pool: asyncpg.Pool, mirror: JobMirror) -> int:
    """Write the workflow's state to the row; returns the quota this sync has used so far."""
    async with pool.acquire() as conn, conn.transaction():
        if mirror.append_errors:
            await append_errors(conn, mirror.job_id, mirror.append_errors)
        return await conn.fetchval(
            """
            UPDATE sync_jobs SET
                stage = $2,
                current_stage_progress = $3,
                current_stage_total = $4,
                stage_results = $5,
                pause_reason = $6,
                next_resume_at = $7,
                last_resumed_at = $8,
                completed_at = $9,
                cancelled_at = COALESCE(cancelled_at, $10),
                backup_snapshot_id = COALESCE($11, backup_snapshot_id),
                quota_used_this_sync = (
                    SELECT COALESCE(sum(units), 0) FROM quota_events WHERE sync_job_id = $1),
                updated_at = now()
            WHERE id = $1
            RETURNING quota_used_this_sync
            """,
            mirror.job_id,
            mirror.stage.value,
            mirror.progress,
            mirror.total,
            mirror.results.to_json(),
            mirror.pause_reason.value if mirror.pause_reason else None,
            mirror.next_resume_at,
            mirror.last_resumed_at,
            mirror.completed_at,
            mirror.cancelled_at,
            mirror.backup_snapshot_id,
        )


async def append_errors(conn: Any, job_id: int, errors: list[SyncError]) -> None:
    if errors:
        await conn.execute(
            "UPDATE sync_jobs SET errors = errors || $2::jsonb WHERE id = $1",
            job_id,
            [error.to_json() for error in errors],
        )


async def writes_held(conn: Any, job_id: int) -> bool:
    """Whether the user paused or cancelled: checked before every write, so the write in flight
    when the signal arrives is the last one."""
    return bool(
        await conn.fetchval(
            """SELECT pause_reason = 'user_paused' OR cancelled_at IS NOT NULL
               FROM sync_jobs WHERE id = $1""",
            job_id,
        )
    )


async def quota_used_by_sync(conn: Any, job_id: int) -> int:
    return int(
        await conn.fetchval(
            "SELECT COALESCE(sum(units), 0) FROM quota_events WHERE sync_job_id = $1", job_id
        )
    )


class JobRow:
    """A sync_jobs row as the CLI shows it."""

    def __init__(self, row: asyncpg.Record) -> None:
        self.row = row

    @property
    def id(self) -> int:
        return int(self.row["id"])

    @property
    def workflow_id(self) -> str:
        return str(self.row["workflow_id"])

    @property
    def next_resume_at(self) -> datetime | None:
        return self.row["next_resume_at"]

    @property
    def cancelled_at(self) -> datetime | None:
        return self.row["cancelled_at"]

    @property
    def active(self) -> bool:
        return self.row["completed_at"] is None

    def record(self) -> SyncJobRecord:
        return SyncJobRecord.model_validate(dict(self.row))

    def to_json(self) -> dict[str, Any]:
        data = self.record().to_json()
        data["workflowId"] = self.workflow_id
        data["nextResumeAt"] = self.next_resume_at.isoformat() if self.next_resume_at else None
        data["cancelledAt"] = self.cancelled_at.isoformat() if self.cancelled_at else None
        return data


async def get_job(pool: asyncpg.Pool, job_id: int | None) -> JobRow | None:
    """The job with this id, or the latest one."""
    if job_id is None:
        row = await pool.fetchrow("SELECT * FROM sync_jobs ORDER BY id DESC LIMIT 1")
    else:
        row = await pool.fetchrow("SELECT * FROM sync_jobs WHERE id = $1", job_id)
    return JobRow(row) if row else None


async def active_job(pool: asyncpg.Pool) -> JobRow | None:
    row = await pool.fetchrow(f"SELECT * FROM sync_jobs WHERE {ACTIVE} ORDER BY id LIMIT 1")
    return JobRow(row) if row else None
