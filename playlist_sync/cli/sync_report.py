"""The report a followed sync ends with, the same for `sync --follow`, `status --follow` and
the demo: what it did, what it skipped and why, what it cost, how often it waited for quota.
Skips and a cancel are the job's outcome here, not errors."""

from __future__ import annotations

import asyncpg
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from playlist_sync.cli.follow import Followed
from playlist_sync.cli.job_summary import failures, skips
from playlist_sync.cli.jobs import stage_reached, web_ui_link
from playlist_sync.cli.plan_view import plural
from playlist_sync.config import Settings
from playlist_sync.models import STAGE_LABELS, SyncPreview, SyncStage


def outcome_lines(
    settings: Settings,
    followed: Followed,
    *,
    took: str = "",
    youtube_counted: int | None = None,
) -> list[str]:
    """`took`: how long, as a clause after the first sentence; `youtube_counted`: the units
    YouTube says it counted (the demo's emulator knows)."""
    job, record = followed.job, followed.job.record()
    results = record.stage_results
    added, created, deleted = results.add_videos, results.create_playlists, results.delete_playlists
    failed = sum(counts.failed for counts in (added, created, deleted) if counts is not None)
    preview = record.preview_data
    planned = preview.stages if preview else None
    made = planned.create_playlists.count if planned else 0
    adopted = planned.adopt_playlists.count if planned else 0
    if record.stage is SyncStage.COMPLETED:
        ended = "completed"
    elif job.cancelled_at is not None:
        ended = f"was cancelled by you during {STAGE_LABELS[stage_reached(record)].lower()}"
    else:
        ended = record.stage.value
    recreate = preview.alternatives.recreate if preview else None
    lower_bound = preview.total_quota_cost if preview else 0
    quota = (
        f"Quota: the sync used {record.quota_used_this_sync:,} units; its writes alone need"
        f" {lower_bound:,} (the fewest writes that make YouTube match"
        + (
            f"; --strategy recreate would need {recreate.total_quota_cost:,})."
            if recreate is not None
            else ")."
        )
    )
    if youtube_counted is not None:
        quota += f" YouTube counted {youtube_counted:,} units in all, import included."
    pauses = followed.quota_pauses
    window = f"{settings.quota_reset_text} windows of {settings.youtube_daily_quota:,} units"
    return [
        f"Sync {job.id} {ended}: {plural(made, 'playlist')} created and"
        f" {plural(adopted, 'old one')} adopted,"
        f" {plural(added.succeeded if added else 0, 'video')} added, moved or removed"
        f" ({_edits(preview)}),"
        f" {plural(deleted.succeeded if deleted else 0, 'old playlist')} deleted"
        f" (backed up first){took}.",
        f"Skipped {plural(len(skips(record)), 'unavailable video')} (deleted or private),"
        f" {failed:,} failed.",
        quota,
        f"It paused for quota {plural(pauses, 'time')} and resumed by itself each time ({window})."
        if pauses
        else f"It never had to wait for quota ({window}).",
        f"Web UI: {web_ui_link(settings, job.workflow_id)}",
    ]


def _edits(preview: SyncPreview | None) -> str:
    if preview is None:
        return "no preview"
    s = preview.stages
    return (
        f"{s.add_videos.count:,} added, {s.move_videos.count:,} moved,"
        f" {s.remove_videos.count:,} removed"
    )


_SKIPS_SHOWN = 10

# Each category's playlist as the sync left it (the library tables are what it wrote and
# verified), and the kept ones.
_PLAYLISTS_NOW = """
    SELECT c.name AS title, 'its category' AS what,
           (SELECT count(*) FROM playlist_videos pv WHERE pv.playlist_id = p.id)::int AS videos
    FROM categories c JOIN playlists p ON p.youtube_playlist_id = c.youtube_playlist_id
    WHERE p.deleted_from_youtube_at IS NULL
    UNION ALL
    SELECT p.title, 'kept as it was',
           (SELECT count(*) FROM playlist_videos pv WHERE pv.playlist_id = p.id)::int
    FROM playlists p WHERE p.kept AND p.deleted_from_youtube_at IS NULL
"""


async def print_sync_report(
    console: Console, pool: asyncpg.Pool, settings: Settings, followed: Followed
) -> None:
    rows = await pool.fetch(_PLAYLISTS_NOW)
    if rows:
        console.print("Your playlists now", style="bold")
        table = Table()
        table.add_column("Playlist")
        table.add_column("Videos", justify="right")
        table.add_column("Is")
        for row in rows:
            table.add_row(escape(row["title"]), f"{row['videos']:,}", row["what"])
        console.print(table)
    record = followed.job.record()
    for line in outcome_lines(settings, followed):
        console.print(line, markup=False)
    skipped = skips(record)
    for skip in skipped[:_SKIPS_SHOWN]:
        console.print(f"  {skip.entity_id}: {skip.message}", markup=False)
    if len(skipped) > _SKIPS_SHOWN:
        console.print(f"  ... and {len(skipped) - _SKIPS_SHOWN:,} more skipped", markup=False)
    for failure in failures(record)[-5:]:
        console.print(
            f"  failed: {failure.entity_type} {failure.entity_id}: {failure.message}",
            markup=False,
        )
