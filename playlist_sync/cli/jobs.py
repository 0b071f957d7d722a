"""Finding the sync a command is about, and saying where it stands, in the user's words."""

from __future__ import annotations

import argparse

import asyncpg

from playlist_sync.cli.errors import BadInput
from playlist_sync.config import Settings
from playlist_sync.models import SyncJobRecord, SyncStage
from playlist_sync.sync.job_store import JobRow, active_job, get_job

# The stages that do work, in the order a sync runs them.
WORK_STAGES = (
    SyncStage.BACKUP,
    SyncStage.CREATE_PLAYLISTS,
    SyncStage.ADD_VIDEOS,
    SyncStage.DELETE_PLAYLISTS,
)


def add_job_argument(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument("job", nargs="?", type=_job_id, metavar="JOB", help=f"sync id ({default})")


def _job_id(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise argparse.ArgumentTypeError(f"a sync id is a positive number, not {text!r}")
    return int(text)


async def job_to_show(pool: asyncpg.Pool, job_id: int | None) -> JobRow:
    """The sync with this id, or the latest one."""
    job = await get_job(pool, job_id)
    if job is None:
        raise BadInput(
            f"no sync {job_id}" if job_id else "no sync yet: `starter.py sync` starts one"
        )
    return job


async def job_to_signal(pool: asyncpg.Pool, job_id: int | None) -> JobRow:
    """The sync with this id if it is still active, or the active one."""
    if job_id is not None:
        job = await job_to_show(pool, job_id)
        if not job.active:
            raise BadInput(f"sync {job.id} {finished_as(job)}")
        return job
    running = await active_job(pool)
    if running is not None:
        return running
    latest = await get_job(pool, None)
    if latest is None:
        raise BadInput("no sync yet: `starter.py sync` starts one")
    raise BadInput(f"no active sync (the latest, sync {latest.id}, {finished_as(latest)})")


def finished_as(job: JobRow) -> str:
    if job.cancelled_at is not None:
        return "was already cancelled"
    return f"already {job.record().stage.value}"


def web_ui_link(settings: Settings, workflow_id: str) -> str:
    return (
        f"{settings.temporal_ui_url}/namespaces/{settings.temporal_namespace}"
        f"/workflows/{workflow_id}"
    )


def work_stage(record: SyncJobRecord) -> SyncStage:
    """The work stage a sync is in, or was in when it paused or failed (the row then says
    only `paused` or `failed`)."""
    return record.stage if record.stage in WORK_STAGES else stage_reached(record)


def stage_reached(record: SyncJobRecord) -> SyncStage:
    """The last work stage the sync began: each stage's result is set as the stage begins
    (backup's as it ends), so the last one set tells."""
    results = record.stage_results
    for stage, result in (
        (SyncStage.DELETE_PLAYLISTS, results.delete_playlists),
        (SyncStage.ADD_VIDEOS, results.add_videos),
        (SyncStage.CREATE_PLAYLISTS, results.create_playlists),
    ):
        if result is not None:
            return stage
    return SyncStage.BACKUP if record.backup_snapshot_id is None else WORK_STAGES[1]
