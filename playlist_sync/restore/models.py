"""A restore's types, in the seed's camelCase JSON like the sync's (the jsonb columns hold these)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from playlist_sync.models import PauseReason, SeedModel


class RestoreStage(StrEnum):
    PENDING = "pending"
    # Each playlist made or edited back until its wanted videos are in, in order.
    RESTORING = "restoring"
    # Then (every video in its new playlist first) the items the snapshot lacks go.
    REMOVING = "removing"
    # Then the playlists syncs made after the snapshot, once their videos are back.
    DELETING = "deleting"
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
    # Found where the snapshot has them, in a playlist edited back in place.
    items_in_place: int = 0
    items_skipped: int = 0
    items_failed: int = 0
    # The playlists syncs made after the snapshot: deleted, or kept (a video of theirs is in
    # no restored playlist).
    playlists_deleted: int = 0
    playlists_kept: int = 0

    @property
    def items_done(self) -> int:
        return self.items_added + self.items_in_place + self.items_skipped + self.items_failed


class PlaylistToRestore(SeedModel):
    """One playlist of the snapshot that YouTube no longer holds as it was backed up."""

    youtube_playlist_id: str  # its id then
    title: str
    description: str = ""
    privacy_status: str = "private"
    video_ids: list[str] = Field(default_factory=list)
    # Videos the import saw deleted or private: YouTube would refuse them, so they are skipped.
    unavailable: dict[str, str] = Field(default_factory=dict)
    # The playlist edited back in place: the original when YouTube still has it (a sync adopted
    # it: renamed, edited), else a copy an earlier restore made. None: it is made again.
    target_playlist_id: str | None = None
    # Its title, description and privacy are already the backed-up ones.
    snippet_ok: bool = False
    # What editing the target back takes, as YouTube shows it now (none for a new one).
    inserts: int = 0
    moves: int = 0
    removals: int = 0

    @property
    def in_place(self) -> bool:
        return self.target_playlist_id is not None

    @property
    def videos_to_add(self) -> int:
        if self.in_place:
            return self.inserts
        return sum(1 for video_id in self.video_ids if video_id not in self.unavailable)

    @property
    def writes(self) -> int:
        """playlists.insert (unless in place), playlists.update for the snippet (a new one is
        made with a marker, which this replaces), and one write per video added, moved or
        removed."""
        return (
            (not self.in_place)
            + (not self.snippet_ok)
            + self.videos_to_add
            + self.moves
            + (self.removals)
        )


class NewPlaylist(SeedModel):
    """A playlist a sync made after the snapshot: it goes once its videos are all back."""

    youtube_playlist_id: str
    title: str
    videos: int = 0


class RestorePlan(SeedModel):
    """What `restore SNAPSHOT_ID` will do and what it costs, shown before anything is written."""

    snapshot_id: int
    snapshot_taken_at: datetime
    playlists: list[PlaylistToRestore]
    # Titles of the snapshot's playlists on YouTube as they were backed up: left alone.
    still_on_youtube: list[str] = Field(default_factory=list)
    # The playlists syncs made after the snapshot: deleted once their videos are back.
    to_delete: list[NewPlaylist] = Field(default_factory=list)
    keep_new: bool = False
    quota_cost: int
    estimated_windows: int
    daily_quota_limit: int
    quota_remaining_now: int

    @property
    def items(self) -> int:
        return sum(p.videos_to_add for p in self.playlists)

    @property
    def unavailable_items(self) -> int:
        return sum(len(p.unavailable) for p in self.playlists)

    @property
    def nothing_to_do(self) -> bool:
        return not self.playlists and not self.to_delete


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
