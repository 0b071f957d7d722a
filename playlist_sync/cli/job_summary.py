"""A sync_jobs row as sentences: what `status` prints and the live view's status line."""

from __future__ import annotations

from datetime import UTC, datetime

from playlist_sync.cli.follow import Snapshot
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


def is_skip(error: SyncError) -> bool:
    """A video the sync left out on purpose (deleted, private): said once, as a skip."""
    return error.entity_type == "video" and error.message.startswith("skipped in ")


def is_cancel(error: SyncError) -> bool:
    """The user's cancel, which is how the job ended, not something that went wrong."""
    return error.entity_type == "sync" and error.message.startswith("cancelled by the user")


def failures(record: SyncJobRecord) -> list[SyncError]:
    return [e for e in record.errors if not (is_skip(e) or is_cancel(e))]


def skips(record: SyncJobRecord) -> list[SyncError]:
    """Each skipped video once, however often the sync met it."""
    seen: dict[tuple[str, str], SyncError] = {}
    for error in record.errors:
        if is_skip(error):
            seen.setdefault((error.entity_id, error.message), error)
    return list(seen.values())


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


def quota_line(job: JobRow, snapshot: Snapshot | None = None) -> str:
    record = job.record()
    # The ledger's count when looked at (as the live view shows it); else the row's.
    used = snapshot.sync_used if snapshot is not None else record.quota_used_this_sync
    line = f"quota used by this sync: {used:,} units"
    if record.preview_data is not None:
        line += f" (its writes need {record.preview_data.total_quota_cost:,})"
    if snapshot is not None:
        line += f"; this window: {snapshot.window_used:,} of {snapshot.daily_quota:,}"
    return line


def describe_job(job: JobRow, settings: Settings, snapshot: Snapshot | None = None) -> list[str]:
    """What `status` prints: stage, pause, results, quota, errors and where to see more.

    `snapshot`: the look `status --follow` takes too (follow.look), so that both say the
    same quota and whether a worker is there."""
    record = job.record()
    lines = [f"Sync {job.id} ({job.workflow_id}): {stage_line(job)}"]
    started = f"started {when(record.started_at)}"
    if record.completed_at is not None:
        started += f", ended {when(record.completed_at)}"
    lines.append(f"  {started}")
    if snapshot is not None and snapshot.no_worker_text:
        lines.append(f"  {snapshot.no_worker_text}")
    pause = pause_text(job)
    if pause is not None:
        lines.append(f"  {pause}")
    lines += [f"  {line}" for line in results_lines(record.stage_results)]
    lines += [f"  {line}" for line in kept_lines(record)]
    lines.append(f"  {quota_line(job, snapshot)}")
    skipped = skips(record)
    if skipped:
        lines.append(f"  skipped (YouTube cannot add them): {len(skipped):,}")
        lines += [f"    {skip.entity_id}: {skip.message}" for skip in skipped[:ERRORS_SHOWN]]
    failed = failures(record)
    if failed:
        lines.append(f"  errors: {len(failed):,}; the last {min(len(failed), ERRORS_SHOWN)}:")
        for error in failed[-ERRORS_SHOWN:]:
            lines.append(
                f"    {error.stage.value} {error.entity_type} {error.entity_id}: {error.message}"
            )
    else:
        lines.append("  errors: none")
    lines.append(f"  Web UI: {web_ui_link(settings, job.workflow_id)}")
    return lines
