"""A sync_jobs row as sentences: what `status` prints and the live view's status line."""

from __future__ import annotations

from datetime import UTC, datetime

from playlist_sync.cli.jobs import stage_reached, web_ui_link, work_stage
from playlist_sync.config import Settings
from playlist_sync.models import (
    STAGE_LABELS,
    PauseReason,
    StageResults,
    SyncError,
    SyncJobRecord,
    SyncStage,
)
from playlist_sync.sync.job_store import JobRow
from workflows.current_details import ERRORS_SHOWN


def when(at: datetime, now: datetime | None = None) -> str:
    """Local time, with the date only when it is not today, and how far away it is."""
    now = now or datetime.now(UTC)
    local = at.astimezone()
    shown = local.strftime(
        "%H:%M:%S" if local.date() == now.astimezone().date() else "%Y-%m-%d %H:%M"
    )
    seconds = round((at - now).total_seconds())
    if seconds > 0:
        return f"{shown} (in {_duration(seconds)})"
    return shown


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def pause_text(job: JobRow) -> str | None:
    """Why the sync is paused and what ends the pause; None when it is not paused."""
    record = job.record()
    reason = record.pause_reason
    if reason is None:
        return None
    if reason is PauseReason.QUOTA_EXHAUSTED:
        resumes = f"at {when(job.next_resume_at)}" if job.next_resume_at else "at the next reset"
        return f"waiting for the quota window to reset; it goes on by itself {resumes}"
    if reason is PauseReason.PLAYLIST_CREATION_LIMIT:
        resumes = f"at {when(job.next_resume_at)}" if job.next_resume_at else "at the next reset"
        return (
            "waiting for the playlist-creation limit (YouTube allows a few new playlists a day);"
            f" it goes on by itself {resumes}"
        )
    if reason is PauseReason.USER_PAUSED:
        return f"paused by you; `starter.py resume {job.id}` goes on"
    if reason is PauseReason.NEEDS_APPROVAL:
        return (
            "waiting for your approval: its plan deletes more than --max-delete allows (see the"
            f" errors); `starter.py resume {job.id}` approves it, `starter.py cancel {job.id}`"
            " drops it"
        )
    if reason is PauseReason.ERRORS_COLLECTED:
        return (
            "paused after too many failures in a row; look at the errors, then "
            f"`starter.py resume {job.id}`"
        )
    return (
        "YouTube needs a new authorisation: run `starter.py auth --client-secrets FILE`, "
        "and the sync goes on by itself"
    )


def stage_line(job: JobRow) -> str:
    record = job.record()
    if not job.active:
        if job.cancelled_at is not None:
            return f"Cancelled during {STAGE_LABELS[stage_reached(record)].lower()}"
        return STAGE_LABELS[record.stage]
    if record.stage is SyncStage.PENDING:
        return "Waiting for a worker to start it"
    label = STAGE_LABELS[work_stage(record)]
    if record.current_stage_total:
        done, total = record.current_stage_progress, record.current_stage_total
        label += f": {done:,} of {total:,} ({100 * done // total}%)"
    if record.stage is SyncStage.PAUSED:
        label = f"Paused in {label[0].lower()}{label[1:]}"
    return label


def results_lines(results: StageResults) -> list[str]:
    lines = []
    if results.backup is not None:
        b = results.backup
        lines.append(
            f"backup: {b.playlist_count:,} playlists, {b.video_count:,} videos"
            f" (snapshot {b.snapshot_id})"
        )
    if results.create_playlists is not None:
        c = results.create_playlists
        lines.append(f"playlists created or adopted: {c.succeeded:,}, failed: {c.failed:,}")
    if results.add_videos is not None:
        a = results.add_videos
        lines.append(
            f"videos added, moved or removed: {a.succeeded:,}, skipped: {a.skipped:,},"
            f" failed: {a.failed:,}"
        )
    if results.delete_playlists is not None:
        d = results.delete_playlists
        lines.append(f"old playlists deleted: {d.succeeded:,}, failed: {d.failed:,}")
    return lines


def kept_for_safety(record: SyncJobRecord) -> list[SyncError]:
    """The old playlists the delete stage kept because a video of theirs is nowhere else."""
    return [
        error
        for error in record.errors
        if error.stage == SyncStage.DELETE_PLAYLISTS
        and error.entity_type == "playlist"
        and " kept: " in error.message
    ]


def kept_lines(record: SyncJobRecord) -> list[str]:
    kept = kept_for_safety(record)
    if not kept:
        return []
    return [
        f"old playlists kept, not deleted, so that no video ends in no playlist: {len(kept)}",
        *(f"  {error.message}" for error in kept),
    ]


def quota_line(job: JobRow) -> str:
    record = job.record()
    line = f"quota used by this sync: {record.quota_used_this_sync:,} units"
    if record.preview_data is not None:
        line += f" (its writes need {record.preview_data.total_quota_cost:,})"
    return line


def describe_job(job: JobRow, settings: Settings) -> list[str]:
    """What `status` prints: stage, pause, results, quota, errors and where to see more."""
    record = job.record()
    lines = [f"Sync {job.id} ({job.workflow_id}): {stage_line(job)}"]
    started = f"started {when(record.started_at)}"
    if record.completed_at is not None:
        started += f", ended {when(record.completed_at)}"
    lines.append(f"  {started}")
    pause = pause_text(job)
    if pause is not None:
        lines.append(f"  {pause}")
    lines += [f"  {line}" for line in results_lines(record.stage_results)]
    lines += [f"  {line}" for line in kept_lines(record)]
    lines.append(f"  {quota_line(job)}")
    if record.errors:
        lines.append(
            f"  errors: {len(record.errors):,}; the last {min(len(record.errors), ERRORS_SHOWN)}:"
        )
        for error in record.errors[-ERRORS_SHOWN:]:
            lines.append(
                f"    {error.stage.value} {error.entity_type} {error.entity_id}: {error.message}"
            )
    else:
        lines.append("  errors: none")
    lines.append(f"  Web UI: {web_ui_link(settings, job.workflow_id)}")
    return lines
