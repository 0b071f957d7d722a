"""plan_video_additions: add_videos' first sync_video_operations rows, made once per job.

Every write the plan makes into a category's playlist gets a row: `remove` an item (unwanted,
or a second copy), `move` one into place, `add` a missing video (reconcile/playlist_edit.py
chose them: the fewest writes). The rows, not the workflow's history, carry the plan, so the
history stays small however big the library is, and a retry of this step inserts nothing new.
This first plan is made from the backup: it counts the stage's work and says which items the
job may remove. A category whose playlist is made in a later window (YouTube's creation limit)
is planned when the next plan finds its playlist made (new playlists are empty). Each batch then plans its playlist again from a read of it (playlist_batch.py),
superseding the rows that YouTube as it is now no longer needs.
"""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from playlist_sync.models import SyncError, SyncStage
from playlist_sync.planner import targets
from playlist_sync.sync.job_store import append_errors
from playlist_sync.sync.operation_store import count_pending, job_totals
from playlist_sync.sync.payloads import AdditionPlan
from playlist_sync.sync.playlist_order import library_items


async def plan_video_additions(pool: asyncpg.Pool, job_id: int) -> AdditionPlan:
    """Create the job's operation rows from the plan (once: a retry inserts nothing new)."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT 1 FROM sync_jobs WHERE id = $1 FOR UPDATE", job_id)
        errors = await _plan_operations(conn, job_id, await _unplanned(conn, job_id))
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
        total=totals.finished + await count_pending(pool, job_id),
        finished=totals.finished,
        skipped=totals.skipped,
        totals=totals,
        new_errors=errors,
    )


async def _unplanned(conn: asyncpg.Connection, job_id: int) -> set[int]:
    """The categories with a playlist that this job has not planned yet: every one at first;
    later, those whose playlist was made in a later window (the creation limit), whose rows
    are then planned against the playlist as made (empty). A category is planned once it has
    rows or its first batch has run (a lease): one with nothing to write has no rows."""
    if not await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM sync_video_operations WHERE sync_job_id = $1)", job_id
    ):
        return {row[0] for row in await conn.fetch(_WITH_PLAYLIST_UNLEASED, job_id)}
    rows = await conn.fetch(
        f"""{_WITH_PLAYLIST_UNLEASED} AND NOT EXISTS (
                SELECT 1 FROM sync_video_operations o
                WHERE o.sync_job_id = $1 AND o.category_id = c.id)
            AND EXISTS (
                SELECT 1 FROM sync_category_plans p
                WHERE p.sync_job_id = $1 AND p.category_id = c.id
                  AND p.adopted_playlist_id IS NULL)""",
        job_id,
    )
    return {row[0] for row in rows}


_WITH_PLAYLIST_UNLEASED = """
    SELECT c.id FROM categories c WHERE c.youtube_playlist_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM sync_playlist_leases l WHERE l.sync_job_id = $1 AND l.category_id = c.id)
"""


async def _plan_operations(
    conn: asyncpg.Connection, job_id: int, categories: set[int]
) -> list[SyncError]:
    """One row per write of each of `categories`' edits, against the playlist as the backup
    read it (new playlists are empty); the category's unavailable videos as skipped additions."""
    if not categories:
        return []
    playlists = {
        row["id"]: row["youtube_playlist_id"]
        for row in await conn.fetch(
            "SELECT id, youtube_playlist_id FROM categories WHERE id = ANY($1::bigint[])",
            list(categories),
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
