"""The YouTube client: every call is paid for in the ledger, paced, and fails with a typed error.

The API is blocking (google-api-python-client over httplib2), so each call runs in a worker
thread and the event loop never waits on the network.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
from google.oauth2.credentials import Credentials

from playlist_sync.config import Settings
from playlist_sync.youtube import wire
from playlist_sync.youtube.call_charges import (
    CALL_FAILURES,
    Call,
    Service,
    reserve,
    settle_failure,
)
from playlist_sync.youtube.credentials import CredentialsProvider, StepGrant
from playlist_sync.youtube.errors import (
    AuthRequired,
    Forbidden,
    PlaylistNotFound,
    Transient,
    classify,
)
from playlist_sync.youtube.quota_ledger import QuotaLedger
from playlist_sync.youtube.rate_limiter import READ_WEIGHT, WRITE_WEIGHT, RateLimiter
from playlist_sync.youtube.resources import Channel, RemotePlaylist, RemotePlaylistItem, RemoteVideo
from playlist_sync.youtube.timeouts import CALL_TIMEOUT
from playlist_sync.youtube.transport import authorized_http, youtube_service

log = logging.getLogger(__name__)

PAGE_SIZE = 50

# A list method, given the page token to ask for.
PageRequest = Callable[[Service, str | None], Any]


@dataclass(frozen=True)
class YouTubeClient:
    """One user's YouTube, through the project's quota ledger.

    Writes are sent exactly once: a write whose answer was lost (Transient) may have
    happened, and only the caller can tell by reading YouTube back. Reads are retried on
    Transient, each attempt paying for itself. Use `for_job(id)` to charge a sync.
    """

    ledger: QuotaLedger
    credentials: CredentialsProvider | StepGrant
    api_url: str | None = None
    limiter: RateLimiter = field(default_factory=RateLimiter)
    sync_job_id: int | None = None
    timeout: float = CALL_TIMEOUT.total_seconds()
    read_attempts: int = 3
    retry_delay: float = 0.5
    # The ledger's clock never runs behind this instant (see for_job).
    not_before: datetime | None = None
    # Called before every request (each page of a list, each write): an activity's heartbeat,
    # so that it is never silent longer than one call.
    before_each_call: Callable[[], None] | None = None

    def for_job(
        self, sync_job_id: int | None, *, not_before: datetime | None = None
    ) -> YouTubeClient:
        """The same client (ledger, token cache, pacing) charging its calls to `sync_job_id`.

        `not_before` is the workflow's time: after the workflow slept until a quota reset,
        its activities charge the new window even if this machine's clock (or a
        time-skipping test server) has not got there yet.
        """
        return replace(self, sync_job_id=sync_job_id, not_before=not_before)

    def for_step(self) -> YouTubeClient:
        """The same client holding one grant for all of its calls: the grant stored at its
        first call, which the step's account check reads, even if `auth` stores another."""
        return replace(self, credentials=self.credentials.for_step())

    def with_heartbeat(self, beat: Callable[[], None]) -> YouTubeClient:
        """The same client calling `beat` before each request it sends."""
        return replace(self, before_each_call=beat)

    def ledger_time(self) -> datetime:
        now = datetime.now(UTC)
        return now if self.not_before is None else max(now, self.not_before)

    # --- writes (50 units each) -------------------------------------------------------------

    async def create_youtube_playlist(
        self, title: str, description: str = "", privacy_status: str = "private"
    ) -> str:
        body = {
            "snippet": {"title": title, "description": description},
            "status": {"privacyStatus": privacy_status},
        }
        created = await self._write(
            "playlists.insert",
            {"title": title},
            lambda api: api.playlists().insert(part="snippet,status", body=body),
        )
        return str(created["id"])

    async def add_video_to_playlist(
        self, playlist_id: str, video_id: str, position: int | None = None
    ) -> str:
        """Appends (or inserts at `position`) and returns the new playlist item's id."""
        snippet: dict[str, Any] = {
            "playlistId": playlist_id,
            "resourceId": {"kind": "youtube#video", "videoId": video_id},
        }
        if position is not None:
            snippet["position"] = position
        added = await self._write(
            "playlistItems.insert",
            {"playlistId": playlist_id, "videoId": video_id},
            lambda api: api.playlistItems().insert(part="snippet", body={"snippet": snippet}),
        )
        return str(added["id"])

    async def delete_youtube_playlist(self, playlist_id: str) -> None:
        await self._write(
            "playlists.delete",
            {"playlistId": playlist_id},
            lambda api: api.playlists().delete(id=playlist_id),
        )

    async def delete_playlist_item(self, item_id: str) -> None:
        """Removes one playlist item (by the item's id, not the video's)."""
        await self._write(
            "playlistItems.delete",
            {"itemId": item_id},
            lambda api: api.playlistItems().delete(id=item_id),
        )

    async def move_playlist_item(
        self, item_id: str, playlist_id: str, video_id: str, position: int
    ) -> None:
        """Moves an item to `position` (playlistItems.update: the snippet names its playlist
        and video again, as YouTube requires)."""
        body = {
            "id": item_id,
            "snippet": {
                "playlistId": playlist_id,
                "resourceId": {"kind": "youtube#video", "videoId": video_id},
                "position": position,
            },
        }
        await self._write(
            "playlistItems.update",
            {"itemId": item_id, "playlistId": playlist_id, "position": position},
            lambda api: api.playlistItems().update(part="snippet", body=body),
        )

    async def update_playlist(
        self, playlist_id: str, title: str, description: str = "", privacy_status: str = "private"
    ) -> None:
        """Replaces title, description and privacy (YouTube's update replaces whole parts)."""
        body = {
            "id": playlist_id,
            "snippet": {"title": title, "description": description},
            "status": {"privacyStatus": privacy_status},
        }
        await self._write(
            "playlists.update",
            {"playlistId": playlist_id, "title": title},
            lambda api: api.playlists().update(part="snippet,status", body=body),
        )

    # --- reads (1 unit per page) ------------------------------------------------------------

    async def my_channel(self) -> Channel:
        answer = await self._read(
            "channels.list", {}, lambda api: api.channels().list(part="snippet", mine=True)
        )
        items = answer.get("items") or []
        if not items:
            raise Forbidden("this Google account has no YouTube channel", reason="noChannel")
        return wire.channel(items[0])

    async def my_playlists(self) -> list[RemotePlaylist]:
        resources = await self._pages(
            "playlists.list",
            {"mine": True},
            lambda api, page: api.playlists().list(
                part=wire.PLAYLIST_PARTS, mine=True, maxResults=PAGE_SIZE, pageToken=page
            ),
        )
        return [wire.playlist(resource) for resource in resources]

    async def find_playlist(self, playlist_id: str) -> RemotePlaylist | None:
        """The playlist if it exists and is this user's, else None."""
        try:
            answer = await self._read(
                "playlists.list",
                {"playlistId": playlist_id},
                lambda api: api.playlists().list(part=wire.PLAYLIST_PARTS, id=playlist_id),
            )
        except PlaylistNotFound:
            return None
        items = answer.get("items") or []
        return wire.playlist(items[0]) if items else None

    async def playlist_items(self, playlist_id: str) -> list[RemotePlaylistItem]:
        """Every item, in playlist order; raises PlaylistNotFound for a missing playlist."""
        resources = await self._pages(
            "playlistItems.list",
            {"playlistId": playlist_id},
            lambda api, page: api.playlistItems().list(
                part=wire.ITEM_PARTS, playlistId=playlist_id, maxResults=PAGE_SIZE, pageToken=page
            ),
        )
        return sorted((wire.playlist_item(r) for r in resources), key=lambda item: item.position)

    async def playlist_items_of_video(
        self, playlist_id: str, video_id: str
    ) -> list[RemotePlaylistItem]:
        """The playlist's items of one video (`videoId` filter): 1 unit whatever the playlist's
        size, enough to tell whether a write of that video landed."""
        resources = await self._pages(
            "playlistItems.list",
            {"playlistId": playlist_id, "videoId": video_id},
            lambda api, page: api.playlistItems().list(
                part=wire.ITEM_PARTS,
                playlistId=playlist_id,
                videoId=video_id,
                maxResults=PAGE_SIZE,
                pageToken=page,
            ),
        )
        return sorted((wire.playlist_item(r) for r in resources), key=lambda item: item.position)

    async def videos(self, video_ids: Iterable[str]) -> list[RemoteVideo]:
        """The videos YouTube shows this user, in the order asked; deleted and others' private
        videos are simply missing from the answer."""
        wanted = list(dict.fromkeys(video_ids))
        found: dict[str, RemoteVideo] = {}
        for start in range(0, len(wanted), PAGE_SIZE):
            batch = wanted[start : start + PAGE_SIZE]
            answer = await self._read("videos.list", {"videoIds": batch}, _videos_request(batch))
            for resource in answer.get("items") or []:
                video = wire.video(resource)
                found[video.id] = video
        return [found[video_id] for video_id in wanted if video_id in found]

    # --- the one way a call is made -----------------------------------------------------------

    async def _write(
        self, operation: str, details: dict[str, Any], request: Callable[[Service], Any]
    ) -> dict[str, Any]:
        return await self._call(Call(operation, True, details, request))

    async def _read(
        self, operation: str, details: dict[str, Any], request: Callable[[Service], Any]
    ) -> dict[str, Any]:
        return await self._call(Call(operation, False, details, request))

    async def _pages(
        self, operation: str, details: dict[str, Any], request: PageRequest
    ) -> list[dict[str, Any]]:
        resources: list[dict[str, Any]] = []
        page_token: str | None = None
        page = 0
        while True:
            page += 1
            answer = await self._read(
                operation, {**details, "page": page}, _page_request(request, page_token)
            )
            resources.extend(answer.get("items") or [])
            page_token = answer.get("nextPageToken")
            if not page_token:
                return resources

    async def _call(self, call: Call) -> dict[str, Any]:
        attempt = 0
        reauthorised = False
        while True:
            attempt += 1
            if self.before_each_call is not None:
                self.before_each_call()
            try:
                return await self._send(call)
            except Transient as error:
                if call.write or attempt >= self.read_attempts:
                    raise
                log.warning("retrying %s after: %s", call.operation, error)
                await asyncio.sleep(self.retry_delay * attempt)
            except AuthRequired as error:
                # A 401 is a refusal before anything happened, so one more try with a freshly
                # refreshed token is safe even for a write: it covers a token that expired in
                # flight. A revoked grant then fails the refresh with the real reason.
                if error.status != 401 or reauthorised:
                    raise
                reauthorised = True

    async def _send(self, call: Call) -> dict[str, Any]:
        if call.creates_playlist:
            async with self.ledger.creation_turn(self.before_each_call):
                return await self._send_now(call)
        return await self._send_now(call)

    async def _send_now(self, call: Call) -> dict[str, Any]:
        credentials = await _in_call_thread(self.credentials.access_credentials)
        # The window the call is charged to, whenever its answer comes: a refusal belongs to it.
        charged_at = self.ledger_time()
        event_id = await reserve(self.ledger, call, charged_at, self.sync_job_id)
        await self.limiter.acquire(WRITE_WEIGHT if call.write else READ_WEIGHT)
        try:
            answer = await _in_call_thread(self._execute, call, credentials)
        except CALL_FAILURES as failure:
            error = classify(failure, call.describe(), call.operation)
            if error.status == 401:
                self.credentials.invalidate(credentials.token)
            await settle_failure(self.ledger, call, charged_at, event_id, failure, error)
            log.debug("%s failed: %s", call.describe(), error)
            raise error from failure
        except Exception as failure:
            await self.ledger.record_outcome(event_id, f"bug {type(failure).__name__}")
            raise
        try:
            await self.ledger.record_outcome(event_id, "ok")
        except (asyncpg.PostgresError, OSError) as problem:
            # The call happened and is paid for; losing its answer over a bookkeeping note
            # would make the caller redo a write that is done.
            log.warning("could not note the outcome of %s: %s", call.describe(), problem)
        log.debug("%s ok (%d units)", call.describe(), call.cost)
        return answer

    def _execute(self, call: Call, credentials: Credentials) -> dict[str, Any]:
        # Runs in a worker thread: its own Http, so no httplib2 object is shared by threads.
        http = authorized_http(credentials, self.timeout)
        answer = call.request(youtube_service(self.api_url)).execute(http=http)
        return answer if isinstance(answer, dict) else {}


T = TypeVar("T")

# YouTube calls block in httplib2, so they run in threads. The loop's default pool has
# min(32, cores + 4) threads (6 on two cores), which would cap ten playlists' calls in flight
# at six: a pool of their own lets the parallel playlists really run in parallel.
_CALL_THREADS = ThreadPoolExecutor(max_workers=32, thread_name_prefix="youtube-call")


async def _in_call_thread(function: Callable[..., T], *args: Any) -> T:
    return await asyncio.get_running_loop().run_in_executor(_CALL_THREADS, function, *args)


def _page_request(request: PageRequest, page_token: str | None) -> Callable[[Service], Any]:
    return lambda api: request(api, page_token)


def _videos_request(video_ids: list[str]) -> Callable[[Service], Any]:
    ids = ",".join(video_ids)
    return lambda api: api.videos().list(part=wire.VIDEO_PARTS, id=ids, maxResults=PAGE_SIZE)


async def youtube_client_from_settings(
    settings: Settings,
    pool: asyncpg.Pool,
    *,
    sync_job_id: int | None = None,
    limiter: RateLimiter | None = None,
) -> YouTubeClient:
    """The client the CLI and the worker use: ledger in `pool`, grant under the data dir.

    The grant is read at the first call, not here, so a worker starts before `auth` has run.
    """
    # Parse the discovery document now, off the event loop, rather than in the first call.
    await asyncio.to_thread(youtube_service, settings.youtube_api_url)
    return YouTubeClient(
        ledger=QuotaLedger(
            pool,
            settings.youtube_daily_quota,
            settings.quota_reset,
            settings.youtube_playlist_creates_per_day,
        ),
        credentials=CredentialsProvider(Path(settings.data_dir)),
        api_url=settings.youtube_api_url,
        limiter=limiter or RateLimiter(),
        sync_job_id=sync_job_id,
    )
