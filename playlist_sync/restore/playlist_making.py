"""A snapshot playlist YouTube no longer has: made again once, found again by its marker, never
made twice.

It is made with only a marker as its description, so that if the database write after
playlists.insert is lost (a crash, an error answer for an insert that landed), the next attempt
finds it instead of making a second one. A list that does not show it yet may be trailing the
insert: it is read again, after growing delays, until the insert is older than the lag allowed
for. The engine's batch (playlist_batch.py) then gives it its videos and, once they are in, the
backed-up title, description and privacy in one playlists.update, which replaces the marker.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg

from playlist_sync.restore.job_store import append_errors
from playlist_sync.restore.lease import RestoreLease, fenced
from playlist_sync.restore.models import RestoreError
from playlist_sync.restore.payloads import PlaylistOutcome
from playlist_sync.restore.youtube_port import RestoreYouTube
from playlist_sync.sync.lagging_reads import FIRST_DELAY, wait_heartbeating
from playlist_sync.youtube.errors import (
    PlaylistCreationLimited,
    QuotaExceeded,
    YouTubeError,
)
from playlist_sync.youtube.failures import ends_the_step

_MARKER = re.compile(r"\(playlist-sync restore (\d+), playlist (\d+)\)")


def marker(restore_job_id: int, restore_playlist_id: int) -> str:
    return f"(playlist-sync restore {restore_job_id}, playlist {restore_playlist_id})"


async def find_or_create(
    youtube: RestoreYouTube,
    pool: asyncpg.Pool,
    lease: RestoreLease,
    row: asyncpg.Record,
    outcome: PlaylistOutcome,
    *,
    lag_allowance: float,
    beat: Callable[[], None],
) -> str | None:
    """The re-made playlist's id; None when the quota or the creation limit ran out, or the
    playlist failed."""
    job_id = row["restore_job_id"]
    if row["create_requested_at"] is not None:
        made = await _made_before(
            youtube, pool, job_id, row["id"], row["create_requested_at"], lag_allowance, beat
        )
        await _note_made(pool, row["id"], made)
        if made is not None:
            return made
    async with fenced(pool, lease) as conn:
        await conn.execute(
            "UPDATE restore_playlists SET create_requested_at = now() WHERE id = $1", row["id"]
        )
    try:
        playlist_id = await youtube.create_youtube_playlist(
            row["title"], marker(job_id, row["id"]), row["privacy_status"]
        )
    except PlaylistCreationLimited as error:
        if error.reason == "ledgerRefused":
            # Never sent. A 429 YouTube sent may follow a playlist made after all: the next
            # window's batch looks for it by its marker first.
            await _note_made(pool, row["id"], None)
        outcome.creation_limited, outcome.next_reset = True, error.next_reset
        return None
    except QuotaExceeded as error:
        await _note_made(pool, row["id"], None)
        outcome.quota_exhausted, outcome.next_reset = True, error.next_reset
        return None
    except YouTubeError as error:
        if ends_the_step(error):
            raise  # the retry looks for the marker first: this one may have been made
        await _note_made(pool, row["id"], None)
        outcome.new_errors += await fail_playlist(pool, row, f"could not be made: {error.message}")
        return None
    await _note_made(pool, row["id"], playlist_id)
    return playlist_id


async def gone(pool: asyncpg.Pool, restore_playlist_id: int) -> None:
    """The playlist is gone from YouTube for longer than lists lag (the user deleted it): it is
    made again, as one the snapshot holds and YouTube does not."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            """UPDATE restore_playlists SET youtube_playlist_id = NULL, described_at = NULL,
                   in_place = false, filled_at = NULL, create_requested_at = NULL,
                   last_write_at = NULL, known_items = '{}'
               WHERE id = $1""",
            restore_playlist_id,
        )
        await conn.execute(
            """UPDATE restore_items SET status = 'pending', youtube_item_id = NULL,
                   added = false, completed_at = NULL
               WHERE restore_playlist_id = $1 AND status = 'completed'""",
            restore_playlist_id,
        )
        await conn.execute(
            """UPDATE restore_operations SET status = 'superseded', completed_at = now(),
                   error_message = 'not needed: the playlist is gone, and made again'
               WHERE restore_playlist_id = $1 AND status = 'pending'""",
            restore_playlist_id,
        )


async def fail_playlist(pool: asyncpg.Pool, row: asyncpg.Record, reason: str) -> list[RestoreError]:
    """The playlist cannot be restored: it and its pending items end as failed, reported."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            """UPDATE restore_playlists SET status = 'failed', error_message = $2,
                   create_requested_at = NULL, completed_at = now() WHERE id = $1""",
            row["id"],
            reason,
        )
        await conn.execute(
            """UPDATE restore_items SET status = 'failed', error_message = $2,
                   insert_started_at = NULL, completed_at = now()
               WHERE restore_playlist_id = $1 AND status = 'pending'""",
            row["id"],
            f"not added: the playlist {reason}",
        )
    return [await report(pool, row, reason)]


async def report(pool: asyncpg.Pool, row: asyncpg.Record, message: str) -> RestoreError:
    error = RestoreError(
        entity_type="playlist",
        entity_id=row["original_playlist_id"],
        message=f"{row['title']!r} {message}",
        timestamp=datetime.now(UTC),
    )
    await append_errors(pool, row["restore_job_id"], [error])
    return error


async def _note_made(pool: asyncpg.Pool, restore_playlist_id: int, playlist_id: str | None) -> None:
    await pool.execute(
        """UPDATE restore_playlists SET youtube_playlist_id = $2, create_requested_at = NULL
           WHERE id = $1""",
        restore_playlist_id,
        playlist_id,
    )


async def _made_before(
    youtube: RestoreYouTube,
    pool: asyncpg.Pool,
    job_id: int,
    restore_playlist_id: int,
    requested_at: datetime,
    lag_allowance: float,
    beat: Callable[[], None],
) -> str | None:
    """The playlist an earlier attempt made, found by the marker in its description; None
    once a list sent the allowed lag after the insert does not show it."""
    allowance, delay = timedelta(seconds=lag_allowance), FIRST_DELAY
    while True:
        sent_at = await pool.fetchval("SELECT now()")
        for playlist in await youtube.my_playlists():
            match = _MARKER.search(playlist.description)
            if match and (int(match.group(1)), int(match.group(2))) == (
                job_id,
                restore_playlist_id,
            ):
                return playlist.id
        if sent_at - requested_at >= allowance:
            return None
        await wait_heartbeating(delay, beat)
        delay *= 2
