"""The sync's activities: each turns one workflow step into calls of the domain code."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import asyncpg
from temporalio import activity
from temporalio.exceptions import ApplicationError

from playlist_sync.library.account import check_account
from playlist_sync.sync import (
    backup,
    operation_planning,
    playlist_creation,
    playlist_deletion,
    video_additions,
)
from playlist_sync.sync.job_store import mirror_job
from playlist_sync.sync.payloads import (
    AdditionPlan,
    AddVideosRequest,
    BackupOutcome,
    DeleteRequest,
    JobMirror,
    MirrorAnswer,
    StageRequest,
    StepOutcome,
)
from playlist_sync.sync.sync_plan import SyncPlan, plan_sync
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.errors import YouTubeError
from playlist_sync.youtube.failures import needs_user
from playlist_sync.youtube.quota_ledger import QuotaLedger

# Opens a YouTube client whose quota events are charged to the job, on the workflow's clock.
YouTubeFactory = Callable[[int, datetime], Awaitable[SyncYouTube]]

T = TypeVar("T")


def _heartbeat(done: int) -> None:
    activity.heartbeat(done)


def _beat() -> None:
    activity.heartbeat()


def _attempt() -> str:
    """This attempt, unique even across workflow runs: the holder of its playlist's lease."""
    info = activity.info()
    return f"{info.workflow_run_id}/{info.activity_id}#{info.attempt}/{uuid.uuid4().hex[:8]}"


class SyncActivities:
    def __init__(
        self,
        pool: asyncpg.Pool,
        youtube: YouTubeFactory,
        ledger: QuotaLedger,
    ) -> None:
        self._pool = pool
        self._youtube = youtube
        self._ledger = ledger

    async def _with_youtube(
        self, request: StageRequest, step: Callable[[SyncYouTube], Awaitable[T]]
    ) -> T:
        # A heartbeat before every call, each page of a list included: an attempt is silent no
        # longer than one call, which the heartbeat timeout outlasts.
        youtube = (await self._youtube(request.job_id, request.now)).with_heartbeat(_beat)
        try:
            # Once per step, before any write: a grant of another channel writes nothing.
            await check_account(youtube, self._pool)
            return await step(youtube)
        except YouTubeError as error:
            if needs_user(error):
                # Not retried: the workflow pauses and tells the user to run `starter.py auth`.
                raise ApplicationError(
                    str(error), type="AuthRequired", non_retryable=True
                ) from None
            raise

    @activity.defn
    async def mirror_sync_job(self, mirror: JobMirror) -> MirrorAnswer | int:
        # `| int`: what histories recorded before the answer told the window's quota hold.
        return MirrorAnswer(
            quota_used_by_sync=await mirror_job(self._pool, mirror),
            quota_used_in_window=await self._ledger.used_in_window(),
            daily_quota=self._ledger.daily_quota,
        )

    @activity.defn
    async def back_up_playlists(self, request: StageRequest) -> BackupOutcome:
        return await self._with_youtube(
            request, lambda yt: backup.back_up_playlists(yt, self._pool, request.job_id, _heartbeat)
        )

    @activity.defn
    async def plan_sync(self, request: StageRequest) -> SyncPlan:
        return await plan_sync(self._pool, request.job_id)

    @activity.defn
    async def create_category_playlists(self, request: StageRequest) -> StepOutcome:
        return await self._with_youtube(
            request,
            lambda yt: playlist_creation.create_category_playlists(
                yt,
                self._pool,
                request.job_id,
                request.max_writes,
                _heartbeat,
                request.lag_allowance_seconds,
            ),
        )

    @activity.defn
    async def plan_video_additions(self, request: StageRequest) -> AdditionPlan:
        return await operation_planning.plan_video_additions(self._pool, request.job_id)

    @activity.defn
    async def add_videos_to_playlist(self, request: AddVideosRequest) -> StepOutcome:
        return await self._with_youtube(
            request,
            lambda yt: video_additions.add_videos_to_playlist(
                yt, self._pool, request, _heartbeat, _attempt()
            ),
        )

    @activity.defn
    async def delete_old_playlists(self, request: DeleteRequest) -> StepOutcome:
        # A DeleteRequest: histories recorded before it pass a StageRequest, read as one.
        try:
            return await self._with_youtube(
                request,
                lambda yt: playlist_deletion.delete_old_playlists(
                    yt,
                    self._pool,
                    request.job_id,
                    request.max_writes,
                    _heartbeat,
                    only_safe_now=isinstance(request, DeleteRequest) and request.only_safe_now,
                ),
            )
        except playlist_deletion.NoBackupSnapshot as refusal:
            # No retry makes a backup appear: deleting without one is never right.
            raise ApplicationError(
                str(refusal), type="NoBackupSnapshot", non_retryable=True
            ) from None

    @activity.defn
    async def quota_remaining(self, request: StageRequest) -> int:
        return await self._ledger.remaining(at=max(request.now, _now()))

    def all(self) -> list[Callable[..., Any]]:
        return [
            self.mirror_sync_job,
            self.back_up_playlists,
            self.plan_sync,
            self.create_category_playlists,
            self.plan_video_additions,
            self.add_videos_to_playlist,
            self.delete_old_playlists,
            self.quota_remaining,
        ]


def _now() -> datetime:
    return datetime.now(UTC)
