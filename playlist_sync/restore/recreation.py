"""The playlist itself: created once (found again by its marker after a crash), then given the
backed-up title, description and privacy.

It is created private with only a marker as its description, so that if the database write
after playlists.insert is lost, the retry finds it instead of making a second one; the
playlists.update that follows replaces the marker with the backed-up description.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import asyncpg

from playlist_sync.restore.job_store import append_errors
from playlist_sync.restore.models import RestoreError
from playlist_sync.restore.payloads import PlaylistOutcome
from playlist_sync.restore.youtube_port import RestoreYouTube
from playlist_sync.youtube.errors import PlaylistNotFound, QuotaExceeded, YouTubeError
from playlist_sync.youtube.failures import ends_the_step

_MARKER = re.compile(r"\(playlist-sync restore (\d+), playlist (\d+)\)")


def marker(restore_job_id: int, restore_playlist_id: int) -> str:
    return f"(playlist-sync restore {restore_job_id}, playlist {restore_playlist_id})"


async def find_or_create(
    youtube: RestoreYouTube, pool: asyncpg.Pool, row: asyncpg.Record, outcome: PlaylistOutcome
) -> str | None:
    """The recreated playlist's id; None when the quota ran out or the playlist failed."""
    job_id = row["restore_job_id"]
    if row["create_requested_at"] is not None:
        adopted = await _made_before(youtube, job_id, row["id"])
        await pool.execute(
            """UPDATE restore_playlists SET youtube_playlist_id = $2, create_requested_at = NULL
               WHERE id = $1""",
            row["id"],
            adopted,
        )
        if adopted is not None:
            return adopted
    await pool.execute(
        "UPDATE restore_playlists SET create_requested_at = now() WHERE id = $1", row["id"]
    )
    try:
        playlist_id = await youtube.create_youtube_playlist(
            row["title"], marker(job_id, row["id"]), "private"
        )
    except QuotaExceeded as error:
        await pool.execute(
            "UPDATE restore_playlists SET create_requested_at = NULL WHERE id = $1", row["id"]
        )
        outcome.quota_exhausted, outcome.next_reset = True, error.next_reset
        return None
    except YouTubeError as error:
        if ends_the_step(error):
            raise  # the retry looks for the marker first: this one may have been created
        outcome.new_errors += await fail_playlist(pool, row, f"could not recreate: {error.message}")
        return None
    await pool.execute(
        """UPDATE restore_playlists SET youtube_playlist_id = $2, create_requested_at = NULL
           WHERE id = $1""",
        row["id"],
        playlist_id,
    )
    return playlist_id


async def describe(
    youtube: RestoreYouTube,
    pool: asyncpg.Pool,
    row: asyncpg.Record,
    playlist_id: str,
    outcome: PlaylistOutcome,
) -> bool:
    """Give the playlist its backed-up snippet and privacy (an update: safe to repeat).

    False when the quota ran out, or the playlist vanished (then it has failed)."""
    try:
        await youtube.update_playlist(
            playlist_id, row["title"], row["description"], row["privacy_status"]
        )
    except QuotaExceeded as error:
        outcome.quota_exhausted, outcome.next_reset = True, error.next_reset
        return False
    except PlaylistNotFound as error:
        outcome.new_errors += await fail_playlist(
            pool, row, f"deleted during the restore: {error.message}"
        )
        return False
    except YouTubeError as error:
        if ends_the_step(error):
            raise
        # The videos can still go in; the user is told the snippet is not the backed-up one.
        outcome.new_errors.append(
            await _report(
                pool, row, f"recreated, but its description could not be set: {error.message}"
            )
        )
    await pool.execute("UPDATE restore_playlists SET described_at = now() WHERE id = $1", row["id"])
    return True


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
    return [await _report(pool, row, reason)]


async def _report(pool: asyncpg.Pool, row: asyncpg.Record, message: str) -> RestoreError:
    error = RestoreError(
        entity_type="playlist",
        entity_id=row["original_playlist_id"],
        message=f"{row['title']!r} {message}",
        timestamp=datetime.now(UTC),
    )
    await append_errors(pool, row["restore_job_id"], [error])
    return error


async def _made_before(
    youtube: RestoreYouTube, job_id: int, restore_playlist_id: int
) -> str | None:
    """The playlist an earlier attempt created, found by the marker in its description."""
    for playlist in await youtube.my_playlists():
        match = _MARKER.search(playlist.description)
        if match and (int(match.group(1)), int(match.group(2))) == (job_id, restore_playlist_id):
            return playlist.id
    return None
