"""create_playlists: each category's playlist, adopted (with one playlists.update when its
title, description or privacy differ) or made new, and a new one found again rather than made
twice (by the marker at the end of its description, see playlist_marker.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg

from playlist_sync.models import StageCounts, SyncError, SyncStage
from playlist_sync.planner import categories_to_create
from playlist_sync.playlist_marker import description_for, marked_by
from playlist_sync.sync.adoption import update_adopted_playlists, updates_pending
from playlist_sync.sync.job_store import append_errors, quota_used_by_sync, writes_held
from playlist_sync.sync.lagging_reads import FIRST_DELAY, wait_heartbeating
from playlist_sync.sync.payloads import LAG_ALLOWANCE_SECONDS, StepOutcome
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.errors import PlaylistCreationLimited, QuotaExceeded, YouTubeError
from playlist_sync.youtube.failures import ends_the_step


async def _to_create(pool: asyncpg.Pool, job_id: int) -> list[asyncpg.Record]:
    """The planner's categories needing a playlist, less those this job failed to create."""
    planned = [p.category_id for p in await categories_to_create(pool)]
    return list(
        await pool.fetch(
            """SELECT c.id, c.name, c.description, c.privacy_status, c.playlist_requested_at
               FROM categories c
               WHERE c.id = ANY($2::bigint[]) AND NOT EXISTS (
                   SELECT 1 FROM sync_jobs j, jsonb_array_elements(j.errors) e
                   WHERE j.id = $1 AND e->>'entityType' = 'category'
                     AND e->>'entityId' = c.id::text)
               ORDER BY c.position""",
            job_id,
            planned,
        )
    )


async def create_category_playlists(
    youtube: SyncYouTube,
    pool: asyncpg.Pool,
    job_id: int,
    max_writes: int,
    heartbeat: Callable[[int], None],
    lag_allowance: float = LAG_ALLOWANCE_SECONDS,
) -> StepOutcome:
    outcome = StepOutcome()
    # The adopted playlists first: an update is never refused for the day, a creation may be.
    await update_adopted_playlists(youtube, pool, job_id, max_writes, outcome, lag_allowance)
    if outcome.quota_exhausted or outcome.held:
        return await _ended(pool, job_id, outcome)
    todo = await _to_create(pool, job_id)
    if any(row["playlist_requested_at"] for row in todo):
        todo = await _adopt_playlists_made_before(
            youtube, pool, job_id, todo, lag_allowance, heartbeat
        )
    for row in todo[: max(max_writes - outcome.done, 0)]:
        if await writes_held(pool, job_id):
            outcome.held = True
            break
        await pool.execute(
            "UPDATE categories SET playlist_requested_at = now() WHERE id = $1", row["id"]
        )
        try:
            playlist_id = await youtube.create_youtube_playlist(
                row["name"],
                description_for(row["description"], job_id, row["id"]),
                row["privacy_status"],
            )
        except PlaylistCreationLimited as error:
            if error.reason == "ledgerRefused":
                # Never sent. A 429 may come after the playlist was made: the next window's
                # step looks for it by its marker first.
                await pool.execute(
                    "UPDATE categories SET playlist_requested_at = NULL WHERE id = $1", row["id"]
                )
            outcome.creation_limited, outcome.next_reset = True, error.next_reset
            break
        except QuotaExceeded as error:
            await pool.execute(
                "UPDATE categories SET playlist_requested_at = NULL WHERE id = $1", row["id"]
            )
            outcome.quota_exhausted, outcome.next_reset = True, error.next_reset
            break
        except YouTubeError as error:
            if ends_the_step(error):
                raise  # a retry reads the playlists back first: this one may have been created
            sync_error = SyncError(
                stage=SyncStage.CREATE_PLAYLISTS,
                entity_type="category",
                entity_id=str(row["id"]),
                message=f"could not create playlist {row['name']!r}: {error.message}",
                timestamp=datetime.now(UTC),
            )
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute(
                    "UPDATE categories SET playlist_requested_at = NULL WHERE id = $1", row["id"]
                )
                await append_errors(conn, job_id, [sync_error])
            outcome.failed += 1
            outcome.new_errors.append(sync_error)
            continue
        await _note_created(pool, row, playlist_id, job_id)
        outcome.done += 1
        heartbeat(outcome.done)
    return await _ended(pool, job_id, outcome)


async def _ended(pool: asyncpg.Pool, job_id: int, outcome: StepOutcome) -> StepOutcome:
    outcome.remaining = len(await _to_create(pool, job_id)) + await updates_pending(pool, job_id)
    outcome.quota_used_by_sync = await quota_used_by_sync(pool, job_id)
    outcome.create_totals = await creation_totals(pool, job_id)
    return outcome


async def _note_created(
    pool: asyncpg.Pool, category: asyncpg.Record, playlist_id: str | None, job_id: int
) -> None:
    """The category's new playlist, and the library's row for it: the library is YouTube as
    last seen, so the next sync's plan knows the playlist (and may adopt it again)."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(
            """UPDATE categories SET youtube_playlist_id = $2, playlist_requested_at = NULL,
                                     playlist_created_by_job = $3
               WHERE id = $1""",
            category["id"],
            playlist_id,
            job_id if playlist_id else None,
        )
        if playlist_id is not None:
            await conn.execute(
                """INSERT INTO playlists
                       (youtube_playlist_id, title, first_title, description, privacy_status)
                   VALUES ($1, $2, $2, $3, $4) ON CONFLICT (youtube_playlist_id) DO NOTHING""",
                playlist_id,
                category["name"],
                description_for(category["description"], job_id, category["id"]),
                category["privacy_status"],
            )


async def creation_totals(pool: asyncpg.Pool, job_id: int) -> StageCounts:
    """Succeeded: playlists made, and adopted playlists ready (updated, or needing none)."""
    row = await pool.fetchrow(
        """SELECT
             (SELECT count(*) FROM categories WHERE playlist_created_by_job = $1)
             + (SELECT count(*) FROM sync_category_plans
                WHERE sync_job_id = $1 AND adopted_playlist_id IS NOT NULL
                  AND (NOT needs_update OR updated_at IS NOT NULL)) AS created,
             (SELECT count(*) FROM sync_jobs j, jsonb_array_elements(j.errors) e
              WHERE j.id = $1 AND e->>'entityType' = 'category') AS failed""",
        job_id,
    )
    return StageCounts(succeeded=row["created"], failed=row["failed"])


async def _adopt_playlists_made_before(
    youtube: SyncYouTube,
    pool: asyncpg.Pool,
    job_id: int,
    todo: list[asyncpg.Record],
    lag_allowance: float,
    heartbeat: Callable[[int], None],
) -> list[asyncpg.Record]:
    """Categories whose insert may have happened: adopt the playlists that carry their marker.

    A list that does not show one yet may be trailing the insert: it is read again, after
    growing delays, until the insert is older than the lag allowed for."""
    requested = {row["id"]: row["playlist_requested_at"] for row in todo}
    requested = {category: at for category, at in requested.items() if at is not None}
    allowance, delay = timedelta(seconds=lag_allowance), FIRST_DELAY
    while True:
        sent_at = await pool.fetchval("SELECT now()")
        made = await _made_by_job(youtube, job_id)
        missing = [category for category in requested if category not in made]
        if all(sent_at - requested[category] >= allowance for category in missing):
            break
        await wait_heartbeating(delay, lambda: heartbeat(0))
        delay *= 2
    for row in todo:
        if row["playlist_requested_at"] is not None:
            await _note_created(pool, row, made.get(row["id"]), job_id)
    return await _to_create(pool, job_id)


async def _made_by_job(youtube: SyncYouTube, job_id: int) -> dict[int, str]:
    """Category id -> the playlist this job made for it, by the markers YouTube lists now."""
    made: dict[int, str] = {}
    for playlist in await youtube.my_playlists():
        found = marked_by(playlist.description)
        if found is not None and found[0] == job_id:
            made.setdefault(found[1], playlist.id)
    return made
