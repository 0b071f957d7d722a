"""What a scheduled run, its activities and `schedule list` pass each other."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from playlist_sync.schedule.deletion_guard import DEFAULT_MAX_DELETE
from playlist_sync.starters.sync_launch import SyncLaunch
from playlist_sync.sync.payloads import SyncOptions


class ScheduledRunInput(BaseModel):
    """The schedule's argument to each run."""

    max_delete: int = Field(default=DEFAULT_MAX_DELETE, ge=0, le=100)
    # The sync's options (tests shorten its waits); None: a user's defaults.
    options: SyncOptions | None = None


class RunOutcome(StrEnum):
    RUNNING = "running"
    SYNCED = "synced"
    NOTHING_TO_DO = "nothing_to_do"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    FAILED = "failed"


class RunPreparation(BaseModel):
    """The import, the categories brought up to it, and the sync ready to start; or why the
    run is skipped."""

    launch: SyncLaunch | None = None
    skipped: str | None = None
    # What changed in the categories, for the run's result.
    notes: list[str] = Field(default_factory=list)


class ScheduledRunResult(BaseModel):
    outcome: RunOutcome
    message: str
    job_id: int | None = None
    writes: int = 0
    notes: list[str] = Field(default_factory=list)
