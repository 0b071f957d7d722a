"""Starting a sync: the sync_jobs row with its preview, then the workflow that runs it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from temporalio.client import Client, WorkflowHandle
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from playlist_sync.config import Settings
from playlist_sync.models import CategoryAddition, SyncPreview, SyncStage
from playlist_sync.preview import current_preview
from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.restore.job_store import active_restore
from playlist_sync.sync.job_store import active_job
from playlist_sync.sync.payloads import SyncInput, SyncOptions, SyncProgress
from playlist_sync.temporal_client import SYNC_JOB_ID, SYNC_STAGE
from workflows.sync_workflow import PlaylistSyncWorkflow


class SyncRefused(Exception):
    """The sync cannot start; the message says why and what to do, in one line."""


class SyncDeclined(Exception):
    """The person shown the plan said no: nothing was recorded or started."""


# Shown the plan the sync will record, a person says whether it goes ahead.
Approval = Callable[[SyncPreview], Awaitable[bool]]


def workflow_id_for(job_id: int) -> str:
    return f"playlist-sync-{job_id}"


def memo_for(preview: SyncPreview) -> dict[str, int | str]:
    """The preview's totals, shown on the workflow's page in the Web UI."""
    return {
        "strategy": preview.strategy,
        "playlistsToCreate": preview.stages.create_playlists.count,
        "playlistsToAdopt": preview.stages.adopt_playlists.count,
        "videosToAdd": preview.stages.add_videos.count,
        "videosToMove": preview.stages.move_videos.count,
        "videosToRemove": preview.stages.remove_videos.count,
        "playlistsToDelete": preview.stages.delete_playlists.count,
        "totalQuotaCost": preview.total_quota_cost,
        "estimatedDays": preview.estimated_days,
    }


def stored_preview(preview: SyncPreview) -> dict[str, Any]:
    """The preview as the job keeps it: without the per-playlist video lists, which for a big
    library run to megabytes that `status` and every poll of `--follow` would read and parse;
    the job's counts, and the operations' rows, say what it does."""
    stored = preview.to_json()
    stored.pop("playlists", None)
    return stored


def static_summary(job_id: int, strategy: str, preview: SyncPreview) -> str:
    """One line at the top of the workflow's page: what this sync is."""
    categories = len(_categories(preview))
    return (
        f"Sync {job_id} ({strategy}): {categories} categories, {preview.total_quota_cost:,}"
        f" quota units, about {_days(preview.estimated_days)}"
    )


def static_details(preview: SyncPreview) -> str:
    """The plan as the sync started with it (markdown); the current details say where it is."""
    stages = preview.stages
    rows = [
        ("Create playlists", stages.create_playlists.count, stages.create_playlists.quota_cost),
        ("Adopt old playlists", stages.adopt_playlists.count, stages.adopt_playlists.quota_cost),
        ("Add videos", stages.add_videos.count, stages.add_videos.quota_cost),
        ("Move videos", stages.move_videos.count, stages.move_videos.quota_cost),
        ("Remove videos", stages.remove_videos.count, stages.remove_videos.quota_cost),
        ("Delete old playlists", stages.delete_playlists.count, stages.delete_playlists.quota_cost),
    ]
    lines = [
        "| stage | count | quota |",
        "|---|---:|---:|",
        *(f"| {name} | {count:,} | {cost:,} |" for name, count, cost in rows),
        f"| **Total** | | **{preview.total_quota_cost:,}** |",
        "",
        f"About {_days(preview.estimated_days)} at {preview.daily_quota_limit:,} units a day;"
        " the sync sleeps through each quota reset by itself.",
        "",
        "Categories: "
        + ", ".join(f"{c.category_name} ({c.video_count:,} to add)" for c in _categories(preview)),
    ]
    return "\n".join(lines)


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def _categories(preview: SyncPreview) -> list[CategoryAddition]:
    """Every category of the plan, once: those with videos to add, then the others."""
    stages = preview.stages
    adding = list(stages.add_videos.by_category)
    others: list[tuple[int, str]] = [
        *((c.category_id, c.category_name) for c in stages.create_playlists.items),
        *((c.category_id, c.category_name) for c in stages.adopt_playlists.items),
        *((c.category_id, c.category_name) for c in stages.move_videos.by_category),
        *((c.category_id, c.category_name) for c in stages.remove_videos.by_category),
    ]
    for category_id, name in others:
        if category_id not in {c.category_id for c in adding}:
            adding.append(
                CategoryAddition(category_name=name, category_id=category_id, video_count=0)
            )
    return adding


async def start_sync(
    client: Client,
    pool: asyncpg.Pool,
    settings: Settings,
    *,
    options: SyncOptions | None = None,
    task_queue: str | None = None,
    strategy: Strategy = Strategy.REUSE,
    approve: Approval | None = None,
) -> tuple[int, WorkflowHandle[Any, SyncProgress]]:
    """`approve`: asked with the plan before anything is recorded (None: no one to ask)."""
    running = await active_job(pool)
    if running is not None:
        raise SyncRefused(
            f"sync {running.id} is still active (workflow {running.workflow_id}); "
            f"wait for it, or `starter.py cancel {running.id}`"
        )
    restoring = await active_restore(pool)
    if restoring is not None:
        # The sync could delete a playlist the restore is bringing back.
        raise SyncRefused(
            f"restore {restoring.id} is still active (workflow {restoring.workflow_id}); "
            "wait for it to finish"
        )
    preview = await current_preview(pool, settings, strategy)
    if not await pool.fetchval("SELECT EXISTS (SELECT 1 FROM categories)"):
        raise SyncRefused("no categories yet: run `starter.py categories apply FILE` first")
    if approve is not None and not await approve(preview):
        raise SyncDeclined()
    try:
        job_id = await pool.fetchval(
            "INSERT INTO sync_jobs (preview_data, strategy) VALUES ($1, $2) RETURNING id",
            stored_preview(preview),
            strategy.value,
        )
    except asyncpg.UniqueViolationError:
        # Another starter won the race between the check above and this insert.
        raise SyncRefused("another sync started just now: see `starter.py status`") from None
    workflow_id = workflow_id_for(job_id)
    await pool.execute("UPDATE sync_jobs SET workflow_id = $2 WHERE id = $1", job_id, workflow_id)
    try:
        handle = await client.start_workflow(
            PlaylistSyncWorkflow.run,
            SyncInput(
                job_id=job_id,
                options=options or SyncOptions(),
                category_names={c.category_id: c.category_name for c in _categories(preview)},
            ),
            id=workflow_id,
            task_queue=task_queue or settings.temporal_task_queue,
            memo=memo_for(preview),
            static_summary=static_summary(job_id, strategy.value, preview),
            static_details=static_details(preview),
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(SYNC_STAGE, SyncStage.PENDING.value),
                    SearchAttributePair(SYNC_JOB_ID, job_id),
                ]
            ),
        )
    except Exception:
        # No workflow runs it: close the row so it does not block the next sync.
        await pool.execute(
            "UPDATE sync_jobs SET stage = 'failed', completed_at = now() WHERE id = $1", job_id
        )
        raise
    return job_id, handle
