"""A snapshot playlist YouTube no longer has: made again once (found again by its marker, never
made twice), then given the backed-up title, description and privacy.

It is made with only a marker as its description, so that if the database write after
playlists.insert is lost (a crash, an error answer for an insert that landed), the next attempt
finds it instead of making a second one. A list that does not show it yet may be trailing the
insert: it is read again, after growing delays, until the insert is older than the lag allowed
for. The playlists.update that follows replaces the marker with the backed-up description.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg

from playlist_sync.restore.job_store import append_errors
from playlist_sync.restore.lease import RestoreLease, note_write
from playlist_sync.restore.models import RestoreError
from playlist_sync.restore.payloads import PlaylistOutcome
from playlist_sync.restore.youtube_port import RestoreYouTube
from playlist_sync.sync.lagging_reads import FIRST_DELAY, wait_heartbeating
from playlist_sync.youtube.errors import (
    PlaylistCreationLimited,
    PlaylistNotFound,
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
    await note_write(pool, lease, of_items=False)
    await pool.execute(
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


async def describe(
    youtube: RestoreYouTube,
    pool: asyncpg.Pool,
    lease: RestoreLease,
    row: asyncpg.Record,
    playlist_id: str,
    outcome: PlaylistOutcome,
) -> bool:
    """Give the playlist its backed-up title, description and privacy (an update: safe to
    repeat). False when it did not happen (quota; the playlist is gone: made again)."""
    await note_write(pool, lease, of_items=False)
    try:
        await youtube.update_playlist(
            playlist_id, row["title"], row["description"], row["privacy_status"]
        )
    except QuotaExceeded as error:
        outcome.quota_exhausted, outcome.next_reset = True, error.next_reset
        return False
    except PlaylistNotFound:
        await gone(pool, row["id"])
        return False
    except YouTubeError as error:
        if ends_the_step(error):
            raise
        # The videos can still go in; the user is told the snippet is not the backed-up one.
        outcome.new_errors.append(
            await report(pool, row, f"its title and description could not be set: {error.message}")
        )
    await pool.execute("UPDATE restore_playlists SET described_at = now() WHERE id = $1", row["id"])
    return True


async def gone(pool: asyncpg.Pool, restore_playlist_id: int) -> None:
    """The playlist is gone from YouTube for longer than lists lag (the user deleted it): it is
    made again, as one the snapshot holds and YouTube does not."""
    await pool.execute(
        """UPDATE restore_playlists SET youtube_playlist_id = NULL, described_at = NULL,
               in_place = false, filled_at = NULL, create_requested_at = NULL
           WHERE id = $1""",
        restore_playlist_id,
    )
    await pool.execute(
        """UPDATE restore_items SET status = 'pending', youtube_item_id = NULL, refusals = 0,
               completed_at = NULL
           WHERE restore_playlist_id = $1 AND status = 'completed'""",
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
