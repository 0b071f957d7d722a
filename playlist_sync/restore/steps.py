"""The restore's two steps as its activities run them: list the work, then restore a playlist
a batch of writes at a time (create it, give it its snippet, add its videos)."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from playlist_sync.restore import item_additions, recreation
from playlist_sync.restore.job_store import restore_totals, writes_held
from playlist_sync.restore.payloads import PlaylistOutcome, PlaylistRequest, RestoreWork
from playlist_sync.restore.quota import quota_used_by_restore
from playlist_sync.restore.youtube_port import RestoreYouTube
from playlist_sync.youtube.errors import PlaylistNotFound, QuotaExceeded


async def list_restore_work(pool: asyncpg.Pool, restore_job_id: int) -> RestoreWork:
    pending = await pool.fetch(
        """SELECT id FROM restore_playlists WHERE restore_job_id = $1 AND status = 'pending'
           ORDER BY position""",
        restore_job_id,
    )
    total = await pool.fetchval(
        """SELECT count(*) FROM restore_items i JOIN restore_playlists p
               ON p.id = i.restore_playlist_id WHERE p.restore_job_id = $1""",
        restore_job_id,
    )
    return RestoreWork(
        playlist_ids=[row["id"] for row in pending],
        totals=await restore_totals(pool, restore_job_id),
        total=total,
    )


async def restore_playlist(
    youtube: RestoreYouTube,
    pool: asyncpg.Pool,
    request: PlaylistRequest,
    heartbeat: Callable[[int], None],
) -> PlaylistOutcome:
    outcome = PlaylistOutcome()
    try:
        await _restore(youtube, pool, request, outcome, heartbeat)
    except QuotaExceeded as error:  # a read (the marker search, a read-back) found no quota
        outcome.quota_exhausted, outcome.next_reset = True, error.next_reset
    row_id = request.restore_playlist_id
    outcome.remaining = await pool.fetchval(
        """SELECT count(*) FROM restore_items WHERE restore_playlist_id = $1 AND status = 'pending'""",
        row_id,
    ) + await pool.fetchval(
        """SELECT count(*) FROM restore_playlists WHERE id = $1 AND status = 'pending'
               AND described_at IS NULL""",
        row_id,
    )
    if outcome.remaining == 0:
        await pool.execute(
            """UPDATE restore_playlists SET status = 'completed', completed_at = now()
               WHERE id = $1 AND status = 'pending'""",
            row_id,
        )
    outcome.totals = await restore_totals(pool, request.restore_job_id)
    outcome.quota_used = await quota_used_by_restore(pool, request.restore_job_id)
    return outcome


async def _restore(
    youtube: RestoreYouTube,
    pool: asyncpg.Pool,
    request: PlaylistRequest,
    outcome: PlaylistOutcome,
    heartbeat: Callable[[int], None],
) -> None:
    row = await pool.fetchrow(
        "SELECT * FROM restore_playlists WHERE id = $1", request.restore_playlist_id
    )
    if row["status"] != "pending":
        return
    writes = request.max_writes
    playlist_id = row["youtube_playlist_id"]
    if playlist_id is None:
        if await writes_held(pool, request.restore_job_id):
            outcome.held = True
            return
        playlist_id = await recreation.find_or_create(youtube, pool, row, outcome)
        if playlist_id is None:
            return
        writes -= 1
    if row["described_at"] is None:
        if writes <= 0:
            return
        if await writes_held(pool, request.restore_job_id):
            outcome.held = True
            return
        if not await recreation.describe(youtube, pool, row, playlist_id, outcome):
            return
        writes -= 1
    if writes > 0:
        try:
            await item_additions.add_items(
                youtube, pool, request, playlist_id, writes, outcome, heartbeat
            )
        except PlaylistNotFound as error:  # the user deleted the copy while it was filled
            outcome.new_errors += await recreation.fail_playlist(
                pool, row, f"deleted during the restore: {error.message}"
            )
