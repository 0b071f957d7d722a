"""What a batch's outcome changes in the sync's state, and how that state is shown: the
sync_jobs row's mirror and the job record the Updates and the query answer. Workflow code:
pure functions of the state."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from playlist_sync.models import BackupCounts, PauseReason, StageCounts, SyncError, SyncStage
    from playlist_sync.sync.payloads import (
        BackupOutcome,
        JobMirror,
        StepOutcome,
        SyncProgress,
        SyncState,
    )
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
    s.stage_done = True


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
