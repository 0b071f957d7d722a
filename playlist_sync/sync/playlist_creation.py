"""create_playlists: one private playlist per category, found again rather than made twice."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg

from playlist_sync.models import StageCounts, SyncError, SyncStage
from playlist_sync.planner import categories_to_create
from playlist_sync.sync.failures import ends_the_step
from playlist_sync.sync.job_store import append_errors, quota_used_by_sync, writes_held
from playlist_sync.sync.lagging_reads import FIRST_DELAY, wait_heartbeating
from playlist_sync.sync.payloads import LAG_ALLOWANCE_SECONDS, StepOutcome
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.errors import PlaylistCreationLimited, QuotaExceeded, YouTubeError

# The marker in the description: if the database write after playlists.insert is lost to a
# crash (or its answer to an error), the retry finds the playlist by it instead of creating a
# second one. Only at the very end of a description, where the sync puts it: a user's text
# that merely contains one is not taken for it.
_MARKER = re.compile(r"\(playlist-sync job (\d+), category (\d+)\)\s*\Z")

# What the marker adds to a description at most (ids up to bigint's 19 digits), which the
# categories file's description check counts against YouTube's 5,000 characters.
MARKER_ROOM = len("\n\n" + "(playlist-sync job , category )") + 2 * 19


def marker(job_id: int, category_id: int) -> str:
    return f"(playlist-sync job {job_id}, category {category_id})"


def marked_by(description: str) -> tuple[int, int] | None:
    """(job id, category id) of the marker that ends `description`, if one does."""
    match = _MARKER.search(description)
    return (int(match.group(1)), int(match.group(2))) if match else None


def description_for(text: str, job_id: int, category_id: int) -> str:
    return f"{text}\n\n{marker(job_id, category_id)}".strip()


async def _to_create(pool: asyncpg.Pool, job_id: int) -> list[asyncpg.Record]:
    """The planner's categories needing a playlist, less those this job failed to create."""
    planned = [p.category_id for p in await categories_to_create(pool)]
    return list(
        await pool.fetch(
            """SELECT c.id, c.name, c.description, c.playlist_requested_at FROM categories c
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
    todo = await _to_create(pool, job_id)
    if any(row["playlist_requested_at"] for row in todo):
        todo = await _adopt_playlists_made_before(
            youtube, pool, job_id, todo, lag_allowance, heartbeat
        )
    for row in todo[:max_writes]:
        if await writes_held(pool, job_id):
            outcome.held = True
            break
        await pool.execute(
            "UPDATE categories SET playlist_requested_at = now() WHERE id = $1", row["id"]
        )
        try:
            playlist_id = await youtube.create_youtube_playlist(
                row["name"], description_for(row["description"], job_id, row["id"])
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
        await pool.execute(
            """UPDATE categories SET youtube_playlist_id = $2, playlist_requested_at = NULL,
                                     playlist_created_by_job = $3
               WHERE id = $1""",
            row["id"],
            playlist_id,
            job_id,
        )
        outcome.done += 1
        heartbeat(outcome.done)
    outcome.remaining = len(await _to_create(pool, job_id))
    outcome.quota_used_by_sync = await quota_used_by_sync(pool, job_id)
    outcome.create_totals = await creation_totals(pool, job_id)
    return outcome


async def creation_totals(pool: asyncpg.Pool, job_id: int) -> StageCounts:
    row = await pool.fetchrow(
        """SELECT
             (SELECT count(*) FROM categories WHERE playlist_created_by_job = $1) AS created,
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
            adopted = made.get(row["id"])
            await pool.execute(
                """UPDATE categories SET youtube_playlist_id = $2, playlist_requested_at = NULL,
                                         playlist_created_by_job = $3
                   WHERE id = $1""",
                row["id"],
                adopted,
                job_id if adopted else None,
            )
    return await _to_create(pool, job_id)


async def _made_by_job(youtube: SyncYouTube, job_id: int) -> dict[int, str]:
    """Category id -> the playlist this job made for it, by the markers YouTube lists now."""
    made: dict[int, str] = {}
    for playlist in await youtube.my_playlists():
        found = marked_by(playlist.description)
        if found is not None and found[0] == job_id:
            made.setdefault(found[1], playlist.id)
    return made
