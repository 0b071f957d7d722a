"""Adopted playlists take the category's title, description and privacy (playlists.update).

An update is idempotent, but a second one costs 50 units like the first: when the outcome of
one is unknown (a crash, an error answer), the playlist is read back first, once lists can
show the update, and it is sent again only if the playlist does not show it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg

from playlist_sync.models import SyncError, SyncStage
from playlist_sync.playlist_marker import without_marker
from playlist_sync.sync.job_store import append_errors, writes_held
from playlist_sync.sync.lagging_reads import wait_heartbeating
from playlist_sync.sync.payloads import StepOutcome
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.errors import PlaylistNotFound, QuotaExceeded, YouTubeError
from playlist_sync.youtube.failures import ends_the_step

_TO_UPDATE = """
    SELECT p.category_id, p.adopted_playlist_id, p.update_started_at,
           c.name, c.description, c.privacy_status
    FROM sync_category_plans p JOIN categories c ON c.id = p.category_id
    WHERE p.sync_job_id = $1 AND p.adopted_playlist_id IS NOT NULL AND p.needs_update
      AND p.updated_at IS NULL
      AND c.youtube_playlist_id = p.adopted_playlist_id
    ORDER BY c.position, c.id
"""


async def updates_pending(pool: asyncpg.Pool, job_id: int) -> int:
    return len(await pool.fetch(_TO_UPDATE, job_id))


async def update_adopted_playlists(
    youtube: SyncYouTube,
    pool: asyncpg.Pool,
    job_id: int,
    max_writes: int,
    outcome: StepOutcome,
    lag_allowance: float,
) -> None:
    for row in (await pool.fetch(_TO_UPDATE, job_id))[:max_writes]:
        if await writes_held(pool, job_id):
            outcome.held = True
            return
        wanted = (row["name"], row["description"].strip(), row["privacy_status"])
        try:
            if row["update_started_at"] is not None and await _shows(
                youtube, row, wanted, lag_allowance
            ):
                await _updated(pool, job_id, row["category_id"])
                continue
            await pool.execute(
                """UPDATE sync_category_plans SET update_started_at = now()
                   WHERE sync_job_id = $1 AND category_id = $2""",
                job_id,
                row["category_id"],
            )
            await youtube.update_playlist(row["adopted_playlist_id"], *wanted)
        except QuotaExceeded as error:
            outcome.quota_exhausted, outcome.next_reset = True, error.next_reset
            return
        except PlaylistNotFound:
            # Deleted on YouTube since the backup: the category gets a new playlist instead.
            await _gone(pool, row)
            continue
        except YouTubeError as error:
            if ends_the_step(error):
                raise  # the retry reads the playlist back before sending it again
            await _failed(pool, job_id, row, error)
            outcome.failed += 1
            continue
        await _updated(pool, job_id, row["category_id"])
        outcome.done += 1


async def _shows(
    youtube: SyncYouTube, row: asyncpg.Record, wanted: tuple[str, str, str], lag: float
) -> bool:
    """Whether the playlist shows the update whose outcome is unknown, read once a list
    made `lag` seconds after it was sent must show it."""
    sent: datetime = row["update_started_at"]
    wait = (sent + timedelta(seconds=lag) - datetime.now(UTC)).total_seconds()
    if wait > 0:
        await wait_heartbeating(wait, lambda: None)
    found = await youtube.find_playlist(row["adopted_playlist_id"])
    if found is None:
        raise PlaylistNotFound(f"playlist {row['adopted_playlist_id']} not found")
    return (found.title, without_marker(found.description), found.privacy_status) == wanted


async def _updated(pool: asyncpg.Pool, job_id: int, category_id: int) -> None:
    async with pool.acquire() as conn, conn.transaction():
        playlist = await conn.fetchval(
            """UPDATE sync_category_plans SET updated_at = now()
               WHERE sync_job_id = $1 AND category_id = $2 RETURNING adopted_playlist_id""",
            job_id,
            category_id,
        )
        # The library is YouTube as last seen: the playlist now has the category's fields.
        await conn.execute(
            """UPDATE playlists p SET title = c.name, description = c.description,
                                      privacy_status = c.privacy_status, updated_at = now()
               FROM categories c WHERE c.id = $2 AND p.youtube_playlist_id = $1""",
            playlist,
            category_id,
        )


async def _gone(pool: asyncpg.Pool, row: asyncpg.Record) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            """UPDATE playlists SET deleted_from_youtube_at = now()
               WHERE youtube_playlist_id = $1""",
            row["adopted_playlist_id"],
        )
        await conn.execute(
            "UPDATE categories SET youtube_playlist_id = NULL WHERE id = $1", row["category_id"]
        )


async def _failed(
    pool: asyncpg.Pool, job_id: int, row: asyncpg.Record, error: YouTubeError
) -> None:
    """Reported, and not tried again by this job: the playlist keeps its old title."""
    sync_error = SyncError(
        stage=SyncStage.CREATE_PLAYLISTS,
        entity_type="playlist",
        entity_id=row["adopted_playlist_id"],
        message=f"could not rename the adopted playlist to {row['name']!r}: {error.message}",
        timestamp=datetime.now(UTC),
    )
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            """UPDATE sync_category_plans SET needs_update = false
               WHERE sync_job_id = $1 AND category_id = $2""",
            job_id,
            row["category_id"],
        )
        await append_errors(conn, job_id, [sync_error])
