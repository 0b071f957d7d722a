"""The job's reads of a category's playlist, and the changes between them it did not make.

Each batch notes the read it planned from (sync_playlist_reads: the last one per job and
category). What changed since the one before (or, for the job's first, since the library's
view: the backup's read, or what the last sync verified) that the job's own completed writes
do not explain is the user's: items added, removed, or moved out of the order the others kept.
They are kept in `foreign_changes`, oldest first, as the reads show them (a list that trails by
seconds shows an edit made within them at the next read).
"""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from playlist_sync.reconcile.playlist_edit import Item, longest_in_order
from playlist_sync.sync.playlist_order import library_items


async def record_read(
    pool: asyncpg.Pool,
    job_id: int,
    category_id: int,
    playlist_id: str,
    items: list[Item],
    sent_at: datetime,
) -> None:
    """The read, and what changed since the last one that this job's writes do not
    explain (the user's edits, as the reads show them)."""
    async with pool.acquire() as conn, conn.transaction():
        before = await conn.fetchrow(
            """SELECT items, sent_at FROM sync_playlist_reads
               WHERE sync_job_id = $1 AND category_id = $2 AND playlist_id = $3 FOR UPDATE""",
            job_id,
            category_id,
            playlist_id,
        )
        if before is None:
            # The job's first read: against the library (the backup's read of it, or its
            # creation), and every write of the job so far.
            library = await library_items(conn, playlist_id)
            then = {item.id: item.video_id for item in library if item.id is not None}
            since = datetime.min.replace(tzinfo=UTC)
        else:
            then = {item["id"]: item["videoId"] for item in before["items"]}
            since = before["sent_at"]
        mine = {
            row[0]
            for row in await conn.fetch(
                """SELECT youtube_item_id FROM sync_video_operations
                   WHERE sync_job_id = $1 AND category_id = $2 AND status = 'completed'
                     AND completed_at >= $3""",
                job_id,
                category_id,
                since,
            )
        }
        now = {item.id: item.video_id for item in items if item.id is not None}
        seen = sent_at.isoformat()
        changes = [
            {"change": "added", "itemId": i, "videoId": v, "seenAt": seen}
            for i, v in now.items()
            if i not in then and i not in mine
        ] + [
            {"change": "removed", "itemId": i, "videoId": v, "seenAt": seen}
            for i, v in then.items()
            if i not in now and i not in mine
        ]
        changes += [
            {"change": "moved", "itemId": i, "videoId": now[i], "seenAt": seen}
            for i in _moved(list(then), list(now), mine)
        ]
        await conn.execute(
            """INSERT INTO sync_playlist_reads
                   (sync_job_id, category_id, playlist_id, sent_at, items, foreign_changes)
               VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)
               ON CONFLICT (sync_job_id, category_id) DO UPDATE
               SET playlist_id = EXCLUDED.playlist_id, sent_at = EXCLUDED.sent_at,
                   items = EXCLUDED.items,
                   foreign_changes = sync_playlist_reads.foreign_changes
                                     || EXCLUDED.foreign_changes""",
            job_id,
            category_id,
            playlist_id,
            sent_at,
            [{"id": i.id, "videoId": i.video_id} for i in items],
            changes,
        )


def _moved(then: list[str], now: list[str], mine: set[str]) -> list[str]:
    """Items (ids, in both reads and not written by the job) whose order among the others
    changed: those outside the longest run still in the earlier read's order. Inserts,
    removals and the job's own moves around them never change that order."""
    before = {item: index for index, item in enumerate(then)}
    # longest_in_order ranks by Item.video_id: here each item stands for itself.
    common = [Item(item, item) for item in now if item in before and item not in mine]
    kept = {item.id for item in longest_in_order(common, before)}
    return [item.id for item in common if item.id not in kept and item.id is not None]
