"""What a restore of a snapshot would recreate, read against YouTube as it is now.

A snapshot's playlist is restored when YouTube no longer has it as it was (a sync deleted it,
or adopted it for a category and changed it): neither its own id unchanged nor a copy
an earlier restore made (a copy that restore left unfinished is completed, not made again). YouTube's list is the truth here, not `playlists.deleted_from_youtube_at`:
that flag is only as fresh as the last import or sync, and a playlist brought back by hand (or
by a restore) since would otherwise be made a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import asyncpg

from playlist_sync.planner import quota_remaining
from playlist_sync.quota_windows import QuotaReset, windows_needed
from playlist_sync.restore.models import PlaylistToRestore, RestorePlan
from playlist_sync.youtube.costs import WRITE_COST
from playlist_sync.youtube.resources import RemotePlaylist


class SnapshotNotFound(Exception):
    """No backup snapshot has this id; the message lists the ones there are, in one line."""


class PlaylistLister(Protocol):
    async def my_playlists(self) -> list[RemotePlaylist]: ...


async def plan_restore(
    youtube: PlaylistLister,
    pool: asyncpg.Pool,
    snapshot_id: int,
    *,
    daily_quota: int,
    reset: QuotaReset,
    now: datetime | None = None,
) -> RestorePlan:
    snapshot = await pool.fetchrow(
        "SELECT id, created_at, playlists FROM backup_snapshots WHERE id = $1", snapshot_id
    )
    if snapshot is None:
        raise SnapshotNotFound(await _unknown_snapshot(pool, snapshot_id))
    listed = {playlist.id: playlist for playlist in await youtube.my_playlists()}
    on_youtube = set(listed)
    copies = await _live_copies(pool, on_youtube)
    backed_up: list[dict[str, Any]] = snapshot["playlists"]
    unavailable = await _unavailable_videos(pool, backed_up)
    gone: list[PlaylistToRestore] = []
    present: list[str] = []
    for playlist in backed_up:
        video_ids = list(playlist.get("items") or [])
        copy = copies.get(playlist["id"])
        kept_as_it_was = playlist["id"] in on_youtube and not await _changed_since(
            pool, playlist, listed[playlist["id"]]
        )
        if kept_as_it_was or (copy is not None and (copy.finished or copy.video_ids != video_ids)):
            present.append(playlist["title"])
            continue
        gone.append(
            PlaylistToRestore(
                youtube_playlist_id=playlist["id"],
                title=playlist["title"],
                description=playlist.get("description") or "",
                privacy_status=playlist.get("privacyStatus") or "private",
                video_ids=video_ids,
                unavailable={v: unavailable[v] for v in video_ids if v in unavailable},
                continues=copy.row_id if copy else None,
                copy_playlist_id=copy.playlist_id if copy else None,
                added_positions=copy.added_positions if copy else [],
                described=copy.described if copy else False,
            )
        )
    now = now or datetime.now(UTC)
    remaining = await quota_remaining(pool, daily_quota=daily_quota, reset=reset, now=now)
    cost = restore_cost(gone)
    return RestorePlan(
        snapshot_id=snapshot_id,
        snapshot_taken_at=snapshot["created_at"],
        playlists=gone,
        still_on_youtube=present,
        quota_cost=cost,
        estimated_windows=windows_needed(cost, daily_quota, remaining),
        daily_quota_limit=daily_quota,
        quota_remaining_now=remaining,
    )


async def _changed_since(
    pool: asyncpg.Pool, backed_up: dict[str, Any], now: RemotePlaylist
) -> bool:
    """Whether a playlist still on YouTube is no longer as backed up: a sync adopted it for a
    category (renamed it, edited its items). It comes back as a copy, so that the category
    keeps its playlist and the user has the original again. Its items as a sync last saw them
    (the library), its title, description and privacy as YouTube lists them now."""
    snippet = (backed_up["title"], backed_up.get("description") or "")
    if (now.title, now.description) != snippet or now.privacy_status != backed_up.get(
        "privacyStatus", now.privacy_status
    ):
        return True
    items = await pool.fetchval(
        """SELECT array_agg(v.youtube_video_id ORDER BY pv.position) FROM playlists p
           JOIN playlist_videos pv ON pv.playlist_id = p.id JOIN videos v ON v.id = pv.video_id
           WHERE p.youtube_playlist_id = $1""",
        backed_up["id"],
    )
    return list(items or []) != list(backed_up.get("items") or [])


def restore_cost(playlists: list[PlaylistToRestore]) -> int:
    """The writes' units; the few reads (1 unit per 50 entries) are left out, like the preview's."""
    return WRITE_COST * sum(p.writes for p in playlists)


@dataclass(frozen=True)
class _Copy:
    """A playlist an earlier restore made that YouTube still has."""

    row_id: int
    playlist_id: str
    finished: bool
    described: bool
    video_ids: list[str]
    added_positions: list[int]


async def _live_copies(pool: asyncpg.Pool, on_youtube: set[str]) -> dict[str, _Copy]:
    """Original playlist id -> its copy on YouTube: a finished one if there is, else the latest."""
    rows = await pool.fetch(
        """SELECT p.id, p.original_playlist_id, p.youtube_playlist_id, p.described_at,
                  p.status = 'completed' AS finished,
                  array_agg(i.youtube_video_id ORDER BY i.position)
                      FILTER (WHERE i.id IS NOT NULL) AS video_ids,
                  array_agg(i.position) FILTER (WHERE i.status = 'completed') AS added
           FROM restore_playlists p LEFT JOIN restore_items i ON i.restore_playlist_id = p.id
           WHERE p.youtube_playlist_id = ANY($1::text[])
           GROUP BY p.id ORDER BY p.status = 'completed', p.id""",
        list(on_youtube),
    )
    return {
        row["original_playlist_id"]: _Copy(
            row_id=row["id"],
            playlist_id=row["youtube_playlist_id"],
            finished=row["finished"],
            described=row["described_at"] is not None,
            video_ids=list(row["video_ids"] or []),
            added_positions=list(row["added"] or []),
        )
        for row in rows
    }


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
