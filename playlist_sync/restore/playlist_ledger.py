"""The restore's BatchLedger for the engine's per-playlist batch (playlist_sync/sync/
playlist_batch.py): one restored playlist, in restore_operations and restore_items.

restore_operations is the ledger of every write planned into the playlist (pending ->
completed / failed / skipped, or superseded when a newer read planned it again or YouTube
refused it); restore_items says, per video of the snapshot, whether it is back (added by this
restore, or found in place), skipped or failed, which is what the job's counts and the CLI show.
Every record is made under the playlist's lease (fenced).

A removal always goes when the batch plans it: the restore takes items out only in its removing
stage, once every restored playlist holds its videos (steps.py), so a video moving between
playlists is in its new one before it leaves the old one.
"""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from playlist_sync.reconcile.playlist_edit import Item, PlaylistEdit
from playlist_sync.restore.job_store import append_errors, writes_held
from playlist_sync.restore.lease import RestoreLease, fenced, last_write_at, note_write
from playlist_sync.restore.models import RestoreError
from playlist_sync.restore.playlist_making import gone
from playlist_sync.sync.batch_ledger import REFUSALS_BEFORE_FAILING, PlannedWrite, RemovalHold
from playlist_sync.sync.playlist_writes import note_refuses_positions
from playlist_sync.youtube.errors import PlaylistNotFound, YouTubeError
from playlist_sync.youtube.resources import RemotePlaylistItem


class RestorePlaylistLedger:
    def __init__(
        self, pool: asyncpg.Pool, lease: RestoreLease, row: asyncpg.Record, playlist_id: str
    ) -> None:
        self._pool = pool
        self._lease = lease
        self._row = row
        self._id = row["id"]
        self._playlist_id = playlist_id
        self.new_errors: list[RestoreError] = []
        self.gone = False

    async def pending(self) -> list[PlannedWrite]:
        rows = await self._pool.fetch(
            """SELECT id, operation, youtube_video_id, youtube_item_id, intent_at IS NOT NULL
               FROM restore_operations WHERE restore_playlist_id = $1 AND status = 'pending'
               ORDER BY operation <> 'remove', position, id""",
            self._id,
        )
        return [PlannedWrite(*row) for row in rows]

    async def known_items(self) -> set[str]:
        rows = await self._pool.fetch(
            """SELECT unnest(known_items) FROM restore_playlists WHERE id = $1
               UNION SELECT youtube_item_id FROM restore_operations
               WHERE restore_playlist_id = $1 AND youtube_item_id IS NOT NULL
                 AND status <> 'pending'""",
            self._id,
        )
        return {row[0] for row in rows if row[0] is not None}

    async def written(self) -> tuple[set[str], set[str]]:
        rows = await self._pool.fetch(
            """SELECT operation, youtube_item_id FROM restore_operations
               WHERE restore_playlist_id = $1 AND status = 'completed'
                 AND youtube_item_id IS NOT NULL""",
            self._id,
        )
        taken = {row[1] for row in rows if row[0] == "remove"}
        return {row[1] for row in rows if row[0] != "remove"} - taken, taken

    async def last_write_at(self) -> datetime | None:
        return await last_write_at(self._pool, self._lease)

    async def last_move_at(self) -> datetime | None:
        moved: datetime | None = await self._pool.fetchval(
            """SELECT max(completed_at) FROM restore_operations
               WHERE restore_playlist_id = $1 AND operation = 'move' AND status = 'completed'""",
            self._id,
        )
        return moved

    async def given_up(self) -> set[str]:
        rows = await self._pool.fetch(
            """SELECT youtube_video_id FROM restore_items
               WHERE restore_playlist_id = $1 AND status IN ('skipped', 'failed')""",
            self._id,
        )
        return {row[0] for row in rows}

    async def removal_hold(self, video_id: str) -> RemovalHold:
        return RemovalHold.GO

    async def note_read(self, items: list[Item], sent_at: datetime) -> None:
        await self._pool.execute(
            """UPDATE restore_playlists
               SET known_items = ARRAY(SELECT DISTINCT unnest(known_items || $2::text[]))
               WHERE id = $1""",
            self._id,
            [item.id for item in items if item.id],
        )

    async def plan(
        self,
        edit: PlaylistEdit,
        rank: dict[str, int],
        waiting: set[str],
        kept: dict[str, str],
    ) -> list[PlannedWrite]:
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
                   FROM restore_operations WHERE restore_playlist_id = $1 AND status = 'pending'
                   FOR UPDATE""",
                self._id,
            )
            stale: list[int] = []
            for row in rows:
                key = (row[1], row[3] or "") if row[1] == "remove" else (row[1], row[2])
                if key in wanted:
                    video, item_id, position = wanted.pop(key)
                    await conn.execute(
                        """UPDATE restore_operations SET youtube_item_id = $2, position = $3
                           WHERE id = $1""",
                        row[0],
                        item_id if row[1] != "add" else None,
                        position,
                    )
                else:
                    stale.append(row[0])
            await conn.execute(
                """UPDATE restore_operations
                   SET status = 'superseded', completed_at = now(),
                       error_message = 'not needed: a read of the playlist planned it again'
                   WHERE id = ANY($1::bigint[])""",
                stale,
            )
            new = list(wanted.items())
            await conn.execute(
                """INSERT INTO restore_operations
                       (restore_playlist_id, operation, youtube_video_id, position,
                        youtube_item_id)
                   SELECT $1, r.operation, r.video, r.position, r.item_id
                   FROM unnest($2::text[], $3::text[], $4::int[], $5::text[])
                        AS r(operation, video, position, item_id)""",
                self._id,
                [key[0] for key, _ in new],
                [value[0] for _, value in new],
                [value[2] for _, value in new],
                [value[1] for _, value in new],
            )
        writes = await self.pending()
        removals = [w for w in writes if w.operation == "remove" and w.item_id not in waiting]
        others = sorted(
            (w for w in writes if w.operation != "remove"), key=lambda w: rank[w.video_id]
        )
        return removals + others

    async def intend(self, write: PlannedWrite) -> bool:
        async with fenced(self._pool, self._lease) as conn:
            started = await conn.fetchval(
                """UPDATE restore_operations SET intent_at = now()
                   WHERE id = $1 AND status = 'pending' RETURNING id""",
                write.id,
            )
            if started is not None:
                await note_write(conn, self._lease)
        return started is not None

    async def complete(self, write: PlannedWrite, item_id: str | None) -> None:
        async with fenced(self._pool, self._lease) as conn:
            done = await conn.fetchval(
                """UPDATE restore_operations
                   SET status = 'completed', youtube_item_id = $2, completed_at = now()
                   WHERE id = $1 AND status = 'pending' RETURNING id""",
                write.id,
                item_id,
            )
            if done is not None and write.operation != "remove":
                # The video is back in place: added by this restore, or moved into place.
                await conn.execute(
                    """UPDATE restore_items SET status = 'completed', youtube_item_id = $3,
                           added = added OR $4, completed_at = now()
                       WHERE restore_playlist_id = $1 AND youtube_video_id = $2
                         AND status IN ('pending', 'completed')""",
                    self._id,
                    write.video_id,
                    item_id,
                    write.operation == "add",
                )

    async def forget(self, write: PlannedWrite) -> None:
        async with fenced(self._pool, self._lease) as conn:
            await conn.execute(
                "UPDATE restore_operations SET intent_at = NULL WHERE id = $1", write.id
            )

    async def refuse(self, write: PlannedWrite, error: YouTubeError) -> None:
        async with fenced(self._pool, self._lease) as conn:
            before = await conn.fetchval(
                """SELECT count(*) FROM restore_operations
                   WHERE restore_playlist_id = $1 AND youtube_video_id = $2
                     AND status = 'superseded' AND error_message LIKE 'refused: %'""",
                self._id,
                write.video_id,
            )
            if before + 1 < REFUSALS_BEFORE_FAILING:
                await conn.execute(
                    """UPDATE restore_operations
                       SET status = 'superseded', error_message = $2, completed_at = now(),
                           intent_at = NULL
                       WHERE id = $1""",
                    write.id,
                    f"refused: {error.message}",
                )
                return
        # Refused at every plan: reported, and left be by the next plans.
        reason = f"refused {REFUSALS_BEFORE_FAILING} times, each after a new read: {error.message}"
        await self._end(write, "failed", reason)

    async def skip(self, write: PlannedWrite, error: YouTubeError) -> None:
        await self._end(write, "skipped", error.message)

    async def _end(self, write: PlannedWrite, status: str, reason: str) -> None:
        error = _error("video", write.video_id, f"{status} in {self._row['title']!r}: {reason}")
        async with fenced(self._pool, self._lease) as conn:
            await conn.execute(
                """UPDATE restore_operations SET status = $2, error_message = $3,
                       intent_at = NULL, completed_at = now()
                   WHERE id = $1""",
                write.id,
                status,
                reason,
            )
            if write.operation != "remove":
                await conn.execute(
                    """UPDATE restore_items SET status = $3, error_message = $4,
                           completed_at = now()
                       WHERE restore_playlist_id = $1 AND youtube_video_id = $2
                         AND status IN ('pending', 'completed')""",
                    self._id,
                    write.video_id,
                    status,
                    reason,
                )
            await append_errors(conn, self._row["restore_job_id"], [error])
        self.new_errors.append(error)

    async def note_retry(self, write: PlannedWrite, error: YouTubeError) -> None:
        """A write that did not happen (a 5xx): the next batch plans it again; not reported."""

    async def fail_rest(self, error: YouTubeError) -> None:
        if isinstance(error, PlaylistNotFound):
            # Gone for longer than lists lag (the user deleted it): made again.
            await gone(self._pool, self._id)
            self.gone = True
            return
        reason = f"not added: {error.message}"
        async with fenced(self._pool, self._lease) as conn:
            await conn.execute(
                """UPDATE restore_operations SET status = 'failed', error_message = $2,
                       intent_at = NULL, completed_at = now()
                   WHERE restore_playlist_id = $1 AND status = 'pending'""",
                self._id,
                reason,
            )
            rows = await conn.fetch(
                """UPDATE restore_items SET status = 'failed', error_message = $2,
                       completed_at = now()
                   WHERE restore_playlist_id = $1 AND status = 'pending'
                   RETURNING youtube_video_id""",
                self._id,
                reason,
            )
            errors = [_error("video", row[0], reason) for row in rows]
            await append_errors(conn, self._row["restore_job_id"], errors)
        self.new_errors += errors

    async def refuses_positions(self, reason: str) -> None:
        await note_refuses_positions(self._pool, self._playlist_id)
        await self._report(_error("playlist", self._row["original_playlist_id"], reason))

    async def intend_update(self) -> None:
        async with fenced(self._pool, self._lease) as conn:
            await note_write(conn, self._lease)

    async def update_refused(self, error: YouTubeError) -> None:
        message = (
            f"{self._row['title']!r}: its title, description and privacy could not be set back:"
            f" {error.message}"
        )
        await self._report(_error("playlist", self._row["original_playlist_id"], message))

    async def verified(self, listed: list[RemotePlaylistItem], edit: PlaylistEdit) -> None:
        kept = {video: item.id for video, item in edit.kept.items() if item.id}
        async with fenced(self._pool, self._lease) as conn:
            await conn.execute(
                """UPDATE restore_items i SET status = 'completed', youtube_item_id = k.item_id,
                       completed_at = COALESCE(i.completed_at, now())
                   FROM unnest($2::text[], $3::text[]) AS k(video_id, item_id)
                   WHERE i.restore_playlist_id = $1 AND i.youtube_video_id = k.video_id
                     AND i.status IN ('pending', 'completed')""",
                self._id,
                list(kept),
                list(kept.values()),
            )
            await conn.execute(
                """UPDATE restore_playlists SET described_at = COALESCE(described_at, now()),
                       filled_at = COALESCE(filled_at, now())
                   WHERE id = $1""",
                self._id,
            )

    async def writes_held(self) -> bool:
        return await writes_held(self._pool, self._row["restore_job_id"])

    async def _report(self, error: RestoreError) -> None:
        await append_errors(self._pool, self._row["restore_job_id"], [error])
        self.new_errors.append(error)


def _error(entity_type: str, entity_id: str, message: str) -> RestoreError:
    return RestoreError(
        entity_type=entity_type,
        entity_id=entity_id,
        message=message,
        timestamp=datetime.now(UTC),
    )
