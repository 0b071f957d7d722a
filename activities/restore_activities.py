"""The restore's activities: each turns one workflow step into calls of the domain code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
from temporalio import activity
from temporalio.exceptions import ApplicationError

from playlist_sync.restore import steps
from playlist_sync.restore.job_store import mirror_restore_job
from playlist_sync.restore.payloads import (
    PlaylistOutcome,
    PlaylistRequest,
    RestoreMirror,
    RestoreRequest,
    RestoreWork,
)
from playlist_sync.restore.quota import youtube_for_restore
from playlist_sync.youtube.client import YouTubeClient
from playlist_sync.youtube.errors import YouTubeError
from playlist_sync.youtube.failures import needs_user


class RestoreActivities:
    def __init__(self, pool: asyncpg.Pool, youtube: YouTubeClient) -> None:
        self._pool = pool
        self._youtube = youtube

    @activity.defn
    async def mirror_restore_job(self, mirror: RestoreMirror) -> int:
        return await mirror_restore_job(self._pool, mirror)

    @activity.defn
    async def list_restore_work(self, request: RestoreRequest) -> RestoreWork:
        return await steps.list_restore_work(self._pool, request.restore_job_id)

    @activity.defn
    async def restore_playlist(self, request: PlaylistRequest) -> PlaylistOutcome:
        youtube = youtube_for_restore(self._youtube, request.restore_job_id, request.now)
        try:
            return await steps.restore_playlist(youtube, self._pool, request, activity.heartbeat)
        except YouTubeError as error:
            if needs_user(error):
                # Not retried: the workflow pauses and tells the user to run `starter.py auth`.
                raise ApplicationError(
                    str(error), type="AuthRequired", non_retryable=True
                ) from None
            raise

    @activity.defn
    async def restore_quota_remaining(self, request: RestoreRequest) -> int:
        return await self._youtube.ledger.remaining(at=max(request.now, datetime.now(UTC)))

    def all(self) -> list[Callable[..., Any]]:
        return [
            self.mirror_restore_job,
            self.list_restore_work,
            self.restore_playlist,
            self.restore_quota_remaining,
        ]
