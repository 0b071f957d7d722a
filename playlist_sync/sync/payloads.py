"""What the sync workflow and its activities pass each other: ids, counts and times, never lists
of videos (those stay in Postgres, so the history stays small however big the library is)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from playlist_sync.models import (
    PauseReason,
    StageCounts,
    StageResults,
    SyncError,
    SyncJobRecord,
    SyncStage,
)
from playlist_sync.pause_state import PauseState

# Lists were seen to trail writes by a few seconds.
LAG_ALLOWANCE_SECONDS = 8.0


class SyncOptions(BaseModel):
    parallel_playlists: int = Field(default=10, ge=1)
    # The most writes one step makes before it answers (a playlist's batch of videos, or
    # playlists created or deleted): the workflow sees a pause or the quota's end between steps.
    writes_per_batch: int = Field(default=50, ge=1)
    # Failed items in a row before the sync pauses for the user to look (errors_collected).
    failures_before_pause: int = 10
    # How long an activity may stay silent before Temporal starts another attempt; None: derived
    # from the HTTP timeout (youtube/timeouts.py). Tests lower it to make attempts overlap.
    heartbeat_seconds: float | None = None
    # How long YouTube's lists may trail its writes: a read-back sent sooner than this after a
    # playlist's last write proves nothing about the writes it does not show.
    lag_allowance_seconds: float = LAG_ALLOWANCE_SECONDS
    # A batch ended by a failure worth retrying is started again after this, doubling with each
    # failure in a row of its playlist, up to the maximum (durable timers in the workflow).
    retry_delay_seconds: float = 1.0
    max_retry_delay_seconds: float = 60.0
    # While new playlists wait for YouTube's creation limit, the window's quota goes on the
    # playlists already made or adopted, and on old playlists already safe to delete. False:
    # the stages one after another, as before (the bench measures both in one run).
    work_while_creations_wait: bool = True


class SyncState(PauseState):
    """Everything the workflow knows; continue-as-new carries it to the next run."""

    stage: SyncStage = SyncStage.BACKUP
    results: StageResults = Field(default_factory=StageResults)
    progress: int = 0
    total: int = 0
    recent_errors: list[SyncError] = Field(default_factory=list)
    error_count: int = 0
    quota_used: int = 0
    backup_snapshot_id: int | None = None
    # The plan was made (sync_plan.py): each category adopts a playlist or gets a new one.
    planned: bool = False
    # add_videos: the categories that still have pending operations.
    categories_pending: list[int] | None = None
    started_at: datetime | None = None
    # create_playlists held by YouTube's creation limit: how many playlists wait, until when,
    # and how many made or adopted playlists are being filled meanwhile (the current details).
    creations_waiting: int = 0
    creations_reset_at: datetime | None = None
    filling: int = 0


class SyncInput(BaseModel):
    job_id: int
    options: SyncOptions = Field(default_factory=SyncOptions)
    carried: SyncState | None = None
    # The preview's category names by id, for the summaries of the steps in the Web UI.
    category_names: dict[int, str] = Field(default_factory=dict)
    # Why the plan needs the user's approval (the deletion guard, --max-delete): the sync
    # starts paused with `needs_approval` and writes nothing until `resume`.
    approval_needed: str | None = None


class StageRequest(BaseModel):
    job_id: int
    # The workflow's clock: quota windows follow it, so a time-skipping test server and the
    # real clock agree on which window a write belongs to.
    now: datetime
    # SyncOptions.lag_allowance_seconds, for every read-back of the step.
    lag_allowance_seconds: float = LAG_ALLOWANCE_SECONDS
    # SyncOptions.writes_per_batch: the most writes the step makes before it answers, so that
    # a pause or the quota's end is seen between steps (the backup makes none).
    max_writes: int = 50


class DeleteRequest(StageRequest):
    # Only the old playlists whose videos are all verified elsewhere now; the others are left
    # for the delete stage, unreported (new playlists may still be on their way).
    only_safe_now: bool = False


class AddVideosRequest(StageRequest):
    category_id: int
    failures_before_pause: int


class StepOutcome(BaseModel):
    """The result of one batch of a stage."""

    done: int = 0
    skipped: int = 0
    failed: int = 0
    remaining: int = 0
    quota_exhausted: bool = False
    # No new playlist until `next_reset` (YouTube's limit on new playlists per window).
    creation_limited: bool = False
    next_reset: datetime | None = None
    # The job was paused or cancelled (seen in Postgres) before the batch's next write.
    held: bool = False
    # Ended by a failure another try may get past (an insert that did not land after a 5xx or
    # 429, a playlist that does not match yet): the workflow waits before the next batch.
    retry_later: bool = False
    consecutive_failures: int = 0
    # add_videos: all it has left are removals of videos that other playlists must hold first
    # (a video moves in before it moves out): the other playlists' batches go first.
    waits_for_other_playlists: bool = False
    new_errors: list[SyncError] = Field(default_factory=list)
    quota_used_by_sync: int = 0
    # The whole job's counts for the stage, from Postgres: exact even after a crashed attempt.
    job_totals: StageCounts | None = None  # add_videos
    # add_videos: the job's writes finished plus those planned now (a plan made from a newer
    # read may add some); None in outcomes recorded before plans were made again.
    stage_total: int | None = None
    create_totals: StageCounts | None = None
    delete_totals: StageCounts | None = None


class BackupOutcome(BaseModel):
    snapshot_id: int | None = None
    playlist_count: int = 0
    video_count: int = 0
    quota_exhausted: bool = False
    next_reset: datetime | None = None
    quota_used_by_sync: int = 0


class AdditionPlan(BaseModel):
    category_ids: list[int]
    total: int
    finished: int
    skipped: int
    # The job's add_videos counts so far (batches may have run while playlists waited to be
    # made); None in plans recorded before.
    totals: StageCounts | None = None
    new_errors: list[SyncError] = Field(default_factory=list)


class JobMirror(BaseModel):
    """The workflow's state as the sync_jobs row shows it."""

    job_id: int
    stage: SyncStage
    progress: int
    total: int
    results: StageResults
    pause_reason: PauseReason | None
    next_resume_at: datetime | None
    last_resumed_at: datetime | None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None
    backup_snapshot_id: int | None = None
    # Errors of the sync itself (auth, cancel) that the workflow found; items' errors are
    # written by the activities that meet them.
    append_errors: list[SyncError] = Field(default_factory=list)


class MirrorAnswer(BaseModel):
    """What the mirror answers: the quota as the ledger counts it, for the current details."""

    quota_used_by_sync: int
    quota_used_in_window: int
    daily_quota: int


class SyncProgress(SyncJobRecord):
    """The `progress` query and the result: the job record plus when a pause ends by itself."""

    workflow_id: str
    next_resume_at: datetime | None = None
