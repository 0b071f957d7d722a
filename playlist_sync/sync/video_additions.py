"""add_videos: each category's playlist edited into its videos, in order, never twice.

Every write the plan makes into a category's playlist has a sync_video_operations row
(operation_planning.py). Removals go first, then the moves and additions in the category's
order, each video right after its predecessor. Before a write is sent its row gets
`insert_started_at`, in a transaction that finds the batch's attempt still holding the
playlist's lease (playlist_leases); a pending row with it set means the outcome is unknown (a
crash, a lost answer, an error answer for a write that landed), so the playlist's real items are
read back, allowing for lists that trail the writes, before anything else is written into it
(unknown_outcomes.py). Once a category has nothing pending its playlist is verified
(playlist_verification).
"""

from __future__ import annotations

from collections.abc import Callable

import asyncpg

from playlist_sync.models import SyncVideoStatus
from playlist_sync.sync.job_store import quota_used_by_sync, writes_held
from playlist_sync.sync.operation_failures import (
    end_operation,
    fail_rest,
    failed_not_skipped,
    note_repairs,
    note_retry,
    skip_moves,
)
from playlist_sync.sync.operation_store import (
    complete_operation,
    count_pending,
    forget_attempt,
    job_totals,
    operation_status,
    outcome_unknown,
    pending_operations,
    record_intent,
)
from playlist_sync.sync.operation_writes import PositionsRefused, write_operation
from playlist_sync.sync.payloads import AddVideosRequest, StepOutcome
from playlist_sync.sync.playlist_leases import LeaseLost, PlaylistLease, is_verified, take_lease
from playlist_sync.sync.playlist_order import category_ranks, current_order
from playlist_sync.sync.playlist_verification import verify_playlist
from playlist_sync.sync.unknown_outcomes import read_back
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.errors import (
    PlaylistFull,
    PlaylistNotFound,
    QuotaExceeded,
    YouTubeError,
)
from playlist_sync.youtube.failures import ends_the_step, worth_retrying


async def add_videos_to_playlist(
    youtube: SyncYouTube,
    pool: asyncpg.Pool,
    request: AddVideosRequest,
    heartbeat: Callable[[int], None],
    attempt: str,
) -> StepOutcome:
    """One batch into one category's playlist, by the attempt `attempt` (unique per attempt):
    the newest attempt holds the playlist, and an older one still running stops quietly."""
    job_id, category_id = request.job_id, request.category_id
    lease = await take_lease(pool, job_id, category_id, attempt)
    outcome = StepOutcome()
    gone = False
    try:
        beat = lambda: heartbeat(outcome.done)  # noqa: E731
        await _add_batch(youtube.with_heartbeat(beat), pool, request, lease, outcome, beat)
    except LeaseLost:
        # Temporal started another attempt: this one's outcome is discarded anyway.
        outcome.held = True
    except QuotaExceeded as error:
        # A read-back refused: the writes wait for the next window like any other.
        outcome.quota_exhausted, outcome.next_reset = True, error.next_reset
    except PlaylistNotFound as error:
        # Gone for longer than lists lag (deleted by the user): nothing can go into it.
        outcome.new_errors += await fail_rest(pool, lease, error)
        gone = True
    outcome.remaining = await count_pending(pool, job_id, category_id)
    if outcome.remaining == 0 and not gone and not await is_verified(pool, job_id, category_id):
        outcome.remaining = 1  # the playlist still has to be read back and match
    outcome.job_totals = await job_totals(pool, job_id)
    outcome.quota_used_by_sync = await quota_used_by_sync(pool, job_id)
    return outcome


async def _add_batch(
    youtube: SyncYouTube,
    pool: asyncpg.Pool,
    request: AddVideosRequest,
    lease: PlaylistLease,
    outcome: StepOutcome,
    beat: Callable[[], None],
) -> None:
    job_id, category_id, lag = request.job_id, request.category_id, request.lag_allowance_seconds
    playlist_id = await pool.fetchval(
        "SELECT youtube_playlist_id FROM categories WHERE id = $1", category_id
    )
    if await outcome_unknown(pool, job_id, category_id):
        await read_back(youtube, pool, lease, playlist_id, lag, beat)
    ops = await pending_operations(pool, job_id, category_id, limit=request.max_writes)
    rank = await category_ranks(pool, category_id)
    order = await current_order(pool, job_id, category_id, playlist_id, rank) if ops else []
    trailing_failures = 0
    for op in ops:
        if await writes_held(pool, job_id):
            outcome.held = True
            break
        if not await record_intent(pool, lease, op.id):
            continue  # done meanwhile (by an attempt that held the playlist before)
        beat()
        item_id: str | None
        try:
            item_id = await write_operation(youtube, pool, playlist_id, op, order, rank)
        except PositionsRefused as refusal:
            # YouTube sorts this playlist itself: no move can happen, none is a failure.
            outcome.new_errors += await skip_moves(pool, lease, str(refusal))
            continue
        except QuotaExceeded as error:
            # Refused before it was sent, or refused by YouTube: either way nothing was written.
            await forget_attempt(pool, lease, op.id)
            outcome.quota_exhausted, outcome.next_reset = True, error.next_reset
            break
        except YouTubeError as error:
            if worth_retrying(error):
                # Unknown, not failed: the lagging list is read until it can tell.
                await read_back(youtube, pool, lease, playlist_id, lag, beat)
                order = await current_order(pool, job_id, category_id, playlist_id, rank)
                if await operation_status(pool, op.id) == SyncVideoStatus.COMPLETED:
                    outcome.done += 1
                    trailing_failures = 0
                    continue
                # It did not happen. The batch ends rather than write the next video ahead
                # of it (the category's order); the workflow tries again after a delay.
                outcome.new_errors.append(await note_retry(pool, job_id, op, error))
                outcome.retry_later = True
                trailing_failures += 1
                break
            if ends_the_step(error):
                raise
            failed = await end_operation(pool, lease, op, error)
            outcome.new_errors.append(failed)
            if isinstance(error, PlaylistFull | PlaylistNotFound):
                # Nothing more can go into this playlist: report the rest, do not retry.
                outcome.new_errors += await fail_rest(pool, lease, error)
                break
            trailing_failures = trailing_failures + 1 if failed_not_skipped(error) else 0
            if trailing_failures >= request.failures_before_pause:
                break
            continue
        await complete_operation(pool, lease, op.id, item_id)
        trailing_failures = 0
        outcome.done += 1
        beat()
    outcome.consecutive_failures = trailing_failures
    if outcome.held or outcome.quota_exhausted or outcome.retry_later:
        return
    if await count_pending(pool, job_id, category_id) == 0:
        verified, notes = await verify_playlist(
            youtube, pool, lease, playlist_id, lag_allowance=lag, beat=beat
        )
        outcome.new_errors += await note_repairs(pool, job_id, category_id, notes)
        if not verified:
            outcome.retry_later = True
            outcome.consecutive_failures += 1
