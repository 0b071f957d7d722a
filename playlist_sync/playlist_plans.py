"""Per category, the playlist it becomes and the videos that playlist gains, loses and moves,
with titles and where each video is now or goes: what lets a person see from the preview which
playlist becomes what (Terraform's plan, rclone's --dry-run), not only counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import asyncpg

from playlist_sync.models import KeptPlaylist, PlannedVideo, PlaylistPlan
from playlist_sync.reconcile.assignment import Choice, Reconciliation


@dataclass(frozen=True)
class LibraryNames:
    """What the plan's ids are called: video titles and the playlists holding each video."""

    titles: dict[str, str]
    held_by: dict[str, list[str]]  # video -> titles of the playlists on YouTube holding it


async def library_names(db: asyncpg.Pool | asyncpg.Connection) -> LibraryNames:
    titles = {
        row[0]: row[1] for row in await db.fetch("SELECT youtube_video_id, title FROM videos")
    }
    rows = await db.fetch(
        """SELECT v.youtube_video_id, array_agg(DISTINCT p.title ORDER BY p.title)
           FROM playlist_videos pv JOIN playlists p ON p.id = pv.playlist_id
           JOIN videos v ON v.id = pv.video_id
           WHERE p.deleted_from_youtube_at IS NULL GROUP BY v.id"""
    )
    return LibraryNames(titles, {row[0]: list(row[1]) for row in rows})


async def kept_playlists(db: asyncpg.Pool | asyncpg.Connection) -> list[KeptPlaylist]:
    rows = await db.fetch(
        """SELECT p.title, p.youtube_playlist_id,
                  (SELECT count(*) FROM playlist_videos pv WHERE pv.playlist_id = p.id)::int
           FROM playlists p WHERE p.kept AND p.deleted_from_youtube_at IS NULL
           ORDER BY p.title, p.id"""
    )
    return [KeptPlaylist(playlist_name=r[0], youtube_id=r[1], video_count=r[2]) for r in rows]


def playlist_plans(plan: Reconciliation, names: LibraryNames) -> list[PlaylistPlan]:
    # Where each video is after the sync: the categories whose playlists hold it.
    after: dict[str, list[str]] = defaultdict(list)
    for choice in plan.choices:
        for video in choice.target.videos:
            after[video].append(choice.target.title)
    return [_playlist_plan(choice, names, after) for choice in plan.choices]


def _playlist_plan(
    choice: Choice, names: LibraryNames, after: dict[str, list[str]]
) -> PlaylistPlan:
    target, adopted, edit = choice.target, choice.adopted, choice.edit

    def video(video_id: str, **where: list[str]) -> PlannedVideo:
        return PlannedVideo(
            youtube_video_id=video_id, title=names.titles.get(video_id, video_id), **where
        )

    if adopted is None:
        action = "create"
    elif adopted.id == target.previous_playlist:
        action = "own"
    else:
        action = "adopt"
    left_alone = (
        0
        if adopted is None
        else sum(1 for item in adopted.items if item.video_id in target.tolerated)
    )
    return PlaylistPlan(
        category_name=target.title,
        category_id=target.key,
        action=action,
        playlist_name=adopted.title if adopted else None,
        youtube_id=adopted.id if adopted else None,
        renamed=adopted is not None and adopted.title != target.title,
        update=choice.update,
        video_count=len(edit.kept) + len(edit.insert) + left_alone,
        gains=[video(v, held_by=names.held_by.get(v, [])) for v in edit.insert],
        loses=[video(item.video_id, goes_to=after.get(item.video_id, [])) for item in edit.remove],
        moves=[video(item.video_id) for item in edit.move],
    )
