"""add_videos' BatchLedger (playlist_batch.py): one category's playlist, in sync_video_operations.

The rows stay the ledger other tools read (the seed's keys and meanings): a row per planned
write, `operation` saying which, pending -> completed / failed / skipped; a write that a later
plan (made from a newer read) dropped, or that YouTube refused, is skipped with
`superseded_at` set beside (and left out of the job's counts). Every record is made
under the playlist's lease (fenced), as operation_store.py's intent and outcome are.
"""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from playlist_sync.library.seen import record_playlist
from playlist_sync.models import SyncError, SyncStage
from playlist_sync.reconcile.playlist_edit import Item, PlaylistEdit
from playlist_sync.sync.batch_ledger import REFUSALS_BEFORE_FAILING, PlannedWrite, RemovalHold
from playlist_sync.sync.job_store import append_errors, writes_held
from playlist_sync.sync.operation_failures import end_operation, fail_rest, note_retry, skip_moves
from playlist_sync.sync.operation_store import (
    complete_operation,
    forget_attempt,
    record_intent,
)
from playlist_sync.sync.playlist_leases import (
    PlaylistLease,
    fenced,
    last_write_at,
    mark_verified,
    note_write,
)
from playlist_sync.sync.playlist_reads import record_read
from playlist_sync.sync.playlist_writes import note_refuses_positions
from playlist_sync.youtube.errors import YouTubeError
from playlist_sync.youtube.resources import RemotePlaylistItem

# Whether a removal of `video` from the category's playlist may go now: GO when no other
# category wants it, a kept playlist holds it, or another category's playlist is seen holding
# it (this job's last read of it, or its completed write of it there); WAIT while a category
# that wants it has a playlist, or is to get a new one this job has not failed to make (the
# creation limit may hold it for a window), and has not given it up; else KEEP (it can go
# nowhere).
_REMOVAL_HOLD = """
    WITH wanting AS (
        SELECT c.id, c.youtube_playlist_id, v.id AS video_id
        FROM category_videos cv JOIN categories c ON c.id = cv.category_id
        JOIN videos v ON v.id = cv.video_id
        WHERE v.youtube_video_id = $3 AND c.id <> $2 AND v.unavailable_reason IS NULL)
    SELECT
        NOT EXISTS (SELECT 1 FROM wanting) AS unwanted,
        EXISTS (SELECT 1 FROM playlist_videos kv JOIN playlists k ON k.id = kv.playlist_id
                JOIN videos v ON v.id = kv.video_id
                WHERE v.youtube_video_id = $3 AND k.kept AND k.deleted_from_youtube_at IS NULL)
            AS in_kept,
        EXISTS (SELECT 1 FROM wanting w WHERE w.youtube_playlist_id IS NOT NULL AND (
            EXISTS (SELECT 1 FROM sync_playlist_reads r
                    WHERE r.sync_job_id = $1 AND r.category_id = w.id
                      AND r.playlist_id = w.youtube_playlist_id
                      AND r.items @> jsonb_build_array(jsonb_build_object('videoId', $3::text)))
            OR EXISTS (SELECT 1 FROM sync_video_operations o
                       WHERE o.sync_job_id = $1 AND o.category_id = w.id AND o.video_id = w.video_id
                         AND o.operation <> 'remove' AND o.status = 'completed'))) AS safe,
        EXISTS (SELECT 1 FROM wanting w WHERE (w.youtube_playlist_id IS NOT NULL OR (
                    -- a new playlist this job has still to make (the creation limit holds it)
                    EXISTS (SELECT 1 FROM sync_category_plans p
                            WHERE p.sync_job_id = $1 AND p.category_id = w.id
                              AND p.adopted_playlist_id IS NULL)
                    AND NOT EXISTS (SELECT 1 FROM sync_jobs j, jsonb_array_elements(j.errors) e
                                    WHERE j.id = $1 AND e->>'entityType' = 'category'
                                      AND e->>'entityId' = w.id::text)))
                AND NOT EXISTS (SELECT 1 FROM sync_video_operations o
                                WHERE o.sync_job_id = $1 AND o.category_id = w.id
                                  AND o.video_id = w.video_id
                                  AND o.status IN ('failed', 'skipped')
                                  AND o.superseded_at IS NULL)) AS may_come
"""


class CategoryLedger:
    def __init__(self, pool: asyncpg.Pool, lease: PlaylistLease, playlist_id: str) -> None:
        self._pool = pool
        self._lease = lease
        self._playlist_id = playlist_id
        self.new_errors: list[SyncError] = []

    @property
    def _keys(self) -> tuple[int, int]:
        return self._lease.job_id, self._lease.category_id

    async def pending(self) -> list[PlannedWrite]:
        rows = await self._pool.fetch(
            """SELECT id, operation, youtube_video_id, youtube_item_id,
                      insert_started_at IS NOT NULL
               FROM sync_video_operations
               WHERE sync_job_id = $1 AND category_id = $2 AND status = 'pending'
               ORDER BY operation <> 'remove', position, id""",
            *self._keys,
        )
        return [PlannedWrite(*row) for row in rows]

    async def known_items(self) -> set[str]:
        rows = await self._pool.fetch(
            """SELECT pv.youtube_item_id FROM playlists p
               JOIN playlist_videos pv ON pv.playlist_id = p.id WHERE p.youtube_playlist_id = $1
               UNION SELECT youtube_item_id FROM sync_video_operations
               WHERE category_id = $3 AND youtube_item_id IS NOT NULL
               UNION SELECT item->>'id' FROM sync_playlist_reads r,
                     jsonb_array_elements(r.items) item
               WHERE r.sync_job_id = $2 AND r.category_id = $3""",
            self._playlist_id,
            *self._keys,
        )
        return {row[0] for row in rows if row[0] is not None}

    async def written(self) -> tuple[set[str], set[str]]:
        rows = await self._pool.fetch(
            """SELECT operation, youtube_item_id FROM sync_video_operations
               WHERE sync_job_id = $1 AND category_id = $2 AND status = 'completed'
                 AND youtube_item_id IS NOT NULL""",
            *self._keys,
        )
        taken = {row[1] for row in rows if row[0] == "remove"}
        return {row[1] for row in rows if row[0] != "remove"} - taken, taken

    async def last_write_at(self) -> datetime | None:
        return await last_write_at(self._pool, self._lease)

    async def last_move_at(self) -> datetime | None:
        moved: datetime | None = await self._pool.fetchval(
            """SELECT max(completed_at) FROM sync_video_operations
               WHERE sync_job_id = $1 AND category_id = $2 AND operation = 'move'
                 AND status = 'completed'""",
            *self._keys,
        )
        return moved

    async def given_up(self) -> set[str]:
        rows = await self._pool.fetch(
            """SELECT youtube_video_id FROM sync_video_operations
               WHERE sync_job_id = $1 AND category_id = $2 AND status IN ('skipped', 'failed')
                 AND superseded_at IS NULL AND operation <> 'remove'""",
            *self._keys,
        )
        return {row[0] for row in rows}

    async def removal_hold(self, video_id: str) -> RemovalHold:
        row = await self._pool.fetchrow(_REMOVAL_HOLD, *self._keys, video_id)
        if row["unwanted"] or row["in_kept"] or row["safe"]:
            return RemovalHold.GO
        return RemovalHold.WAIT if row["may_come"] else RemovalHold.KEEP

    async def note_read(self, items: list[Item], sent_at: datetime) -> None:
        await record_read(self._pool, *self._keys, self._playlist_id, items, sent_at)

    async def plan(
        self,
        edit: PlaylistEdit,
        rank: dict[str, int],
        waiting: set[str],
        kept: dict[str, str],
    ) -> list[PlannedWrite]:
        job_id, category_id = self._keys
        wanted: dict[tuple[str, str], tuple[str, str | None, int]] = {}
        for item in edit.remove:
            wanted["remove", item.id or ""] = (item.video_id, item.id, -1)
        for item in edit.move:
            wanted["move", item.video_id] = (item.video_id, item.id, rank[item.video_id])
        for video in edit.insert:
            wanted["add", video] = (video, None, rank[video])
        async with fenced(self._pool, self._lease) as conn:
            rows = await conn.fetch(
                """SELECT id, operation, youtube_video_id, youtube_item_id
                   FROM sync_video_operations
                   WHERE sync_job_id = $1 AND category_id = $2 AND status = 'pending'
                   FOR UPDATE""",
                job_id,
                category_id,
            )
            stale: list[int] = []
            for row in rows:
                key = (row[1], row[3] or "") if row[1] == "remove" else (row[1], row[2])
                if key in wanted:
                    video, item_id, position = wanted.pop(key)
                    await conn.execute(
                        """UPDATE sync_video_operations SET youtube_item_id = $2, position = $3
                           WHERE id = $1""",
                        row[0],
                        item_id if row[1] != "add" else None,
                        position,
                    )
                else:
                    stale.append(row[0])
            await conn.execute(
                """UPDATE sync_video_operations
                   SET status = 'skipped', superseded_at = now(), completed_at = now(),
                       error_message = 'not needed: a read of the playlist planned it again'
                   WHERE id = ANY($1::bigint[])""",
                stale,
            )
            new = list(wanted.items())
            await conn.execute(
                """INSERT INTO sync_video_operations
                       (sync_job_id, category_id, video_id, youtube_video_id, position, operation,
                        youtube_item_id)
                   SELECT $1, $2, v.id, r.video, r.position, r.operation, r.item_id
                   FROM unnest($3::text[], $4::text[], $5::int[], $6::text[])
                        AS r(operation, video, position, item_id)
                   JOIN videos v ON v.youtube_video_id = r.video""",
                job_id,
                category_id,
                [key[0] for key, _ in new],
                [value[0] for _, value in new],
                [value[2] for _, value in new],
                [value[1] for _, value in new],
            )
            await self._keep(conn, kept)
        writes = await self.pending()
        removals = [w for w in writes if w.operation == "remove" and w.item_id not in waiting]
        others = sorted(
            (w for w in writes if w.operation != "remove"), key=lambda w: rank[w.video_id]
        )
        return removals + others

    async def _keep(self, conn: asyncpg.Connection, kept: dict[str, str]) -> None:
        """The removals of `kept` items, reported once each: their videos can go nowhere else
        (the categories that want them have no playlist, or reported them failed)."""
        job_id, category_id = self._keys
        reason = "kept in this playlist: the category that wants it could not get it"
        rows = await conn.fetch(
            """INSERT INTO sync_video_operations
                   (sync_job_id, category_id, video_id, youtube_video_id, position, operation,
                    youtube_item_id, status, error_message, completed_at)
               SELECT $1, $2, v.id, pv.youtube_video_id, -1, 'remove', pv.youtube_item_id,
                      'skipped', $5, now()
               FROM unnest($3::text[], $4::text[]) AS pv(youtube_item_id, youtube_video_id)
               JOIN videos v ON v.youtube_video_id = pv.youtube_video_id
               WHERE NOT EXISTS (SELECT 1 FROM sync_video_operations o
                                 WHERE o.sync_job_id = $1 AND o.category_id = $2
                                   AND o.operation = 'remove' AND o.status = 'skipped'
                                   AND o.superseded_at IS NULL
                                   AND o.youtube_item_id = pv.youtube_item_id)
               RETURNING youtube_video_id""",
            job_id,
            category_id,
            list(kept),
            list(kept.values()),
            reason,
        )
        errors = [_error(row[0], reason) for row in rows]
        await append_errors(conn, job_id, errors)
        self.new_errors += errors

    async def intend(self, write: PlannedWrite) -> bool:
        return await record_intent(self._pool, self._lease, write.id)

    async def complete(self, write: PlannedWrite, item_id: str | None) -> None:
        await complete_operation(self._pool, self._lease, write.id, item_id)

    async def forget(self, write: PlannedWrite) -> None:
        await forget_attempt(self._pool, self._lease, write.id)

    async def refuse(self, write: PlannedWrite, error: YouTubeError) -> None:
        job_id, category_id = self._keys
        async with fenced(self._pool, self._lease) as conn:
            before = await conn.fetchval(
                """SELECT count(*) FROM sync_video_operations
                   WHERE sync_job_id = $1 AND category_id = $2 AND youtube_video_id = $3
                     AND superseded_at IS NOT NULL AND error_message LIKE 'refused: %'""",
                job_id,
                category_id,
                write.video_id,
            )
            if before + 1 < REFUSALS_BEFORE_FAILING:
                await conn.execute(
                    """UPDATE sync_video_operations
                       SET status = 'skipped', superseded_at = now(), error_message = $2,
                           completed_at = now(),
                           insert_started_at = NULL
                       WHERE id = $1""",
                    write.id,
                    f"refused: {error.message}",
                )
                return
        # Refused at every plan: reported, and left be by the next plans.
        message = f"refused {REFUSALS_BEFORE_FAILING} times, each after a new read: {error.message}"
        self.new_errors.append(
            await end_operation(self._pool, self._lease, write.id, write.video_id, error, message)
        )

    async def skip(self, write: PlannedWrite, error: YouTubeError) -> None:
        self.new_errors.append(
            await end_operation(self._pool, self._lease, write.id, write.video_id, error)
        )

    async def note_retry(self, write: PlannedWrite, error: YouTubeError) -> None:
        self.new_errors.append(
            await note_retry(self._pool, self._lease.job_id, write.video_id, error)
        )

    async def fail_rest(self, error: YouTubeError) -> None:
        self.new_errors += await fail_rest(self._pool, self._lease, error)

    async def refuses_positions(self, reason: str) -> None:
        await note_refuses_positions(self._pool, self._playlist_id)
        self.new_errors += await skip_moves(self._pool, self._lease, reason)

    async def intend_update(self) -> None:
        async with fenced(self._pool, self._lease) as conn:
            await note_write(conn, self._lease)

    async def update_refused(self, error: YouTubeError) -> None:
        message = f"could not give the playlist its category's title back: {error.message}"
        report = _error(self._playlist_id, message, entity_type="playlist")
        async with self._pool.acquire() as conn:
            await append_errors(conn, self._lease.job_id, [report])
        self.new_errors.append(report)

    async def verified(self, listed: list[RemotePlaylistItem], edit: PlaylistEdit) -> None:
        job_id, category_id = self._keys
        kept = {video: item.id for video, item in edit.kept.items() if item.id}
        async with fenced(self._pool, self._lease) as conn:
            # The operations point at the items that stayed (a removed copy may have been theirs).
            await conn.execute(
                """UPDATE sync_video_operations o SET youtube_item_id = k.item_id
                   FROM unnest($3::text[], $4::text[]) AS k(video_id, item_id)
                   WHERE o.sync_job_id = $1 AND o.category_id = $2 AND o.status = 'completed'
                     AND o.operation <> 'remove' AND o.youtube_video_id = k.video_id""",
                job_id,
                category_id,
                list(kept),
                list(kept.values()),
            )
            # The library is YouTube as last seen: the next sync plans from this (the batch
            # gave the playlist the category's title, description and privacy).
            await record_playlist(conn, self._playlist_id, listed)
            await conn.execute(
                """UPDATE playlists p SET title = c.name, description = c.description,
                                          privacy_status = c.privacy_status
                   FROM categories c WHERE c.id = $2 AND p.youtube_playlist_id = $1""",
                self._playlist_id,
                category_id,
            )
        await mark_verified(self._pool, self._lease)

    async def writes_held(self) -> bool:
        return await writes_held(self._pool, self._lease.job_id)


def _error(entity_id: str, message: str, entity_type: str = "video") -> SyncError:
    return SyncError(
        stage=SyncStage.ADD_VIDEOS,
        entity_type=entity_type,
        entity_id=entity_id,
        message=message,
        timestamp=datetime.now(UTC),
    )
