"""The restore's last stage: the playlists syncs made after the snapshot go, each only once
every available video of it is in a restored playlist (the snapshot's playlists, now as they
were); one that holds a video no restored playlist has stays, and the restore says which.
`--keep-new` keeps them all (the plan then lists none)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import asyncpg

from playlist_sync.restore.job_store import append_errors, restore_totals, writes_held
from playlist_sync.restore.models import RestoreError
from playlist_sync.restore.payloads import PlaylistOutcome
from playlist_sync.restore.quota import quota_used_by_restore
from playlist_sync.restore.youtube_port import RestoreYouTube
from playlist_sync.youtube.errors import PlaylistNotFound, QuotaExceeded

# How playlistItems.list shows an item whose video YouTube no longer shows.
_UNAVAILABLE_TITLES = ("Deleted video", "Private video")


async def delete_new_playlists(
    youtube: RestoreYouTube,
    pool: asyncpg.Pool,
    restore_job_id: int,
    max_writes: int,
    heartbeat: Callable[[int], None],
) -> PlaylistOutcome:
    outcome = PlaylistOutcome()
    rows = await pool.fetch(
        """SELECT * FROM restore_deletions WHERE restore_job_id = $1 AND status = 'pending'
           ORDER BY id LIMIT $2""",
        restore_job_id,
        max_writes,
    )
    restored = await _restored_videos(pool, restore_job_id) if rows else set()
    for row in rows:
        if await writes_held(pool, restore_job_id):
            outcome.held = True
            break
        try:
            items = await youtube.playlist_items(row["youtube_playlist_id"])
        except PlaylistNotFound:
            await _end(pool, row["id"], "deleted", "already gone")
            continue
        except QuotaExceeded as error:
            outcome.quota_exhausted, outcome.next_reset = True, error.next_reset
            break
        unavailable = await _unavailable(pool, [i.video_id for i in items])
        homeless = [
            i.video_id
            for i in items
            if i.video_id not in restored
            and i.video_id not in unavailable
            and i.title not in _UNAVAILABLE_TITLES
        ]
        if homeless:
            reason = (
                f"kept: {len(homeless)} of its videos are in no restored playlist"
                f" ({', '.join(homeless[:3])}{'...' if len(homeless) > 3 else ''})"
            )
            outcome.new_errors.append(await _keep(pool, row, reason))
            outcome.skipped += 1
            continue
        try:
            await youtube.delete_youtube_playlist(row["youtube_playlist_id"])
        except PlaylistNotFound:
            pass  # gone already (an earlier attempt whose answer was lost)
        except QuotaExceeded as error:
            outcome.quota_exhausted, outcome.next_reset = True, error.next_reset
            break
        await _end(pool, row["id"], "deleted", None)
        outcome.done += 1
        heartbeat(outcome.done)
    outcome.remaining = await pool.fetchval(
        "SELECT count(*) FROM restore_deletions WHERE restore_job_id = $1 AND status = 'pending'",
        restore_job_id,
    )
    outcome.totals = await restore_totals(pool, restore_job_id)
    outcome.quota_used = await quota_used_by_restore(pool, restore_job_id)
    return outcome


async def _restored_videos(pool: asyncpg.Pool, restore_job_id: int) -> set[str]:
    """Every video of the snapshot's playlists but those this restore could not restore."""
    snapshot = await pool.fetchval(
        """SELECT s.playlists FROM restore_jobs j JOIN backup_snapshots s
               ON s.id = j.backup_snapshot_id WHERE j.id = $1""",
        restore_job_id,
    )
    videos = {v for playlist in snapshot for v in playlist.get("items") or []}
    not_back = await pool.fetch(
        """SELECT i.youtube_video_id FROM restore_items i
           JOIN restore_playlists p ON p.id = i.restore_playlist_id
           WHERE p.restore_job_id = $1 AND (p.status = 'failed' OR i.status = 'failed')""",
        restore_job_id,
    )
    return videos - {row[0] for row in not_back}


async def _unavailable(pool: asyncpg.Pool, video_ids: list[str]) -> set[str]:
    rows = await pool.fetch(
        """SELECT youtube_video_id FROM videos
           WHERE youtube_video_id = ANY($1::text[]) AND unavailable_reason IS NOT NULL""",
        video_ids,
    )
    return {row[0] for row in rows}


async def _end(pool: asyncpg.Pool, row_id: int, status: str, reason: str | None) -> None:
    await pool.execute(
        """UPDATE restore_deletions SET status = $2, reason = $3, completed_at = now()
           WHERE id = $1""",
        row_id,
        status,
        reason,
    )


async def _keep(pool: asyncpg.Pool, row: asyncpg.Record, reason: str) -> RestoreError:
    error = RestoreError(
        entity_type="playlist",
        entity_id=row["youtube_playlist_id"],
        message=f"{row['title']!r} {reason}",
        timestamp=datetime.now(UTC),
    )
    async with pool.acquire() as conn, conn.transaction():
        await _end(conn, row["id"], "kept", reason)
        await append_errors(conn, row["restore_job_id"], [error])
    return error
