"""add_videos: each category's playlist edited into its videos, in order, never twice.

Every write the plan makes into a category's playlist has a sync_video_operations row:
`remove` an item (unwanted, or a second copy), `move` one into place, `add` a missing video
(reconcile/playlist_edit.py chose them: the fewest writes). Removals go first, then the moves
and additions in the category's order, each video right after its predecessor. Before a write
is sent its row gets `insert_started_at`, in a transaction that finds the batch's attempt still
holding the playlist's lease (playlist_leases); a pending row with it set means the outcome is
unknown (a crash, a lost answer, an error answer for a write that landed), so the playlist's
real items are read back, allowing for lists that trail the writes, before anything else is
written into it. Once a category has nothing pending its playlist is verified
(playlist_verification).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import asyncpg

from playlist_sync.models import (
    StageCounts,
    SyncError,
    SyncStage,
    SyncVideoOperationRecord,
    SyncVideoStatus,
)
from playlist_sync.planner import targets
from playlist_sync.reconcile.playlist_edit import Item, position_after_predecessor
from playlist_sync.sync.failures import ends_the_step, worth_retrying
from playlist_sync.sync.job_store import append_errors, quota_used_by_sync, writes_held
from playlist_sync.sync.lagging_reads import settled_items
from playlist_sync.sync.payloads import AdditionPlan, AddVideosRequest, StepOutcome
from playlist_sync.sync.playlist_leases import (
    LeaseLost,
    PlaylistLease,
    fenced,
    is_verified,
    last_write_at,
    note_write,
    take_lease,
)
from playlist_sync.sync.playlist_verification import verify_playlist
from playlist_sync.sync.playlist_writes import insert_in_place, note_refuses_positions
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.errors import (
    InvalidInput,
    PlaylistFull,
    PlaylistNotFound,
    QuotaExceeded,
    VideoUnavailable,
    YouTubeError,
)
from playlist_sync.youtube.resources import RemotePlaylistItem


async def plan_video_additions(pool: asyncpg.Pool, job_id: int) -> AdditionPlan:
    """Create the job's operation rows from the plan (once: a retry inserts nothing new)."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT 1 FROM sync_jobs WHERE id = $1 FOR UPDATE", job_id)
        errors: list[SyncError] = []
        if not await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM sync_video_operations WHERE sync_job_id = $1)", job_id
        ):
            errors = await _plan_operations(conn, job_id)
        # Every category with a playlist, until it is verified: those with nothing to write
        # too, so that the stage ends only when every category's playlist matches.
        pending = await conn.fetch(
            """SELECT c.id AS category_id FROM categories c
               WHERE c.youtube_playlist_id IS NOT NULL AND NOT EXISTS (
                   SELECT 1 FROM sync_playlist_leases l
                   WHERE l.sync_job_id = $1 AND l.category_id = c.id
                     AND l.verified_at IS NOT NULL)
               ORDER BY c.position, c.id""",
            job_id,
        )
        totals = await job_totals(conn, job_id)
    return AdditionPlan(
        category_ids=[row["category_id"] for row in pending],
        total=totals.finished + await _pending(pool, job_id),
        finished=totals.finished,
        skipped=totals.skipped,
        new_errors=errors,
    )


async def _plan_operations(conn: asyncpg.Connection, job_id: int) -> list[SyncError]:
    """One row per write of each category's edit, against the playlist as the backup read it
    (new playlists are empty); the category's unavailable videos as skipped additions."""
    playlists = {
        row["id"]: row["youtube_playlist_id"]
        for row in await conn.fetch(
            "SELECT id, youtube_playlist_id FROM categories WHERE youtube_playlist_id IS NOT NULL"
        )
    }
    positions = {
        (row["category_id"], row["youtube_video_id"]): row["position"]
        for row in await conn.fetch(
            """SELECT cv.category_id, v.youtube_video_id, cv.position
               FROM category_videos cv JOIN videos v ON v.id = cv.video_id"""
        )
    }
    rows: list[tuple[int, str, int, str, str | None, str | None]] = []
    held: set[tuple[int, str]] = set()  # (category, video) its playlist holds already
    for target in await targets(conn):
        if target.key not in playlists:
            continue  # its playlist could not be created: nothing can go into it
        items = await library_items(conn, playlists[target.key])
        held |= {(target.key, item.video_id) for item in items}
        edit = target.edit_of(items)
        rows += [(target.key, i.video_id, -1, "remove", i.id, None) for i in edit.remove]
        rows += [
            (target.key, i.video_id, positions[target.key, i.video_id], "move", i.id, None)
            for i in edit.move
        ]
        rows += [(target.key, v, positions[target.key, v], "add", None, None) for v in edit.insert]
    for row in await conn.fetch(
        """SELECT cv.category_id, v.youtube_video_id, cv.position, v.unavailable_reason
           FROM category_videos cv JOIN videos v ON v.id = cv.video_id
           WHERE v.unavailable_reason IS NOT NULL AND cv.category_id = ANY($1::bigint[])""",
        list(playlists),
    ):
        if (row[0], row[1]) not in held:  # one its playlist holds stays, unreported
            rows.append((row[0], row[1], row[2], "add", None, row[3]))
    skipped = await conn.fetch(
        """
        INSERT INTO sync_video_operations
            (sync_job_id, category_id, video_id, youtube_video_id, position, operation,
             youtube_item_id, status, error_message, completed_at)
        SELECT $1, r.category_id, v.id, r.youtube_video_id, r.position, r.operation, r.item_id,
               CASE WHEN r.reason IS NULL THEN 'pending' ELSE 'skipped' END, r.reason,
               CASE WHEN r.reason IS NULL THEN NULL ELSE now() END
        FROM unnest($2::bigint[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[])
             AS r(category_id, youtube_video_id, position, operation, item_id, reason)
        JOIN videos v ON v.youtube_video_id = r.youtube_video_id
        ON CONFLICT DO NOTHING
        RETURNING category_id, youtube_video_id, status, error_message
        """,
        job_id,
        *[[row[n] for row in rows] for n in range(6)],
    )
    names = dict(await conn.fetch("SELECT id, name FROM categories"))
    errors = [
        SyncError(
            stage=SyncStage.ADD_VIDEOS,
            entity_type="video",
            entity_id=row["youtube_video_id"],
            message=f"skipped in {names[row['category_id']]!r}: {row['error_message']}",
            timestamp=datetime.now(UTC),
        )
        for row in skipped
        if row["status"] == "skipped"
    ]
    await append_errors(conn, job_id, errors)
    return errors


async def library_items(db: asyncpg.Pool | asyncpg.Connection, playlist_id: str) -> list[Item]:
    """The playlist's items as the library last saw them (the backup, or its creation)."""
    rows = await db.fetch(
        """SELECT pv.youtube_item_id, v.youtube_video_id FROM playlists p
           JOIN playlist_videos pv ON pv.playlist_id = p.id JOIN videos v ON v.id = pv.video_id
           WHERE p.youtube_playlist_id = $1 ORDER BY pv.position""",
        playlist_id,
    )
    return [Item(row[0], row[1]) for row in rows]


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
        outcome.new_errors += await _fail_rest(pool, lease, error)
        gone = True
    outcome.remaining = await _pending(pool, job_id, category_id)
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
    if await _outcome_unknown(pool, job_id, category_id):
        await _read_back(youtube, pool, lease, playlist_id, lag, beat)
    ops = await _pending_operations(pool, job_id, category_id, limit=request.max_writes)
    rank = await _ranks(pool, category_id)
    order = await current_order(pool, job_id, category_id, playlist_id, rank) if ops else []
    trailing_failures = 0
    for op in ops:
        if await writes_held(pool, job_id):
            outcome.held = True
            break
        if not await _record_intent(pool, lease, op.id):
            continue  # done meanwhile (by an attempt that held the playlist before)
        beat()
        item_id: str | None
        try:
            item_id = await _write(youtube, pool, playlist_id, op, order, rank)
        except PositionsRefused as refusal:
            # YouTube sorts this playlist itself: no move can happen, none is a failure.
            outcome.new_errors += await _skip_moves(pool, lease, str(refusal))
            continue
        except QuotaExceeded as error:
            # Refused before it was sent, or refused by YouTube: either way nothing was written.
            await _forget_attempt(pool, lease, op.id)
            outcome.quota_exhausted, outcome.next_reset = True, error.next_reset
            break
        except YouTubeError as error:
            if worth_retrying(error):
                # Unknown, not failed: the lagging list is read until it can tell.
                await _read_back(youtube, pool, lease, playlist_id, lag, beat)
                order = await current_order(pool, job_id, category_id, playlist_id, rank)
                if await _status(pool, op.id) == SyncVideoStatus.COMPLETED:
                    outcome.done += 1
                    trailing_failures = 0
                    continue
                # It did not happen. The batch ends rather than write the next video ahead
                # of it (the category's order); the workflow tries again after a delay.
                outcome.new_errors.append(await _note_retry(pool, job_id, op, error))
                outcome.retry_later = True
                trailing_failures += 1
                break
            if ends_the_step(error):
                raise
            failed = await _end_operation(pool, lease, op, error)
            outcome.new_errors.append(failed)
            if isinstance(error, PlaylistFull | PlaylistNotFound):
                # Nothing more can go into this playlist: report the rest, do not retry.
                outcome.new_errors += await _fail_rest(pool, lease, error)
                break
            trailing_failures = trailing_failures + 1 if failed_not_skipped(error) else 0
            if trailing_failures >= request.failures_before_pause:
                break
            continue
        await _complete(pool, lease, op.id, item_id)
        trailing_failures = 0
        outcome.done += 1
        beat()
    outcome.consecutive_failures = trailing_failures
    if outcome.held or outcome.quota_exhausted or outcome.retry_later:
        return
    if await _pending(pool, job_id, category_id) == 0:
        verified, notes = await verify_playlist(
            youtube, pool, lease, playlist_id, lag_allowance=lag, beat=beat
        )
        outcome.new_errors += await _note_repairs(pool, job_id, category_id, notes)
        if not verified:
            outcome.retry_later = True
            outcome.consecutive_failures += 1


async def _write(
    youtube: SyncYouTube,
    pool: asyncpg.Pool,
    playlist_id: str,
    op: SyncVideoOperationRecord,
    order: list[Item],
    rank: dict[str, int],
) -> str | None:
    """The operation's one write, keeping `order` (the playlist as it stands) up to date;
    the id of the item it leaves."""
    video = op.youtube_video_id
    item = _item_of(order, op)
    if op.operation == "remove":
        if item is None:
            return op.youtube_item_id  # not there (any more): nothing to remove
        try:
            await youtube.delete_playlist_item(_known(item))
        except InvalidInput as error:
            if error.status != 404:
                raise  # a 404: already gone, as wanted
        order.remove(item)
        return item.id
    if op.operation == "move" and item is not None:
        rest = [i for i in order if i is not item]
        position = position_after_predecessor(rest, video, rank)
        if order.index(item) != position:
            try:
                await youtube.move_playlist_item(_known(item), playlist_id, video, position)
            except InvalidInput as error:
                if error.reason != "manualSortRequired":
                    raise
                await note_refuses_positions(pool, playlist_id)
                raise PositionsRefused(
                    "YouTube sorts this playlist itself (not by hand): its order is left as is;"
                    " the next sync does not adopt it for an order that needs moves"
                ) from None
        order[:] = [*rest[:position], item, *rest[position:]]
        return item.id
    # An addition (or a move whose item is gone: the video goes back in).
    return (await insert_in_place(youtube, pool, playlist_id, video, order, rank)).id


class PositionsRefused(Exception):
    """The playlist answered a move with manualSortRequired."""


async def _skip_moves(pool: asyncpg.Pool, lease: PlaylistLease, reason: str) -> list[SyncError]:
    """Every move of the playlist still to do, skipped with the reason (reported once)."""
    async with fenced(pool, lease) as conn:
        skipped = await conn.fetchval(
            """WITH skipped AS (
                   UPDATE sync_video_operations
                   SET status = 'skipped', error_message = $3, completed_at = now(),
                       insert_started_at = NULL
                   WHERE sync_job_id = $1 AND category_id = $2 AND operation = 'move'
                     AND status = 'pending' RETURNING 1)
               SELECT count(*) FROM skipped""",
            lease.job_id,
            lease.category_id,
            reason,
        )
        error = SyncError(
            stage=SyncStage.ADD_VIDEOS,
            entity_type="category",
            entity_id=str(lease.category_id),
            message=f"{skipped} moves skipped: {reason}",
            timestamp=datetime.now(UTC),
        )
        await append_errors(conn, lease.job_id, [error])
    return [error]


def _item_of(order: list[Item], op: SyncVideoOperationRecord) -> Item | None:
    """The item a removal or move is of: by its id, else (an id the library lacked) the
    first item of its video."""
    if op.operation == "add":
        return None
    if op.youtube_item_id is not None:
        return next((i for i in order if i.id == op.youtube_item_id), None)
    return next((i for i in order if i.video_id == op.youtube_video_id), None)


def _known(item: Item) -> str:
    if item.id is None:
        raise InvalidInput(f"the item of {item.video_id} has no id yet", status=400)
    return item.id


async def _ranks(pool: asyncpg.Pool, category_id: int) -> dict[str, int]:
    rows = await pool.fetch(
        """SELECT v.youtube_video_id FROM category_videos cv JOIN videos v ON v.id = cv.video_id
           WHERE cv.category_id = $1 ORDER BY cv.position""",
        category_id,
    )
    return {row[0]: index for index, row in enumerate(rows)}


async def current_order(
    pool: asyncpg.Pool, job_id: int, category_id: int, playlist_id: str, rank: dict[str, int]
) -> list[Item]:
    """The playlist as it stands, without reading it: as the backup read it, with this job's
    completed writes applied the way they were made (removals first, then each video right
    after its predecessor, in the category's order)."""
    order = await library_items(pool, playlist_id)
    done = await pool.fetch(
        """SELECT operation, youtube_video_id, youtube_item_id FROM sync_video_operations
           WHERE sync_job_id = $1 AND category_id = $2 AND status = 'completed'
           ORDER BY operation <> 'remove', position""",
        job_id,
        category_id,
    )
    for operation, video, item_id in done:
        current = next((i for i in order if item_id is not None and i.id == item_id), None)
        if current is not None:
            order.remove(current)
        if operation != "remove":
            order.insert(position_after_predecessor(order, video, rank), Item(item_id, video))
    return order


def failed_not_skipped(error: YouTubeError) -> bool:
    return not _is_skip(error)


def _is_skip(error: YouTubeError) -> bool:
    """An unavailable video is skipped (and reported); anything else is a failure."""
    return isinstance(error, VideoUnavailable)


async def _categories_with_playlist(conn: asyncpg.Connection) -> set[int]:
    rows = await conn.fetch("SELECT id FROM categories WHERE youtube_playlist_id IS NOT NULL")
    return {row["id"] for row in rows}


async def job_totals(conn: asyncpg.Connection | asyncpg.Pool, job_id: int) -> StageCounts:
    rows = await conn.fetch(
        """SELECT status, count(*) FROM sync_video_operations
           WHERE sync_job_id = $1 AND status <> 'pending' GROUP BY status""",
        job_id,
    )
    counts = {SyncVideoStatus(status): n for status, n in rows}
    return StageCounts(
        succeeded=counts.get(SyncVideoStatus.COMPLETED, 0),
        skipped=counts.get(SyncVideoStatus.SKIPPED, 0),
        failed=counts.get(SyncVideoStatus.FAILED, 0),
    )


async def _pending_operations(
    pool: asyncpg.Pool, job_id: int, category_id: int, *, limit: int | None = None
) -> list[SyncVideoOperationRecord]:
    """The category's operations still to do, in the category's order."""
    rows = await pool.fetch(
        """SELECT * FROM sync_video_operations
           WHERE sync_job_id = $1 AND category_id = $2 AND status = 'pending'
           ORDER BY operation <> 'remove', position LIMIT $3""",
        job_id,
        category_id,
        limit,
    )
    return [SyncVideoOperationRecord.model_validate(dict(row)) for row in rows]


async def _pending(pool: asyncpg.Pool, job_id: int, category_id: int | None = None) -> int:
    return int(
        await pool.fetchval(
            """SELECT count(*) FROM sync_video_operations
               WHERE sync_job_id = $1 AND status = 'pending'
                 AND ($2::bigint IS NULL OR category_id = $2)""",
            job_id,
            category_id,
        )
    )


async def _outcome_unknown(pool: asyncpg.Pool, job_id: int, category_id: int) -> bool:
    """A write was sent (or about to be) and its outcome was never recorded."""
    return bool(
        await pool.fetchval(
            """SELECT EXISTS (SELECT 1 FROM sync_video_operations
                              WHERE sync_job_id = $1 AND category_id = $2
                                AND status = 'pending' AND insert_started_at IS NOT NULL)""",
            job_id,
            category_id,
        )
    )


async def _read_back(
    youtube: SyncYouTube,
    pool: asyncpg.Pool,
    lease: PlaylistLease,
    playlist_id: str,
    lag_allowance: float,
    beat: Callable[[], None],
) -> None:
    """Mark done every pending operation the playlist shows done; forget the attempts of the
    others. An attempt whose outcome is unknown is looked for until the list is late enough
    after the playlist's last write to show it."""
    known = {item.id for item in await library_items(pool, playlist_id)}
    known |= {
        row["youtube_item_id"]
        for row in await pool.fetch(
            """SELECT youtube_item_id FROM sync_video_operations
               WHERE category_id = $1 AND youtube_item_id IS NOT NULL""",
            lease.category_id,
        )
    }
    pending = await _pending_operations(pool, lease.job_id, lease.category_id)
    unknown = {
        row["id"]
        for row in await pool.fetch(
            """SELECT id FROM sync_video_operations WHERE sync_job_id = $1
               AND category_id = $2 AND status = 'pending' AND insert_started_at IS NOT NULL""",
            lease.job_id,
            lease.category_id,
        )
    }
    rank = await _ranks(pool, lease.category_id)

    def found(listed: list[RemotePlaylistItem]) -> dict[int, str]:
        """Pending operation -> the item that shows it done."""
        items = [Item(i.id, i.video_id) for i in listed]
        free = [item for item in items if item.id not in known]
        done: dict[int, str] = {}
        for op in pending:
            if op.operation == "add":
                item = next((i for i in free if i.video_id == op.youtube_video_id), None)
                if item is not None and item.id is not None:
                    free.remove(item)
                    done[op.id] = item.id
            elif op.id in unknown and op.youtube_item_id is not None:
                mine = next((i for i in items if i.id == op.youtube_item_id), None)
                if op.operation == "remove" and mine is None:
                    done[op.id] = op.youtube_item_id
                elif op.operation == "move" and mine is not None:
                    rest = [i for i in items if i is not mine]
                    if items.index(mine) == position_after_predecessor(rest, mine.video_id, rank):
                        done[op.id] = op.youtube_item_id
        return done

    items = await settled_items(
        youtube,
        playlist_id,
        last_write=await last_write_at(pool, lease),
        lag_allowance=lag_allowance,
        shows=lambda listed: unknown <= found(listed).keys(),
        beat=beat,
    )
    matched = found(items)
    for op in pending:
        if op.id in matched:
            await _complete(pool, lease, op.id, matched[op.id])
        elif op.id in unknown:
            await _forget_attempt(pool, lease, op.id)


async def _record_intent(pool: asyncpg.Pool, lease: PlaylistLease, op_id: int) -> bool:
    """Just before the insert is sent, in the lease's transaction: False if it is no longer
    pending; LeaseLost if a newer attempt holds the playlist (then nothing is sent)."""
    async with fenced(pool, lease) as conn:
        started = await conn.fetchval(
            """UPDATE sync_video_operations SET insert_started_at = now()
               WHERE id = $1 AND status = 'pending' RETURNING id""",
            op_id,
        )
        if started is not None:
            await note_write(conn, lease)
    return started is not None


async def _status(pool: asyncpg.Pool, op_id: int) -> SyncVideoStatus:
    return SyncVideoStatus(
        await pool.fetchval("SELECT status FROM sync_video_operations WHERE id = $1", op_id)
    )


async def _complete(
    pool: asyncpg.Pool, lease: PlaylistLease, op_id: int, item_id: str | None
) -> None:
    async with fenced(pool, lease) as conn:
        # One statement: the operation and the job's live progress move together.
        await conn.execute(
            """WITH done AS (
                   UPDATE sync_video_operations
                   SET status = 'completed', youtube_item_id = $2, completed_at = now()
                   WHERE id = $1 AND status = 'pending' RETURNING sync_job_id)
               UPDATE sync_jobs SET current_stage_progress = current_stage_progress + 1,
                                    updated_at = now()
               WHERE id = (SELECT sync_job_id FROM done)""",
            op_id,
            item_id,
        )


async def _forget_attempt(pool: asyncpg.Pool, lease: PlaylistLease, op_id: int) -> None:
    async with fenced(pool, lease) as conn:
        await conn.execute(
            "UPDATE sync_video_operations SET insert_started_at = NULL WHERE id = $1", op_id
        )


async def _note_retry(
    pool: asyncpg.Pool, job_id: int, op: SyncVideoOperationRecord, error: YouTubeError
) -> SyncError:
    """A failure that another try may get past: reported, and counted towards the pause."""
    sync_error = SyncError(
        stage=SyncStage.ADD_VIDEOS,
        entity_type="video",
        entity_id=op.youtube_video_id,
        message=f"not added yet, will retry: {error.message}",
        timestamp=datetime.now(UTC),
    )
    async with pool.acquire() as conn:
        await append_errors(conn, job_id, [sync_error])
    return sync_error


async def _note_repairs(
    pool: asyncpg.Pool, job_id: int, category_id: int, notes: list[str]
) -> list[SyncError]:
    errors = [
        SyncError(
            stage=SyncStage.ADD_VIDEOS,
            entity_type="category",
            entity_id=str(category_id),
            message=f"verification repaired the playlist: {note}",
            timestamp=datetime.now(UTC),
        )
        for note in notes
    ]
    async with pool.acquire() as conn:
        await append_errors(conn, job_id, errors)
    return errors


async def _end_operation(
    pool: asyncpg.Pool, lease: PlaylistLease, op: SyncVideoOperationRecord, error: YouTubeError
) -> SyncError:
    job_id = lease.job_id
    status = SyncVideoStatus.SKIPPED if _is_skip(error) else SyncVideoStatus.FAILED
    sync_error = SyncError(
        stage=SyncStage.ADD_VIDEOS,
        entity_type="video",
        entity_id=op.youtube_video_id,
        message=f"{status}: {error.message}",
        timestamp=datetime.now(UTC),
    )
    async with fenced(pool, lease) as conn:
        await conn.execute(
            """UPDATE sync_video_operations
               SET status = $2, error_message = $3, completed_at = now(), insert_started_at = NULL
               WHERE id = $1""",
            op.id,
            status.value,
            error.message,
        )
        await conn.execute(
            """UPDATE sync_jobs SET current_stage_progress = current_stage_progress + 1
               WHERE id = $1""",
            job_id,
        )
        await append_errors(conn, job_id, [sync_error])
    return sync_error


async def _fail_rest(
    pool: asyncpg.Pool, lease: PlaylistLease, error: YouTubeError
) -> list[SyncError]:
    job_id, category_id = lease.job_id, lease.category_id
    reason = f"not added: {error.message}"
    async with fenced(pool, lease) as conn:
        rows = await conn.fetch(
            """UPDATE sync_video_operations
           SET status = 'failed', error_message = $3, completed_at = now(), insert_started_at = NULL
           WHERE sync_job_id = $1 AND category_id = $2 AND status = 'pending'
           RETURNING youtube_video_id""",
            job_id,
            category_id,
            reason,
        )
    errors = [
        SyncError(
            stage=SyncStage.ADD_VIDEOS,
            entity_type="video",
            entity_id=row["youtube_video_id"],
            message=reason,
            timestamp=datetime.now(UTC),
        )
        for row in rows
    ]
    async with pool.acquire() as conn:
        await append_errors(conn, job_id, errors)
    return errors
