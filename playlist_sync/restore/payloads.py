"""What the restore workflow and its activities pass each other: ids, counts and times (the
playlists and their items stay in Postgres, so the history stays small)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from playlist_sync.models import PauseReason
from playlist_sync.pause_state import PauseState
from playlist_sync.restore.models import RestoreError, RestoreResults, RestoreStage
from playlist_sync.sync.payloads import LAG_ALLOWANCE_SECONDS


class RestoreOptions(BaseModel):
    parallel_playlists: int = 5
    writes_per_batch: int = 50
    # Failed items in a row before the restore pauses for the user to look (errors_collected).
    failures_before_pause: int = 10
    # How soon a batch whose worker died is handed to another: a batch heartbeats every write.
    heartbeat_seconds: float = 20
    # A playlist whose batches keep failing waits this long, doubling, before its next batch.
    retry_delay_seconds: float = 1.0
    max_retry_delay_seconds: float = 60.0
    # How far YouTube's lists may trail its writes: a read sooner after a write proves nothing.
    lag_allowance_seconds: float = LAG_ALLOWANCE_SECONDS


class RestoreState(PauseState):
    """Everything the workflow knows; continue-as-new carries it to the next run."""

    results: RestoreResults = Field(default_factory=RestoreResults)
    progress: int = 0
    total: int = 0
    recent_errors: list[RestoreError] = Field(default_factory=list)
    quota_used: int = 0
    # The stage it is in (restores started before the stages were all restoring).
    stage: RestoreStage = RestoreStage.RESTORING
    # The stage's rows with work left; None until the stage's first activity listed them.
    playlists_pending: list[int] | None = None
    started_at: datetime | None = None


class RestoreInput(BaseModel):
    restore_job_id: int
    backup_snapshot_id: int
    options: RestoreOptions = Field(default_factory=RestoreOptions)
    carried: RestoreState | None = None


class RestoreRequest(BaseModel):
    restore_job_id: int
    # The workflow's clock: the ledger charges the window the workflow believes it is in.
    now: datetime
    stage: RestoreStage = RestoreStage.RESTORING
    max_writes: int = 50
    lag_allowance_seconds: float = LAG_ALLOWANCE_SECONDS


class PlaylistRequest(RestoreRequest):
    restore_playlist_id: int
    max_writes: int
    failures_before_pause: int


class RestoreWork(BaseModel):
    playlist_ids: list[int]
    totals: RestoreResults
    total: int


class PlaylistOutcome(BaseModel):
    """The result of one batch of writes for one playlist."""

    done: int = 0
    skipped: int = 0
    failed: int = 0
    remaining: int = 0
    quota_exhausted: bool = False
    # YouTube's limit on new playlists (or ours, YOUTUBE_PLAYLIST_CREATES_PER_DAY): until the
    # next window.
    creation_limited: bool = False
    next_reset: datetime | None = None
    # A write's answer was an error another try may get past: the next batch reads first.
    retry_later: bool = False
    # The job was paused or cancelled (seen in Postgres) before the batch's next write.
    held: bool = False
    consecutive_failures: int = 0
    new_errors: list[RestoreError] = Field(default_factory=list)
    # The whole job's counts from Postgres, exact even after a crashed attempt.
    totals: RestoreResults = Field(default_factory=RestoreResults)
    quota_used: int = 0


class RestoreMirror(BaseModel):
    """The workflow's state as the restore_jobs row shows it."""

    restore_job_id: int
    stage: RestoreStage
    progress: int
    total: int
    results: RestoreResults
    pause_reason: PauseReason | None
    next_resume_at: datetime | None
    last_resumed_at: datetime | None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None
    append_errors: list[RestoreError] = Field(default_factory=list)
