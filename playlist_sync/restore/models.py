"""A restore's types, in the seed's camelCase JSON like the sync's (the jsonb columns hold these)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from playlist_sync.models import PauseReason, SeedModel


class RestoreStage(StrEnum):
    PENDING = "pending"
    RESTORING = "restoring"
    PAUSED = "paused"
    COMPLETED = "completed"
    FAILED = "failed"


class RestoreError(SeedModel):
    entity_type: str  # "playlist" | "video" | "restore"
    entity_id: str
    message: str
    timestamp: datetime


class RestoreResults(SeedModel):
    playlists_restored: int = 0
    playlists_failed: int = 0
    items_added: int = 0
    items_skipped: int = 0
    items_failed: int = 0

    @property
    def items_done(self) -> int:
        return self.items_added + self.items_skipped + self.items_failed


class PlaylistToRestore(SeedModel):
    """One playlist of the snapshot that is gone from YouTube, as it was backed up."""

    youtube_playlist_id: str  # its id then; the recreated playlist gets a new one
    title: str
    description: str = ""
    privacy_status: str = "private"
    video_ids: list[str] = Field(default_factory=list)
    # Videos the import saw deleted or private: YouTube would refuse them, so they are skipped.
    unavailable: dict[str, str] = Field(default_factory=dict)
    # A copy an earlier restore left unfinished (cancelled, failed): this one completes it
    # rather than making a second playlist of the same title.
    continues: int | None = None  # that restore's restore_playlists row
    copy_playlist_id: str | None = None
    added_positions: list[int] = Field(default_factory=list)  # the copy's items that are in
    described: bool = False

    @property
    def videos_to_add(self) -> int:
        added = set(self.added_positions)
        return sum(
            1
            for position, video_id in enumerate(self.video_ids)
            if position not in added and video_id not in self.unavailable
        )

    @property
    def writes(self) -> int:
        """playlists.insert (unless a copy exists), playlists.update to replace the marker with
        the backed-up snippet (unless done), and one playlistItems.insert per video."""
        return (self.copy_playlist_id is None) + (not self.described) + self.videos_to_add


class RestorePlan(SeedModel):
    """What `restore SNAPSHOT_ID` will do and what it costs, shown before anything is written."""

    snapshot_id: int
    snapshot_taken_at: datetime
    playlists: list[PlaylistToRestore]
    # Titles of the snapshot's playlists still on YouTube (or recreated by an earlier restore).
    still_on_youtube: list[str] = Field(default_factory=list)
    quota_cost: int
    estimated_windows: int
    daily_quota_limit: int
    quota_remaining_now: int

    @property
    def items(self) -> int:
        return sum(p.videos_to_add for p in self.playlists)

    @property
    def unavailable_items(self) -> int:
        return sum(len(p.video_ids) - p.videos_to_add for p in self.playlists)


class RestoreJobRecord(SeedModel):
    """A restore_jobs row as the CLI prints it, and the workflow's `progress` query."""

    id: int
    workflow_id: str
    backup_snapshot_id: int
    stage: RestoreStage
    progress: int = 0
    total: int = 0
    results: RestoreResults = Field(default_factory=RestoreResults)
    errors: list[RestoreError] = Field(default_factory=list)
    quota_used: int = 0
    pause_reason: PauseReason | None = None
    next_resume_at: datetime | None = None
    last_resumed_at: datetime | None = None
    started_at: datetime
    completed_at: datetime | None = None
