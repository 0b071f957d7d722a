"""Starting a sync: the sync_jobs row with its preview, then the workflow that runs it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
from temporalio.client import Client, WorkflowHandle

from playlist_sync.categories.catch_up import CaughtUp, catch_up_with_youtube
from playlist_sync.config import Settings
from playlist_sync.library.importer import LibraryReader
from playlist_sync.models import CategoryAddition, SyncError, SyncPreview, SyncStage
from playlist_sync.preview import current_preview
from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.restore.job_store import active_restore
from playlist_sync.schedule.deletion_guard import approval_needed
from playlist_sync.starters.sync_launch import SyncLaunch
from playlist_sync.sync.job_store import active_job
from playlist_sync.sync.payloads import SyncInput, SyncOptions, SyncProgress
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
    max_delete: int | None = None,
    youtube: LibraryReader | None = None,
    approve: Approval | None = None,
) -> tuple[int, WorkflowHandle[Any, SyncProgress]]:
    """`approve`: asked with the plan before anything is recorded (None: no one to ask)."""
    launch = await prepare_sync(
        pool,
        settings,
        options=options,
        strategy=strategy,
        max_delete=max_delete,
        youtube=youtube,
        approve=approve,
    )
    return launch.job_id, await launch_sync(client, pool, settings, launch, task_queue=task_queue)


async def launch_sync(
    client: Client,
    pool: asyncpg.Pool,
    settings: Settings,
    launch: SyncLaunch,
    *,
    task_queue: str | None = None,
) -> WorkflowHandle[Any, SyncProgress]:
    """Starts the workflow of a prepared sync (its row closed if Temporal refuses)."""
    try:
        handle = await client.start_workflow(
            PlaylistSyncWorkflow.run,
            launch.input,
            id=launch.workflow_id,
            task_queue=task_queue or settings.temporal_task_queue,
            memo=launch.memo,
            static_summary=launch.static_summary,
            static_details=launch.static_details,
            search_attributes=launch.search_attributes(),
        )
    except Exception:
        await close_unstarted(pool, launch.job_id)
        raise
    return handle


async def close_unstarted(pool: asyncpg.Pool, job_id: int) -> None:
    """No workflow runs the job: close the row so it does not block the next sync."""
    await pool.execute(
        "UPDATE sync_jobs SET stage = 'failed', completed_at = now() WHERE id = $1", job_id
    )


async def prepare_sync(
    pool: asyncpg.Pool,
    settings: Settings,
    *,
    options: SyncOptions | None = None,
    strategy: Strategy = Strategy.REUSE,
    max_delete: int | None = None,
    youtube: LibraryReader | None = None,
    follow_rules: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    scheduled_run: str | None = None,
    approve: Approval | None = None,
) -> SyncLaunch:
    """The job's row, with the plan it starts from; SyncRefused when it cannot start. With
    `max_delete`, a plan past the deletion guard starts paused for the user's approval.

    With `youtube`, the categories first catch up with it (categories/catch_up.py): the
    user's edits there since the last sync become the categories' own, and with
    `follow_rules` (a scheduled run) the library is imported and every rule resolved again."""
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
    if not await pool.fetchval("SELECT EXISTS (SELECT 1 FROM categories)"):
        raise SyncRefused("no categories yet: run `starter.py categories apply FILE` first")
    caught_up = CaughtUp()
    if youtube is not None:
        caught_up = await catch_up_with_youtube(
            pool, youtube, follow_rules=follow_rules, on_progress=on_progress
        )
    preview = await current_preview(pool, settings, strategy)
    # Asked after the catch-up: the plan the user approves is the plan recorded.
    if approve is not None and not await approve(preview):
        raise SyncDeclined()
    approval = None if max_delete is None else await approval_needed(pool, preview, max_delete)
    # The conflicts the catch-up settled are the job's first errors: `status` shows them.
    conflicts = [
        SyncError(
            stage=SyncStage.BACKUP,
            entity_type="category",
            entity_id="youtube-edits",
            message=conflict,
            timestamp=datetime.now(UTC),
        ).to_json()
        for conflict in caught_up.conflicts
    ]
    try:
        job_id = await pool.fetchval(
            """INSERT INTO sync_jobs (preview_data, strategy, errors, scheduled_run)
               VALUES ($1, $2, $3, $4) RETURNING id""",
            stored_preview(preview),
            strategy.value,
            conflicts,
            scheduled_run,
        )
    except asyncpg.UniqueViolationError:
        # Another starter won the race between the check above and this insert.
        raise SyncRefused("another sync started just now: see `starter.py status`") from None
    workflow_id = workflow_id_for(job_id)
    await pool.execute("UPDATE sync_jobs SET workflow_id = $2 WHERE id = $1", job_id, workflow_id)
    return SyncLaunch(
        job_id=job_id,
        workflow_id=workflow_id,
        input=SyncInput(
            job_id=job_id,
            options=options or SyncOptions(),
            category_names={c.category_id: c.category_name for c in _categories(preview)},
            approval_needed=approval,
        ),
        memo=memo_for(preview),
        static_summary=static_summary(job_id, strategy.value, preview),
        static_details=static_details(preview),
        notes=caught_up.notes + caught_up.conflicts,
    )
