"""What a restore of a snapshot would do, read against YouTube as it is now.

Each snapshot playlist comes back in place when YouTube still has it (a sync adopted it:
renamed, edited) or a copy an earlier restore made: it is edited back with the fewest writes
(reconcile/playlist_edit.py), its id unchanged. One YouTube no longer has is made again. One
that is as it was backed up is left alone. The playlists syncs made after the snapshot are
listed for deletion (unless `--keep-new`); the restore deletes each only once every available
video of it is in a restored playlist. YouTube's list is the truth here, not the library's
flags: those are only as fresh as the last import or sync.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

import asyncpg

from playlist_sync.planner import quota_remaining
from playlist_sync.playlist_marker import marked_by
from playlist_sync.quota_windows import QuotaReset, windows_needed
from playlist_sync.reconcile.playlist_edit import Item, PlaylistEdit, edit_for
from playlist_sync.restore.models import NewPlaylist, PlaylistToRestore, RestorePlan
from playlist_sync.youtube.costs import WRITE_COST
from playlist_sync.youtube.resources import RemotePlaylist, RemotePlaylistItem


class SnapshotNotFound(Exception):
    """No backup snapshot has this id; the message lists the ones there are, in one line."""


class PlaylistReader(Protocol):
    async def my_playlists(self) -> list[RemotePlaylist]: ...

    async def playlist_items(self, playlist_id: str) -> list[RemotePlaylistItem]: ...


async def plan_restore(
    youtube: PlaylistReader,
    pool: asyncpg.Pool,
    snapshot_id: int,
    *,
    daily_quota: int,
    reset: QuotaReset,
    keep_new: bool = False,
    now: datetime | None = None,
) -> RestorePlan:
    snapshot = await pool.fetchrow(
        "SELECT id, created_at, playlists, sync_job_id FROM backup_snapshots WHERE id = $1",
        snapshot_id,
    )
    if snapshot is None:
        raise SnapshotNotFound(await _unknown_snapshot(pool, snapshot_id))
    listed = {playlist.id: playlist for playlist in await youtube.my_playlists()}
    copies = await _live_copies(pool, set(listed))
    backed_up: list[dict[str, Any]] = snapshot["playlists"]
    unavailable = await _unavailable_videos(pool, backed_up)
    to_restore: list[PlaylistToRestore] = []
    present: list[str] = []
    for playlist in backed_up:
        video_ids = list(playlist.get("items") or [])
        restored = PlaylistToRestore(
            youtube_playlist_id=playlist["id"],
            title=playlist["title"],
            description=playlist.get("description") or "",
            privacy_status=playlist.get("privacyStatus") or "private",
            video_ids=video_ids,
            unavailable={v: unavailable[v] for v in video_ids if v in unavailable},
        )
        target = playlist["id"] if playlist["id"] in listed else copies.get(playlist["id"])
        if target is not None:
            wanted = [v for v in dict.fromkeys(video_ids) if v not in unavailable]
            items = await youtube.playlist_items(target)
            edit = _edit_back(items, wanted, set(restored.unavailable))
            restored.target_playlist_id = target
            restored.snippet_ok = _snippet(listed[target]) == _snippet_of(restored)
            restored.inserts, restored.moves = len(edit.insert), len(edit.move)
            restored.removals = len(edit.remove)
            if restored.writes == 0:
                present.append(restored.title)
                continue
        to_restore.append(restored)
    kept = {p["id"] for p in backed_up} | {p.target_playlist_id for p in to_restore}
    to_delete = [] if keep_new else await _made_by_syncs(pool, listed, snapshot, kept)
    now = now or datetime.now(UTC)
    remaining = await quota_remaining(pool, daily_quota=daily_quota, reset=reset, now=now)
    cost = restore_cost(to_restore, to_delete)
    return RestorePlan(
        snapshot_id=snapshot_id,
        snapshot_taken_at=snapshot["created_at"],
        playlists=to_restore,
        still_on_youtube=present,
        to_delete=to_delete,
        keep_new=keep_new,
        quota_cost=cost,
        estimated_windows=windows_needed(cost, daily_quota, remaining),
        daily_quota_limit=daily_quota,
        quota_remaining_now=remaining,
    )


def _edit_back(
    items: list[RemotePlaylistItem], wanted: list[str], unavailable: set[str]
) -> PlaylistEdit:
    """The restore's edit of a playlist (steps.py's target): an unavailable video of the
    snapshot that the playlist still holds stays, as it was backed up."""
    return edit_for(
        [Item(i.id, i.video_id) for i in items],
        wanted,
        leave_alone=lambda item: item.video_id in unavailable,
    )


def _snippet(playlist: RemotePlaylist) -> tuple[str, str, str]:
    return playlist.title, playlist.description, playlist.privacy_status


def _snippet_of(playlist: PlaylistToRestore) -> tuple[str, str, str]:
    return playlist.title, playlist.description, playlist.privacy_status


async def _made_by_syncs(
    pool: asyncpg.Pool,
    listed: dict[str, RemotePlaylist],
    snapshot: asyncpg.Record,
    kept: set[str | None],
) -> list[NewPlaylist]:
    """The playlists on YouTube that syncs made after the snapshot: by the marker a sync puts
    at the end of a new playlist's description, or by the categories' record of who made
    their playlist. Any other playlist is the user's, and is left alone."""
    since = snapshot["sync_job_id"] or 0
    recorded = {
        row["youtube_playlist_id"]
        for row in await pool.fetch(
            """SELECT youtube_playlist_id FROM categories
               WHERE playlist_created_by_job >= $1 AND youtube_playlist_id IS NOT NULL""",
            since,
        )
    }
    made: list[NewPlaylist] = []
    for playlist in listed.values():
        marker = marked_by(playlist.description)
        by_sync = (marker is not None and marker[0] >= since) or playlist.id in recorded
        if by_sync and playlist.id not in kept:
            made.append(
                NewPlaylist(
                    youtube_playlist_id=playlist.id,
                    title=playlist.title,
                    videos=playlist.item_count,
                )
            )
    return made


def restore_cost(playlists: list[PlaylistToRestore], to_delete: list[NewPlaylist]) -> int:
    """The writes' units; the few reads (1 unit per 50 entries) are left out, like the preview's."""
    return WRITE_COST * (sum(p.writes for p in playlists) + len(to_delete))


async def _live_copies(pool: asyncpg.Pool, on_youtube: set[str]) -> dict[str, str]:
    """Original playlist id -> the latest copy an earlier restore made that YouTube still has."""
    rows = await pool.fetch(
        """SELECT original_playlist_id, youtube_playlist_id FROM restore_playlists
           WHERE youtube_playlist_id = ANY($1::text[])
             AND youtube_playlist_id <> original_playlist_id
           ORDER BY id""",
        list(on_youtube),
    )
    return {row["original_playlist_id"]: row["youtube_playlist_id"] for row in rows}


async def _unavailable_videos(
    pool: asyncpg.Pool, playlists: list[dict[str, Any]]
) -> dict[str, str]:
    """The snapshot's videos the import saw deleted or private, with the reason."""
    video_ids = list({v for playlist in playlists for v in playlist.get("items") or []})
    rows = await pool.fetch(
        """SELECT youtube_video_id, unavailable_reason FROM videos
           WHERE youtube_video_id = ANY($1::text[]) AND unavailable_reason IS NOT NULL""",
        video_ids,
    )
    return {row["youtube_video_id"]: f"video {row['unavailable_reason']}" for row in rows}


async def _unknown_snapshot(pool: asyncpg.Pool, snapshot_id: int) -> str:
    known = [row["id"] for row in await pool.fetch("SELECT id FROM backup_snapshots ORDER BY id")]
    if not known:
        return f"no backup snapshot {snapshot_id}: there are none yet (a sync makes one first)"
    shown = ", ".join(str(i) for i in known[-10:])
    return f"no backup snapshot {snapshot_id}; the snapshots are: {shown}"
