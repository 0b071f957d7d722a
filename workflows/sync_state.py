"""What a batch's outcome changes in the sync's state, and how that state is shown: the
sync_jobs row's mirror, the job record the Updates and the query answer, and the current
details of the Web UI. Workflow code: pure functions of the state."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from playlist_sync.models import (
        STAGE_LABELS,
        BackupCounts,
        PauseReason,
        StageCounts,
        SyncError,
        SyncStage,
    )
    from playlist_sync.sync.payloads import (
        BackupOutcome,
        JobMirror,
        MirrorAnswer,
        StepOutcome,
        SyncProgress,
        SyncState,
    )

from workflows.current_details import Quota, current_details, reset_clock
from workflows.steps import latest_counts


def note_backup(s: SyncState, outcome: BackupOutcome) -> None:
    s.quota_used = outcome.quota_used_by_sync
    if outcome.quota_exhausted:
        s.note_quota_exhausted(outcome.next_reset)
        return
    assert outcome.snapshot_id is not None
    s.backup_snapshot_id = outcome.snapshot_id
    s.results.backup = BackupCounts(
        succeeded=outcome.playlist_count,
        snapshot_id=outcome.snapshot_id,
        playlist_count=outcome.playlist_count,
        video_count=outcome.video_count,
    )


def count_outcome(s: SyncState, outcome: StepOutcome, failures_before_pause: int) -> None:
    """A batch of the current stage landed: the quota, progress and counts, and what holds the
    writes back now (failures in a row, a spent window, YouTube's limit on new playlists)."""
    s.quota_used = max(s.quota_used, outcome.quota_used_by_sync)
    s.progress += outcome.done + outcome.skipped + outcome.failed
    s.note_batch(
        done=outcome.done,
        skipped=outcome.skipped,
        trailing_failures=outcome.consecutive_failures,
        failures_before_pause=failures_before_pause,
        quota_exhausted=outcome.quota_exhausted,
        next_reset=outcome.next_reset,
    )
    if outcome.creation_limited:
        s.note_quota_exhausted(outcome.next_reset, PauseReason.PLAYLIST_CREATION_LIMIT)
    # The job's counts from Postgres, exact even after a crashed attempt, when the batch read
    # them; StageResults is keyed by the stage's value (the seed's).
    reported = {
        SyncStage.CREATE_PLAYLISTS: outcome.create_totals,
        SyncStage.ADD_VIDEOS: outcome.job_totals,
        SyncStage.DELETE_PLAYLISTS: outcome.delete_totals,
    }.get(s.stage)
    if reported is not None:
        known = getattr(s.results, s.stage.value) or StageCounts()
        totals = latest_counts(known, reported)
        setattr(s.results, s.stage.value, totals)
        s.progress = totals.finished
    if s.stage != SyncStage.ADD_VIDEOS:
        # add_videos' total was counted by its plan; the others learn theirs batch by batch.
        s.total = s.progress + outcome.remaining
    elif outcome.stage_total is not None:
        # Its batches plan again from what they read: the total moves with the plans.
        s.total = max(outcome.stage_total, s.progress)


def count_beside(s: SyncState, outcome: StepOutcome, failures_before_pause: int) -> None:
    """A batch of a later stage, run while new playlists wait for YouTube's creation limit: its
    own stage's counts (stageResults counts each stage's writes), the quota, what holds the
    writes back; the current stage's progress is not its."""
    s.quota_used = max(s.quota_used, outcome.quota_used_by_sync)
    s.note_batch(
        done=outcome.done,
        skipped=outcome.skipped,
        trailing_failures=outcome.consecutive_failures,
        failures_before_pause=failures_before_pause,
        quota_exhausted=outcome.quota_exhausted,
        next_reset=outcome.next_reset,
    )
    for stage, reported in (
        (SyncStage.ADD_VIDEOS, outcome.job_totals),
        (SyncStage.DELETE_PLAYLISTS, outcome.delete_totals),
    ):
        if reported is not None:
            known = getattr(s.results, stage.value) or StageCounts()
            setattr(s.results, stage.value, latest_counts(known, reported))


def job_mirror(
    job_id: int, s: SyncState, shown: SyncStage, new_errors: list[SyncError]
) -> JobMirror:
    return JobMirror(
        job_id=job_id,
        stage=shown,
        progress=s.progress,
        total=s.total,
        results=s.results,
        pause_reason=s.pause_reason,
        next_resume_at=s.next_resume_at,
        last_resumed_at=s.last_resumed_at,
        completed_at=s.completed_at,
        cancelled_at=workflow.now() if s.cancel_requested else None,
        backup_snapshot_id=s.backup_snapshot_id,
        append_errors=new_errors,
    )


def sync_record(job_id: int, workflow_id: str, s: SyncState, stage: SyncStage) -> SyncProgress:
    return SyncProgress(
        id=job_id,
        workflow_id=workflow_id,
        stage=stage,
        current_stage_progress=s.progress,
        current_stage_total=s.total,
        stage_results=s.results,
        errors=s.recent_errors,
        quota_used_this_sync=s.quota_used,
        pause_reason=s.pause_reason,
        started_at=s.started_at or workflow.now(),
        completed_at=s.completed_at,
        last_resumed_at=s.last_resumed_at,
        backup_snapshot_id=s.backup_snapshot_id,
        next_resume_at=s.next_resume_at,
    )


def sync_details(s: SyncState, shown: SyncStage, window: MirrorAnswer | None) -> str:
    """A sync's current details: `window` is the quota window as the last mirror found it."""
    label = STAGE_LABELS[shown]
    if shown == SyncStage.PAUSED:
        # As `starter.py status` says it: "Paused in adding videos".
        label = f"Paused in {STAGE_LABELS[s.stage].lower()}"
    return current_details(
        label=label,
        progress=s.progress,
        total=s.total,
        quota=Quota(
            by_job=s.quota_used,
            in_window=window.quota_used_in_window if window else None,
            limit=window.daily_quota if window else None,
        ),
        pause_reason=s.pause_reason if s.completed_at is None else None,
        next_resume_at=s.next_resume_at,
        cancelling=s.cancel_requested and s.completed_at is None,
        errors=s.recent_errors,
        error_count=s.error_count,
        meanwhile=_meanwhile(s) if s.completed_at is None else None,
    )


def _meanwhile(s: SyncState) -> str | None:
    """What waits for what while YouTube's creation limit holds new playlists back: "3
    playlists wait for YouTube's creation limit, resets 00:00 PT; adding videos to 12 others"."""
    if not s.creations_waiting or s.stage != SyncStage.CREATE_PLAYLISTS:
        return None
    n = s.creations_waiting
    line = f"{n:,} playlist{'s wait' if n != 1 else ' waits'} for YouTube's creation limit"
    if s.creations_reset_at is not None:
        line += f", resets {reset_clock(s.creations_reset_at)}"
    if s.filling:
        line += f"; adding videos to {s.filling:,} other{'s' if s.filling != 1 else ''}"
    return line
