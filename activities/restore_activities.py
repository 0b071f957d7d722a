"""The restore's activities: each turns one workflow step into calls of the domain code."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import asyncpg
from temporalio import activity
from temporalio.exceptions import ApplicationError

from playlist_sync.library.account import check_account
from playlist_sync.restore import new_playlists, steps
from playlist_sync.restore.job_store import mirror_restore_job
from playlist_sync.restore.payloads import (
    PlaylistOutcome,
    PlaylistRequest,
    RestoreMirror,
    RestoreRequest,
    RestoreWork,
)
from playlist_sync.restore.quota import youtube_for_restore
from playlist_sync.restore.youtube_port import RestoreYouTube
from playlist_sync.youtube.client import YouTubeClient
from playlist_sync.youtube.errors import YouTubeError
from playlist_sync.youtube.failures import needs_user

T = TypeVar("T")


def _attempt() -> str:
    """This attempt, unique even across workflow runs: the holder of its playlist's lease."""
    info = activity.info()
    return f"{info.workflow_run_id}/{info.activity_id}#{info.attempt}/{uuid.uuid4().hex[:8]}"


class RestoreActivities:
    def __init__(self, pool: asyncpg.Pool, youtube: YouTubeClient) -> None:
        self._pool = pool
        self._youtube = youtube

    async def _with_youtube(
        self, request: RestoreRequest, step: Callable[[RestoreYouTube], Awaitable[T]]
    ) -> T:
        # One grant for the whole step, the one its account check reads (StepGrant).
        youtube = youtube_for_restore(self._youtube, request.restore_job_id, request.now)
        youtube = youtube.for_step().with_heartbeat(lambda: activity.heartbeat())
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
    async def mirror_restore_job(self, mirror: RestoreMirror) -> int:
        return await mirror_restore_job(self._pool, mirror)

    @activity.defn
    async def list_restore_work(self, request: RestoreRequest) -> RestoreWork:
        return await steps.list_restore_work(self._pool, request.restore_job_id, request.stage)

    @activity.defn
    async def restore_playlist(self, request: PlaylistRequest) -> PlaylistOutcome:
        attempt = _attempt()
        return await self._with_youtube(
            request,
            lambda yt: steps.restore_playlist(yt, self._pool, request, activity.heartbeat, attempt),
        )

    @activity.defn
    async def delete_new_playlists(self, request: RestoreRequest) -> PlaylistOutcome:
        return await self._with_youtube(
            request,
            lambda yt: new_playlists.delete_new_playlists(
                yt, self._pool, request.restore_job_id, request.max_writes, activity.heartbeat
            ),
        )

    @activity.defn
    async def restore_quota_remaining(self, request: RestoreRequest) -> int:
        return await self._youtube.ledger.remaining(at=max(request.now, datetime.now(UTC)))

    def all(self) -> list[Callable[..., Any]]:
        return [
            self.mirror_restore_job,
            self.list_restore_work,
            self.restore_playlist,
            self.delete_new_playlists,
            self.restore_quota_remaining,
        ]
