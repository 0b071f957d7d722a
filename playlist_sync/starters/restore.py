"""Starting a restore: the plan becomes the restore_jobs row, then the workflow that runs it."""

from __future__ import annotations

from typing import Any

import asyncpg
from temporalio.client import Client, WorkflowHandle
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from playlist_sync.config import Settings
from playlist_sync.restore.job_store import (
    RestoreRefused,
    active_restore,
    close_unstarted,
    create_restore_job,
    workflow_id_for,
)
from playlist_sync.restore.models import RestoreJobRecord, RestorePlan, RestoreStage
from playlist_sync.restore.payloads import RestoreInput, RestoreOptions
from playlist_sync.sync.job_store import active_job
from playlist_sync.temporal_client import SYNC_STAGE
from workflows.restore_workflow import PlaylistRestoreWorkflow


def memo_for(plan: RestorePlan) -> dict[str, int]:
    """The plan's totals, shown on the workflow's page in the Web UI."""
    return {
        "backupSnapshotId": plan.snapshot_id,
        "playlistsToRestore": len(plan.playlists),
        "playlistsInPlace": sum(p.in_place for p in plan.playlists),
        "playlistsToDelete": len(plan.to_delete),
        "videosToAdd": plan.items,
        "unavailableVideos": plan.unavailable_items,
        "totalQuotaCost": plan.quota_cost,
        "estimatedWindows": plan.estimated_windows,
    }


async def check_can_start(pool: asyncpg.Pool) -> None:
    """A restore alongside a sync or another restore could make a playlist twice or have the
    sync delete what the restore just made."""
    sync = await active_job(pool)
    if sync is not None:
        raise RestoreRefused(
            f"sync {sync.id} is still active (workflow {sync.workflow_id}); "
            f"wait for it, or `starter.py cancel {sync.id}`"
        )
    restore = await active_restore(pool)
    if restore is not None:
        raise RestoreRefused(
            f"restore {restore.id} is still active (workflow {restore.workflow_id}); wait for it"
        )


async def create_restore(pool: asyncpg.Pool, plan: RestorePlan) -> int:
    """The job's rows, once nothing else runs: what `start_restore_workflow` then starts."""
    await check_can_start(pool)
    return await create_restore_job(pool, plan)


async def start_restore_workflow(
    client: Client,
    pool: asyncpg.Pool,
    settings: Settings,
    restore_job_id: int,
    plan: RestorePlan,
    *,
    options: RestoreOptions | None = None,
    task_queue: str | None = None,
) -> WorkflowHandle[Any, RestoreJobRecord]:
    try:
        return await client.start_workflow(
            PlaylistRestoreWorkflow.run,
            RestoreInput(
                restore_job_id=restore_job_id,
                backup_snapshot_id=plan.snapshot_id,
                options=options or RestoreOptions(),
            ),
            id=workflow_id_for(restore_job_id),
            task_queue=task_queue or settings.temporal_task_queue,
            memo=memo_for(plan),
            static_summary=(
                f"Restore {restore_job_id} of snapshot {plan.snapshot_id}:"
                f" {len(plan.playlists)} playlists, {plan.items:,} videos,"
                f" {len(plan.to_delete)} to delete,"
                f" {plan.quota_cost:,} quota units"
            ),
            search_attributes=TypedSearchAttributes(
                [SearchAttributePair(SYNC_STAGE, RestoreStage.PENDING.value)]
            ),
        )
    except Exception:
        await close_unstarted(pool, restore_job_id)
        raise


async def start_restore(
    client: Client,
    pool: asyncpg.Pool,
    settings: Settings,
    plan: RestorePlan,
    *,
    options: RestoreOptions | None = None,
    task_queue: str | None = None,
) -> tuple[int, WorkflowHandle[Any, RestoreJobRecord]]:
    restore_job_id = await create_restore(pool, plan)
    handle = await start_restore_workflow(
        client, pool, settings, restore_job_id, plan, options=options, task_queue=task_queue
    )
    return restore_job_id, handle
