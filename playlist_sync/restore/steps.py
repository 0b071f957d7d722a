"""The restore's steps as its activities run them: list a stage's work, then edit a playlist
back a batch of writes at a time (make it if gone, give it its snippet, its videos in order;
then take out what the snapshot lacks), then delete the playlists syncs made since."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from playlist_sync.restore import playlist_making
from playlist_sync.restore.job_store import restore_totals, writes_held
from playlist_sync.restore.lease import RestoreLease, take_lease
from playlist_sync.restore.models import RestoreStage
from playlist_sync.restore.payloads import PlaylistOutcome, PlaylistRequest, RestoreWork
from playlist_sync.restore.playlist_edits import edit_playlist
from playlist_sync.restore.quota import quota_used_by_restore
from playlist_sync.restore.youtube_port import RestoreYouTube
from playlist_sync.sync.playlist_leases import LeaseLost
from playlist_sync.youtube.errors import QuotaExceeded

# The rows with work left in each stage of a playlist's restore.
_PENDING = {
    RestoreStage.RESTORING: "status = 'pending' AND filled_at IS NULL",
    RestoreStage.REMOVING: "status = 'pending'",
}


async def list_restore_work(
    pool: asyncpg.Pool, restore_job_id: int, stage: RestoreStage = RestoreStage.RESTORING
) -> RestoreWork:
    if stage == RestoreStage.DELETING:
        pending = await pool.fetch(
            """SELECT id FROM restore_deletions WHERE restore_job_id = $1 AND status = 'pending'
               ORDER BY id""",
            restore_job_id,
        )
    else:
        pending = await pool.fetch(
            f"""SELECT id FROM restore_playlists WHERE restore_job_id = $1 AND {_PENDING[stage]}
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
    attempt: str,
) -> PlaylistOutcome:
    """One batch into one playlist, by the attempt `attempt` (unique per attempt): the newest
    attempt holds the playlist, and an older one still running stops quietly."""
    outcome = PlaylistOutcome()
    row_id = request.restore_playlist_id
    lease = await take_lease(pool, row_id, attempt)
    try:
        await _restore(youtube, pool, request, lease, outcome, lambda: heartbeat(outcome.done))
    except LeaseLost:
        outcome.held = True  # Temporal started another attempt: this outcome is discarded
    except QuotaExceeded as error:  # a read (the marker search, a read-back) found no quota
        outcome.quota_exhausted, outcome.next_reset = True, error.next_reset
    outcome.remaining = await pool.fetchval(
        f"SELECT count(*) FROM restore_playlists WHERE id = $1 AND {_PENDING[request.stage]}",
        row_id,
    )
    outcome.totals = await restore_totals(pool, request.restore_job_id)
    outcome.quota_used = await quota_used_by_restore(pool, request.restore_job_id)
    return outcome


async def _restore(
    youtube: RestoreYouTube,
    pool: asyncpg.Pool,
    request: PlaylistRequest,
    lease: RestoreLease,
    outcome: PlaylistOutcome,
    beat: Callable[[], None],
) -> None:
    row = await pool.fetchrow(
        "SELECT * FROM restore_playlists WHERE id = $1", request.restore_playlist_id
    )
    if row["status"] != "pending":
        return
    lag = request.lag_allowance_seconds
    writes = request.max_writes
    playlist_id = row["youtube_playlist_id"]
    if playlist_id is None:
        if await writes_held(pool, request.restore_job_id):
            outcome.held = True
            return
        playlist_id = await playlist_making.find_or_create(
            youtube, pool, lease, row, outcome, lag_allowance=lag, beat=beat
        )
        if playlist_id is None:
            return
        writes -= 1
    if row["described_at"] is None:
        if writes <= 0:
            return
        if await writes_held(pool, request.restore_job_id):
            outcome.held = True
            return
        if not await playlist_making.describe(youtube, pool, lease, row, playlist_id, outcome):
            return
        writes -= 1
    if writes <= 0:
        return
    removing = request.stage == RestoreStage.REMOVING
    as_wanted = await edit_playlist(
        youtube, pool, lease, row, playlist_id, outcome,
        max_writes=writes, lag_allowance=lag, removing=removing, beat=beat,
    )  # fmt: skip
    if as_wanted:
        await pool.execute(
            f"""UPDATE restore_playlists SET filled_at = COALESCE(filled_at, now())
                {", status = 'completed', completed_at = now()" if removing else ""}
                WHERE id = $1 AND status = 'pending'""",
            row["id"],
        )
