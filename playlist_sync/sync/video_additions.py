"""add_videos: each category's playlist edited into its videos, in order, never twice.

Each batch is one run of playlist_batch.py on the category's playlist: read it as YouTube shows
it now, plan its edit against the category's available videos (reconcile/playlist_edit.py),
write, read again; it ends verified (the delete stage relies on that) or with what stopped it.
The category's rows in sync_video_operations are its ledger (operation_ledger.py), fenced by
the playlist's lease (playlist_leases.py): the newest attempt holds the playlist, and an older
one still running stops quietly. The first plan (operation_planning.py, from the backup) gives
the stage's total and says which items the job may remove: those the backup showed there and
the category does not want. Anything else the user put there since stays.
"""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from playlist_sync.reconcile.playlist_edit import Item
from playlist_sync.sync.job_store import quota_used_by_sync
from playlist_sync.sync.operation_ledger import CategoryLedger
from playlist_sync.sync.operation_store import count_pending, job_totals
from playlist_sync.sync.payloads import AddVideosRequest, StepOutcome
from playlist_sync.sync.playlist_batch import (
    PlaylistSnippet,
    PlaylistTarget,
    run_playlist_batch,
)
from playlist_sync.sync.playlist_leases import LeaseLost, is_verified, take_lease
from playlist_sync.sync.youtube_port import SyncYouTube


async def add_videos_to_playlist(
    youtube: SyncYouTube,
    pool: asyncpg.Pool,
    request: AddVideosRequest,
    heartbeat: Callable[[int], None],
    attempt: str,
) -> StepOutcome:
    """One batch into one category's playlist, by the attempt `attempt` (unique per attempt)."""
    job_id, category_id = request.job_id, request.category_id
    lease = await take_lease(pool, job_id, category_id, attempt)
    outcome = StepOutcome()
    target = await category_target(pool, job_id, category_id)
    ledger = CategoryLedger(pool, lease, target.playlist_id)
    gone = False
    try:
        beat = lambda: heartbeat(outcome.done)  # noqa: E731
        result = await run_playlist_batch(
            youtube.with_heartbeat(beat),
            ledger,
            target,
            max_writes=request.max_writes,
            lag_allowance=request.lag_allowance_seconds,
            beat=beat,
        )
        outcome.done = result.done
        outcome.held = result.held
        outcome.quota_exhausted, outcome.next_reset = result.quota_exhausted, result.next_reset
        outcome.retry_later = result.retry_later
        outcome.waits_for_other_playlists = result.waits_for_other_playlists
        outcome.consecutive_failures = result.consecutive_failures
        gone = result.playlist_gone
    except LeaseLost:
        # Temporal started another attempt: this one's outcome is discarded anyway.
        outcome.held = True
    outcome.new_errors = ledger.new_errors
    outcome.remaining = await count_pending(pool, job_id, category_id)
    if outcome.remaining == 0 and not gone and not await is_verified(pool, job_id, category_id):
        outcome.remaining = 1  # the playlist still has to be read back and match
    outcome.job_totals = await job_totals(pool, job_id)
    outcome.stage_total = outcome.job_totals.finished + await count_pending(pool, job_id)
    outcome.quota_used_by_sync = await quota_used_by_sync(pool, job_id)
    return outcome


async def category_target(pool: asyncpg.Pool, job_id: int, category_id: int) -> PlaylistTarget:
    """The category's playlist as the batch must make it: its available videos in order;
    removable, the items the job's first plan removes (the backup showed them there)."""
    category = await pool.fetchrow(
        """SELECT c.youtube_playlist_id, COALESCE(p.refuses_positions, false) AS refuses_positions,
                  c.name, c.description, c.privacy_status
           FROM categories c LEFT JOIN playlists p ON p.youtube_playlist_id = c.youtube_playlist_id
           WHERE c.id = $1""",
        category_id,
    )
    wanted = await pool.fetch(
        """SELECT v.youtube_video_id FROM category_videos cv JOIN videos v ON v.id = cv.video_id
           WHERE cv.category_id = $1 AND v.unavailable_reason IS NULL ORDER BY cv.position""",
        category_id,
    )
    removable = {
        row[0]
        for row in await pool.fetch(
            """SELECT youtube_item_id FROM sync_video_operations
               WHERE sync_job_id = $1 AND category_id = $2 AND operation = 'remove'
                 AND youtube_item_id IS NOT NULL
               EXCEPT SELECT youtube_item_id FROM sync_video_operations
               WHERE sync_job_id = $1 AND category_id = $2 AND operation = 'remove'
                 AND status = 'skipped' AND superseded_at IS NULL""",
            job_id,
            category_id,
        )
    }

    def may_remove(item: Item) -> bool:
        return item.id in removable

    return PlaylistTarget(
        playlist_id=category["youtube_playlist_id"],
        wanted=[row[0] for row in wanted],
        may_remove=may_remove,
        sortable=not category["refuses_positions"],
        snippet=PlaylistSnippet(
            category["name"], category["description"], category["privacy_status"]
        ),
    )
