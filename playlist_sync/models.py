"""The seed's sync types, serialising to the seed's camelCase JSON (the jsonb columns hold these)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)
from pydantic.alias_generators import to_camel


class SeedModel(BaseModel):
    """camelCase on the wire and in jsonb, snake_case in Python; both accepted on input."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class SyncStage(StrEnum):
    PENDING = "pending"
    BACKUP = "backup"
    CREATE_PLAYLISTS = "create_playlists"
    ADD_VIDEOS = "add_videos"
    DELETE_PLAYLISTS = "delete_playlists"
    COMPLETED = "completed"
    FAILED = "failed"
    PAUSED = "paused"


STAGE_LABELS: dict[SyncStage, str] = {
    SyncStage.PENDING: "Ready to sync",
    SyncStage.BACKUP: "Creating backup",
    SyncStage.CREATE_PLAYLISTS: "Creating playlists",
    SyncStage.ADD_VIDEOS: "Adding videos",
    SyncStage.DELETE_PLAYLISTS: "Deleting old playlists",
    SyncStage.COMPLETED: "Sync complete",
    SyncStage.FAILED: "Sync failed",
    SyncStage.PAUSED: "Sync paused",
}


class PauseReason(StrEnum):
    QUOTA_EXHAUSTED = "quota_exhausted"
    USER_PAUSED = "user_paused"
    ERRORS_COLLECTED = "errors_collected"
    # Beside the seed's three: the OAuth grant is gone and only the user can renew it.
    AUTH_REQUIRED = "auth_required"
    # Asleep like QUOTA_EXHAUSTED, but for YouTube's limit on new playlists per day.
    PLAYLIST_CREATION_LIMIT = "playlist_creation_limit"
    # The plan deletes more than --max-delete allows: nothing is written until `resume`.
    NEEDS_APPROVAL = "needs_approval"


class SyncVideoStatus(StrEnum):
    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"
    SKIPPED = "skipped"


class SyncError(SeedModel):
    stage: SyncStage
    entity_type: str  # "playlist" | "video" | "category" | "sync"
    entity_id: str
    message: str
    timestamp: datetime


# Before the seed's StageResults, each stage named its successes and the results were keyed in
# camelCase. Syncs started then still carry that shape (histories, continue-as-new input, rows
# an older worker writes), so the readers below accept it.
_OLD_SUCCESS_KEYS = ("created", "added", "deleted")
_OLD_STAGE_KEYS = {
    "createPlaylists": SyncStage.CREATE_PLAYLISTS.value,
    "addVideos": SyncStage.ADD_VIDEOS.value,
    "deletePlaylists": SyncStage.DELETE_PLAYLISTS.value,
}


class StageCounts(SeedModel):
    """One stage's entry in the seed's StageResults."""

    succeeded: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def finished(self) -> int:
        return self.succeeded + self.failed + self.skipped

    @model_validator(mode="before")
    @classmethod
    def _accept_old_shape(cls, data: Any) -> Any:
        if isinstance(data, dict) and "succeeded" not in data:
            old = [data[key] for key in _OLD_SUCCESS_KEYS if key in data]
            if old:
                data = {k: v for k, v in data.items() if k not in _OLD_SUCCESS_KEYS}
                data["succeeded"] = old[0]
        return data


class BackupCounts(StageCounts):
    """backup: succeeded = playlists backed up; the snapshot's figures stand beside."""

    snapshot_id: int
    playlist_count: int
    video_count: int

    @model_validator(mode="before")
    @classmethod
    def _accept_old_backup(cls, data: Any) -> Any:
        if isinstance(data, dict) and "succeeded" not in data:
            count = data.get("playlistCount", data.get("playlist_count"))
            data = {**data, "succeeded": count}
        return data


class StageResults(BaseModel):
    """The seed's StageResults: keyed by the SyncStage value, a stage is there once it began."""

    backup: BackupCounts | None = None
    create_playlists: StageCounts | None = None
    add_videos: StageCounts | None = None
    delete_playlists: StageCounts | None = None

    @model_validator(mode="before")
    @classmethod
    def _accept_old_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = {_OLD_STAGE_KEYS.get(key, key): value for key, value in data.items()}
        return data

    @model_serializer(mode="wrap")
    def _only_begun_stages(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # The seed's map has no null entries: a stage not begun has no key.
        return {key: value for key, value in handler(self).items() if value is not None}

    def of(self, stage: SyncStage) -> StageCounts | None:
        counts: StageCounts | None = getattr(self, stage.value, None)
        return counts

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)


class PlaylistToCreate(SeedModel):
    category_name: str
    category_id: int


class CategoryAddition(SeedModel):
    category_name: str
    category_id: int
    video_count: int


class PlaylistToDelete(SeedModel):
    playlist_name: str
    playlist_id: int
    youtube_id: str
    # Beside the seed's keys: what the backup keeps of it.
    video_count: int


class UnavailableVideo(SeedModel):
    category_name: str
    youtube_video_id: str
    reason: str


class CreatePlaylistsPlan(SeedModel):
    count: int
    quota_cost: int
    items: list[PlaylistToCreate] = Field(default_factory=list)


class AddVideosPlan(SeedModel):
    count: int
    quota_cost: int
    by_category: list[CategoryAddition] = Field(default_factory=list)


class DeletePlaylistsPlan(SeedModel):
    count: int
    quota_cost: int
    items: list[PlaylistToDelete] = Field(default_factory=list)


class PlaylistToAdopt(SeedModel):
    category_name: str
    category_id: int
    playlist_name: str
    youtube_id: str
    # A playlists.update gives it the category's title, description and privacy.
    update: bool


class AdoptPlaylistsPlan(SeedModel):
    """Old playlists the categories take over instead of new ones (quotaCost: the updates)."""

    count: int = 0
    quota_cost: int = 0
    items: list[PlaylistToAdopt] = Field(default_factory=list)


class CategoryEdit(SeedModel):
    category_name: str
    category_id: int
    video_count: int


class EditVideosPlan(SeedModel):
    """Items moved into place (playlistItems.update) or removed (playlistItems.delete)."""

    count: int = 0
    quota_cost: int = 0
    by_category: list[CategoryEdit] = Field(default_factory=list)


class PlannedStages(SeedModel):
    create_playlists: CreatePlaylistsPlan
    add_videos: AddVideosPlan
    delete_playlists: DeletePlaylistsPlan
    # Beside the seed's stages (strategy `reuse`); absent from previews stored before them.
    adopt_playlists: AdoptPlaylistsPlan = Field(default_factory=AdoptPlaylistsPlan)
    move_videos: EditVideosPlan = Field(default_factory=EditVideosPlan)
    remove_videos: EditVideosPlan = Field(default_factory=EditVideosPlan)


class PlanCost(SeedModel):
    total_quota_cost: int
    estimated_days: int


class Alternatives(SeedModel):
    """What the other strategy would cost, so that the preview shows what reuse saves."""

    recreate: PlanCost | None = None
    reuse: PlanCost | None = None

    @model_serializer(mode="wrap")
    def _only_the_other(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {key: value for key, value in handler(self).items() if value is not None}


class VideoInNoPlaylist(SeedModel):
    """A video of an old playlist to delete that no category and no kept playlist holds."""

    youtube_video_id: str
    title: str
    playlist_names: list[str]


class SharedVideo(SeedModel):
    """A video that several categories hold: each of their playlists gets a copy."""

    youtube_video_id: str
    title: str
    category_names: list[str]


class PlannedVideo(SeedModel):
    """A video a playlist gains, loses or moves, with where it is now or goes."""

    youtube_video_id: str
    title: str
    # Gains: the playlists that hold it now. Losses: the categories that hold it afterwards
    # (its own category's name: a second copy removed; empty: in no playlist but the backup).
    held_by: list[str] = Field(default_factory=list)
    goes_to: list[str] = Field(default_factory=list)


class PlaylistPlan(SeedModel):
    """One category as the playlist it becomes, and the videos that playlist gains, loses and
    moves: what `preview` shows per category."""

    category_name: str
    category_id: int
    # create: a new playlist; adopt: an old playlist it takes over (renamed when its title
    # differs); own: the playlist an earlier sync gave it.
    action: str
    playlist_name: str | None = None  # the adopted playlist's title now
    youtube_id: str | None = None
    renamed: bool = False
    update: bool = False  # a playlists.update for title, description or privacy
    video_count: int = 0  # afterwards
    gains: list[PlannedVideo] = Field(default_factory=list)
    loses: list[PlannedVideo] = Field(default_factory=list)
    moves: list[PlannedVideo] = Field(default_factory=list)


class KeptPlaylist(SeedModel):
    """A playlist in keep_playlists: the sync neither edits nor deletes it."""

    playlist_name: str
    youtube_id: str
    video_count: int


class SyncPreview(SeedModel):
    stages: PlannedStages
    total_quota_cost: int
    estimated_days: int
    daily_quota_limit: int
    # Beside the seed's keys: the strategy planned with, and what the other one costs.
    strategy: str = "recreate"
    alternatives: Alternatives = Field(default_factory=Alternatives)
    # Beside the seed's keys: what the plan leaves out, and the quota left in this window.
    unavailable_videos: list[UnavailableVideo] = Field(default_factory=list)
    quota_remaining_today: int = 0
    # Unavailable videos whose items an adopted playlist already holds: the sync leaves those
    # items where they are (no one could add them back), so they are not left out.
    unavailable_videos_left_in_place: list[UnavailableVideo] = Field(default_factory=list)
    # Left in no playlist by the user's choice once the old playlists are deleted (the backup
    # keeps them).
    videos_in_no_playlist: list[VideoInNoPlaylist] = Field(default_factory=list)
    # In several categories' playlists at once.
    shared_videos: list[SharedVideo] = Field(default_factory=list)
    # Per category, the playlist it becomes and its videos' changes; the playlists kept as
    # they are. `playlists` is null in a job's stored preview (starters.sync.stored_preview)
    # and in previews stored before it existed.
    playlists: list[PlaylistPlan] | None = None
    kept_playlists: list[KeptPlaylist] = Field(default_factory=list)


class SyncJobRecord(SeedModel):
    id: int
    stage: SyncStage
    current_stage_progress: int = 0
    current_stage_total: int = 0
    stage_results: StageResults = Field(default_factory=StageResults)
    errors: list[SyncError] = Field(default_factory=list)
    quota_used_this_sync: int = 0
    pause_reason: PauseReason | None = None
    preview_data: SyncPreview | None = None
    started_at: datetime
    completed_at: datetime | None = None
    last_resumed_at: datetime | None = None
    backup_snapshot_id: int | None = None


class SyncVideoOperationRecord(SeedModel):
    id: int
    sync_job_id: int
    category_id: int
    video_id: int
    youtube_video_id: str
    status: SyncVideoStatus = SyncVideoStatus.PENDING
    error_message: str | None = None
    completed_at: datetime | None = None
    # Beside the seed's columns: add | move | remove, and the item a move or removal is of.
    operation: str = "add"
    youtube_item_id: str | None = None
