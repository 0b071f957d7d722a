"""backup: every playlist of the user and its items, read from YouTube, before any write."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import asyncpg

from playlist_sync.library.seen import refresh_library
from playlist_sync.sync.job_store import quota_used_by_sync
from playlist_sync.sync.payloads import BackupOutcome
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.errors import QuotaExceeded


async def back_up_playlists(
    youtube: SyncYouTube, pool: asyncpg.Pool, job_id: int, heartbeat: Callable[[int], None]
) -> BackupOutcome:
    existing = await pool.fetchrow(
        """SELECT s.id, s.playlist_count, s.item_count FROM sync_jobs j
           JOIN backup_snapshots s ON s.id = j.backup_snapshot_id WHERE j.id = $1""",
        job_id,
    )
    if existing:  # a retry after the snapshot was stored: nothing to read again
        return BackupOutcome(
            snapshot_id=existing["id"],
            playlist_count=existing["playlist_count"],
            video_count=existing["item_count"],
            quota_used_by_sync=await quota_used_by_sync(pool, job_id),
        )
    read_at = datetime.now(UTC)
    try:
        snapshot, read = [], []
        for playlist in await youtube.my_playlists():
            items = await youtube.playlist_items(playlist.id)
            read.append((playlist, items))
            snapshot.append(
                {
                    "id": playlist.id,
                    "title": playlist.title,
                    "description": playlist.description,
                    "privacyStatus": playlist.privacy_status,
                    "items": [item.video_id for item in items],
                    # Beside the videos: the items, which a reconcile moves and removes.
                    "itemIds": [item.id for item in items],
                }
            )
            heartbeat(len(snapshot))
    except QuotaExceeded as error:
        return BackupOutcome(
            quota_exhausted=True,
            next_reset=error.next_reset,
            quota_used_by_sync=await quota_used_by_sync(pool, job_id),
        )
    item_count = sum(len(p["items"]) for p in snapshot)
    async with pool.acquire() as conn, conn.transaction():
        snapshot_id = await conn.fetchval(
            """INSERT INTO backup_snapshots (sync_job_id, playlist_count, item_count, playlists)
               VALUES ($1, $2, $3, $4) RETURNING id""",
            job_id,
            len(snapshot),
            item_count,
            snapshot,
        )
        await conn.execute(
            "UPDATE sync_jobs SET backup_snapshot_id = $2 WHERE id = $1", job_id, snapshot_id
        )
        # The plan starts from YouTube's truth, not from a possibly stale import.
        await refresh_library(conn, read, read_at=read_at)
        used = await quota_used_by_sync(conn, job_id)
    return BackupOutcome(
        snapshot_id=snapshot_id,
        playlist_count=len(snapshot),
        video_count=item_count,
        quota_used_by_sync=used,
    )
