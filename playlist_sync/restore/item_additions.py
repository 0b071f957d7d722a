"""The playlist's videos, in the backed-up order, one write at a time, never twice.

Before an insert is sent its row gets `insert_started_at`; a pending row with it set means the
outcome is unknown (a crash, a lost answer), so the playlist is read back before anything else
goes into it. The playlist is the restore's own, so whatever YouTube holds beyond the recorded
items can only be such an insert.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

import asyncpg

from playlist_sync.restore.job_store import append_errors, writes_held
from playlist_sync.restore.models import RestoreError
from playlist_sync.restore.payloads import PlaylistOutcome, PlaylistRequest
from playlist_sync.restore.youtube_port import RestoreYouTube
from playlist_sync.youtube.errors import (
    PlaylistFull,
    PlaylistNotFound,
    QuotaExceeded,
    VideoUnavailable,
    YouTubeError,
)
from playlist_sync.youtube.failures import ends_the_step


async def add_items(
    youtube: RestoreYouTube,
    pool: asyncpg.Pool,
    request: PlaylistRequest,
    playlist_id: str,
    max_writes: int,
    outcome: PlaylistOutcome,
    heartbeat: Callable[[int], None],
) -> None:
    row_id = request.restore_playlist_id
    if await _outcome_unknown(pool, row_id):
        await _read_back(youtube, pool, row_id, playlist_id)
    items = await pool.fetch(
        """SELECT id, youtube_video_id FROM restore_items
           WHERE restore_playlist_id = $1 AND status = 'pending' ORDER BY position LIMIT $2""",
        row_id,
        max_writes,
    )
    trailing_failures = 0
    for item in items:
        if await writes_held(pool, request.restore_job_id):
            outcome.held = True
            break
        await pool.execute(
            "UPDATE restore_items SET insert_started_at = now() WHERE id = $1", item["id"]
        )
        try:
            item_id = await youtube.add_video_to_playlist(playlist_id, item["youtube_video_id"])
        except QuotaExceeded as error:
            # Refused before it was sent, or refused by YouTube: either way nothing was added.
            await _forget_attempt(pool, item["id"])
            outcome.quota_exhausted, outcome.next_reset = True, error.next_reset
            break
        except YouTubeError as error:
            if ends_the_step(error):
                # It may have been added: the retry reads the playlist back before going on.
                raise
            if isinstance(error, PlaylistNotFound):
                await _forget_attempt(pool, item["id"])
                raise  # the copy was deleted meanwhile: the whole playlist has failed
            skipped = isinstance(error, VideoUnavailable)
            outcome.new_errors.append(await _end_item(pool, request, item, error, skipped))
            outcome.skipped += skipped
            outcome.failed += not skipped
            if isinstance(error, PlaylistFull):
                # Nothing more can go into this playlist: report the rest, do not retry.
                outcome.new_errors += await _fail_rest(pool, request, error)
                break
            trailing_failures = 0 if skipped else trailing_failures + 1
            if trailing_failures >= request.failures_before_pause:
                break
            continue
        await _complete(pool, item["id"], item_id)
        trailing_failures = 0
        outcome.done += 1
        heartbeat(outcome.done)
    outcome.consecutive_failures = trailing_failures


async def _outcome_unknown(pool: asyncpg.Pool, restore_playlist_id: int) -> bool:
    return bool(
        await pool.fetchval(
            """SELECT EXISTS (SELECT 1 FROM restore_items WHERE restore_playlist_id = $1
                              AND status = 'pending' AND insert_started_at IS NOT NULL)""",
            restore_playlist_id,
        )
    )


async def _read_back(
    youtube: RestoreYouTube, pool: asyncpg.Pool, restore_playlist_id: int, playlist_id: str
) -> None:
    """Complete each uncertain insert whose video is in the playlist beyond the recorded items."""
    on_youtube = await youtube.playlist_items(playlist_id)
    recorded = {
        row["youtube_item_id"]
        for row in await pool.fetch(
            """SELECT youtube_item_id FROM restore_items
               WHERE restore_playlist_id = $1 AND status = 'completed'""",
            restore_playlist_id,
        )
    }
    unclaimed: dict[str, list[str]] = {}
    for entry in on_youtube:
        if entry.id not in recorded:
            unclaimed.setdefault(entry.video_id, []).append(entry.id)
    left = Counter({video: len(ids) for video, ids in unclaimed.items()})
    uncertain = await pool.fetch(
        """SELECT id, youtube_video_id FROM restore_items
           WHERE restore_playlist_id = $1 AND status = 'pending' AND insert_started_at IS NOT NULL
           ORDER BY position""",
        restore_playlist_id,
    )
    for item in uncertain:
        video = item["youtube_video_id"]
        if left[video] > 0:
            left[video] -= 1
            await _complete(pool, item["id"], unclaimed[video].pop(0))
        else:
            await _forget_attempt(pool, item["id"])


async def _complete(pool: asyncpg.Pool, item_row_id: int, youtube_item_id: str) -> None:
    await pool.execute(
        """UPDATE restore_items SET status = 'completed', youtube_item_id = $2,
               insert_started_at = NULL, completed_at = now()
           WHERE id = $1 AND status = 'pending'""",
        item_row_id,
        youtube_item_id,
    )


async def _forget_attempt(pool: asyncpg.Pool, item_row_id: int) -> None:
    await pool.execute(
        "UPDATE restore_items SET insert_started_at = NULL WHERE id = $1", item_row_id
    )


async def _end_item(
    pool: asyncpg.Pool,
    request: PlaylistRequest,
    item: asyncpg.Record,
    error: YouTubeError,
    skipped: bool,
) -> RestoreError:
    status = "skipped" if skipped else "failed"
    restore_error = RestoreError(
        entity_type="video",
        entity_id=item["youtube_video_id"],
        message=f"{status}: {error.message}",
        timestamp=datetime.now(UTC),
    )
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            """UPDATE restore_items SET status = $2, error_message = $3,
                   insert_started_at = NULL, completed_at = now()
               WHERE id = $1""",
            item["id"],
            status,
            error.message,
        )
        await append_errors(conn, request.restore_job_id, [restore_error])
    return restore_error


async def _fail_rest(
    pool: asyncpg.Pool, request: PlaylistRequest, error: YouTubeError
) -> list[RestoreError]:
    reason = f"not added: {error.message}"
    rows = await pool.fetch(
        """UPDATE restore_items SET status = 'failed', error_message = $2,
               insert_started_at = NULL, completed_at = now()
           WHERE restore_playlist_id = $1 AND status = 'pending'
           RETURNING youtube_video_id""",
        request.restore_playlist_id,
        reason,
    )
    errors = [
        RestoreError(
            entity_type="video",
            entity_id=row["youtube_video_id"],
            message=reason,
            timestamp=datetime.now(UTC),
        )
        for row in rows
    ]
    await append_errors(pool, request.restore_job_id, errors)
    return errors
