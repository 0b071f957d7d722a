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
from playlist_sync.restore.playlist_ledger import RestorePlaylistLedger
from playlist_sync.restore.quota import quota_used_by_restore
from playlist_sync.restore.youtube_port import RestoreYouTube
from playlist_sync.sync.playlist_batch import PlaylistSnippet, PlaylistTarget, run_playlist_batch
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
    if writes <= 0:
        return
    ledger = RestorePlaylistLedger(pool, lease, row, playlist_id)
    result = await run_playlist_batch(
        youtube,
        ledger,
        await _target(pool, row, playlist_id, removing=request.stage == RestoreStage.REMOVING),
        max_writes=writes,
        lag_allowance=lag,
        beat=beat,
    )
    outcome.done += result.done
    outcome.held = outcome.held or result.held
    outcome.quota_exhausted = outcome.quota_exhausted or result.quota_exhausted
    outcome.next_reset = outcome.next_reset or result.next_reset
    outcome.retry_later = result.retry_later
    outcome.consecutive_failures = result.consecutive_failures
    outcome.new_errors += ledger.new_errors
    if result.verified and request.stage == RestoreStage.REMOVING:
        await pool.execute(
            """UPDATE restore_playlists SET status = 'completed', completed_at = now()
               WHERE id = $1 AND status = 'pending'""",
            row["id"],
        )


async def _target(
    pool: asyncpg.Pool, row: asyncpg.Record, playlist_id: str, *, removing: bool
) -> PlaylistTarget:
    """What the playlist must become: the snapshot's videos still to be in it, in order, and its
    backed-up title, description and privacy. Restoring, nothing but second copies goes;
    removing, every item the snapshot lacks (one of its videos the restore skipped or could not
    add stays, as it was backed up)."""
    rows = await pool.fetch(
        """SELECT youtube_video_id, status FROM restore_items
           WHERE restore_playlist_id = $1 ORDER BY position""",
        row["id"],
    )
    snapshot = {r["youtube_video_id"] for r in rows}
    given_up = {r["youtube_video_id"] for r in rows if r["status"] in ("skipped", "failed")}
    wanted = [v for v in dict.fromkeys(r["youtube_video_id"] for r in rows) if v not in given_up]
    refuses = await pool.fetchval(
        "SELECT refuses_positions FROM playlists WHERE youtube_playlist_id = $1", playlist_id
    )
    return PlaylistTarget(
        playlist_id=playlist_id,
        wanted=wanted,
        may_remove=lambda item: removing and item.video_id not in snapshot,
        sortable=not refuses,
        snippet=PlaylistSnippet(row["title"], row["description"], row["privacy_status"]),
    )
