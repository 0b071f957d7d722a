"""delete_playlists: the old playlists, once their videos are safely in the new ones."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import asyncpg

from playlist_sync.models import PlaylistToDelete, StageCounts, SyncError, SyncStage
from playlist_sync.planner import playlists_to_delete
from playlist_sync.sync.deletion_safety import homes_verified, unsafe_to_delete
from playlist_sync.sync.job_store import append_errors, quota_used_by_sync, writes_held
from playlist_sync.sync.payloads import StepOutcome
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.errors import PlaylistNotFound, QuotaExceeded, YouTubeError
from playlist_sync.youtube.failures import ends_the_step, worth_retrying

# A playlist holding a video that failed to go into its category's playlist is kept: deleting
# it would lose the video from the user's playlists (it is still in the backup).
_HOLDING_FAILED_VIDEOS = """
    SELECT DISTINCT pv.playlist_id FROM playlist_videos pv
    JOIN sync_video_operations o ON o.video_id = pv.video_id
    WHERE o.sync_job_id = $1 AND o.status = 'failed'
"""

_REPORTED = """
    SELECT e->>'entityId' FROM sync_jobs j, jsonb_array_elements(j.errors) e
    WHERE j.id = $1 AND e->>'entityType' = 'playlist'
"""


class NoBackupSnapshot(Exception):
    """The delete stage runs only against this job's backup: what it deletes must be there."""


async def _backed_up(pool: asyncpg.Pool, job_id: int) -> dict[str, set[str]]:
    """The job's backup snapshot: each playlist's id and the videos it held then."""
    playlists = await pool.fetchval(
        """SELECT s.playlists FROM sync_jobs j JOIN backup_snapshots s
           ON s.id = j.backup_snapshot_id AND s.sync_job_id = j.id WHERE j.id = $1""",
        job_id,
    )
    if playlists is None:
        raise NoBackupSnapshot(f"sync {job_id} has no backup snapshot: nothing is deleted")
    return {p["id"]: set(p["items"]) for p in playlists}


async def _to_delete(
    pool: asyncpg.Pool, job_id: int
) -> tuple[list[PlaylistToDelete], list[PlaylistToDelete]]:
    """(what this step may delete, what it keeps for failed videos and has not reported yet).
    Only playlists of this job's backup: one that appeared since is not ours to delete."""
    backed_up = await _backed_up(pool, job_id)
    planned = [p for p in await playlists_to_delete(pool) if p.youtube_id in backed_up]
    unsafe = {row[0] for row in await pool.fetch(_HOLDING_FAILED_VIDEOS, job_id)}
    reported = {row[0] for row in await pool.fetch(_REPORTED, job_id)}
    fresh = [p for p in planned if p.youtube_id not in reported]
    return (
        [p for p in fresh if p.playlist_id not in unsafe],
        [p for p in fresh if p.playlist_id in unsafe],
    )


async def delete_old_playlists(
    youtube: SyncYouTube,
    pool: asyncpg.Pool,
    job_id: int,
    max_writes: int,
    heartbeat: Callable[[int], None],
    only_safe_now: bool = False,
) -> StepOutcome:
    """Delete the old playlists, reporting those kept. `only_safe_now`: while new playlists
    wait for the creation limit, only those whose videos are all verified elsewhere already;
    the others are left, unreported and unread, for the delete stage."""
    outcome = StepOutcome()
    backed_up = await _backed_up(pool, job_id)
    deletable, unsafe = await _to_delete(pool, job_id)
    if only_safe_now:
        deletable = [p for p in deletable if await homes_verified(pool, job_id, p.youtube_id)]
        unsafe = []
    for playlist in unsafe:
        outcome.new_errors.append(
            await _report(pool, job_id, playlist, "kept: some of its videos could not be added")
        )
    for playlist in deletable[:max_writes]:
        if await writes_held(pool, job_id):
            outcome.held = True
            break
        heartbeat(outcome.done + outcome.skipped)
        try:
            reason = await unsafe_to_delete(
                youtube, pool, job_id, playlist.youtube_id, backed_up[playlist.youtube_id]
            )
            if reason is not None:
                if not only_safe_now:
                    outcome.new_errors.append(await _report(pool, job_id, playlist, reason))
                continue
            await _delete_with_retries(youtube, playlist.youtube_id)
        except QuotaExceeded as error:
            outcome.quota_exhausted, outcome.next_reset = True, error.next_reset
            break
        except PlaylistNotFound:
            outcome.skipped += 1  # already gone: what we wanted
        except YouTubeError as error:
            if ends_the_step(error):
                raise
            outcome.failed += 1
            outcome.new_errors.append(await _report(pool, job_id, playlist, error.message))
            continue
        else:
            outcome.done += 1
        await pool.execute(
            """UPDATE playlists SET deleted_from_youtube_at = now(), deleted_by_sync_job_id = $2
               WHERE id = $1""",
            playlist.playlist_id,
            job_id,
        )
        heartbeat(outcome.done + outcome.skipped)
    left = (await _to_delete(pool, job_id))[0]
    if only_safe_now:
        left = [p for p in left if await homes_verified(pool, job_id, p.youtube_id)]
    outcome.remaining = len(left)
    outcome.quota_used_by_sync = await quota_used_by_sync(pool, job_id)
    outcome.delete_totals = await deletion_totals(pool, job_id)
    return outcome


async def deletion_totals(pool: asyncpg.Pool, job_id: int) -> StageCounts:
    """Deleted by this job (404s included: gone is what it wanted), and failed: every old
    playlist it reported instead, whether YouTube refused or it was kept for safety."""
    row = await pool.fetchrow(
        f"""SELECT
              (SELECT count(*) FROM playlists WHERE deleted_by_sync_job_id = $1) AS deleted,
              (SELECT count(*) FROM ({_REPORTED}) reported) AS failed""",
        job_id,
    )
    return StageCounts(succeeded=row["deleted"], failed=row["failed"])


async def _delete_with_retries(youtube: SyncYouTube, playlist_id: str, tries: int = 3) -> None:
    # A delete is safe to repeat: a second one answers 404, which counts as deleted.
    for attempt in range(tries):
        try:
            await youtube.delete_youtube_playlist(playlist_id)
            return
        except YouTubeError as error:
            if not worth_retrying(error) or attempt == tries - 1:
                raise
            await asyncio.sleep(0.5 * 2**attempt)


async def _report(
    pool: asyncpg.Pool, job_id: int, playlist: PlaylistToDelete, message: str
) -> SyncError:
    error = SyncError(
        stage=SyncStage.DELETE_PLAYLISTS,
        entity_type="playlist",
        entity_id=playlist.youtube_id,
        message=f"{playlist.playlist_name!r} {message}",
        timestamp=datetime.now(UTC),
    )
    async with pool.acquire() as conn:
        await append_errors(conn, job_id, [error])
    return error
