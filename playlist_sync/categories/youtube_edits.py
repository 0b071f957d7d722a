"""The user's edits on YouTube become the categories' own (rclone bisync's three-way idea).

What a category's playlist held when the last completed sync had verified it is the base
(`category_synced_videos`); what a fresh read of YouTube shows now is compared with it. A
video the user added there since joins the category (its explicit `videos`, after the explicit
video before it on YouTube), one the user removed leaves it (dropped from `videos`, and put in
`exclude` when another rule still selects it); `categories export` then shows both, and the
sync that follows leaves them as the user made them. Without this a sync, scheduled or not,
would take back every edit made from the phone.

Where the file and YouTube changed the same video (the file excludes a video the user has
since added on YouTube), YouTube's edit is the newer one and wins; the conflict is told.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import asyncpg

from playlist_sync.categories.refresh import report_unplaced, rule_sources, spec_of
from playlist_sync.categories.rules import select_videos


@dataclass
class FoldedEdits:
    changed: list[int] = field(default_factory=list)  # categories whose rules changed
    notes: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


async def note_synced(conn: asyncpg.Connection) -> None:
    """The base, once per completed sync, before anything reads YouTube into the library
    again: the library then holds what that sync verified of each category's playlist."""
    job_id = await conn.fetchval(
        """SELECT id FROM sync_jobs WHERE stage = 'completed' AND cancelled_at IS NULL
           ORDER BY id DESC LIMIT 1"""
    )
    if job_id is None or await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM category_synced_videos WHERE sync_job_id >= $1)", job_id
    ):
        return
    await conn.execute(
        """INSERT INTO category_synced_videos
               (category_id, sync_job_id, youtube_playlist_id, video_ids)
           SELECT c.id, $1, c.youtube_playlist_id,
                  coalesce(array_agg(pv.video_id ORDER BY pv.position)
                           FILTER (WHERE pv.video_id IS NOT NULL), '{}')
           FROM categories c
           JOIN playlists p ON p.youtube_playlist_id = c.youtube_playlist_id
           LEFT JOIN playlist_videos pv ON pv.playlist_id = p.id
           WHERE p.deleted_from_youtube_at IS NULL
           GROUP BY c.id, c.youtube_playlist_id
           ON CONFLICT (category_id) DO UPDATE SET
               sync_job_id = excluded.sync_job_id,
               youtube_playlist_id = excluded.youtube_playlist_id,
               video_ids = excluded.video_ids""",
        job_id,
    )


_EDITED = """
    SELECT c.id, c.name, c.rules, s.video_ids AS base, s.sync_job_id,
           coalesce(array_agg(pv.video_id ORDER BY pv.position)
                    FILTER (WHERE pv.video_id IS NOT NULL), '{}') AS now,
           coalesce((SELECT array_agg(cv.video_id ORDER BY cv.position) FROM category_videos cv
                     WHERE cv.category_id = c.id), '{}') AS selected
    FROM categories c
    JOIN category_synced_videos s
      ON s.category_id = c.id AND s.youtube_playlist_id = c.youtube_playlist_id
    JOIN playlists p
      ON p.youtube_playlist_id = c.youtube_playlist_id AND p.deleted_from_youtube_at IS NULL
    LEFT JOIN playlist_videos pv ON pv.playlist_id = p.id
    WHERE c.rules IS NOT NULL
    GROUP BY c.id, s.video_ids, s.sync_job_id
    ORDER BY c.position, c.id
"""


async def fold_youtube_edits(conn: asyncpg.Connection) -> FoldedEdits:
    """Compares each category's playlist as the library has it now (a fresh read) with the
    base, and makes the user's edits since part of the category's rules."""
    folded = FoldedEdits()
    rows = await conn.fetch(_EDITED)
    involved = {v for row in rows for v in (*row["base"], *row["now"])}
    videos = {
        r["id"]: (r["youtube_video_id"], r["unavailable_reason"] is None)
        for r in await conn.fetch(
            "SELECT id, youtube_video_id, unavailable_reason FROM videos WHERE id = ANY($1)",
            list(involved),
        )
    }
    for row in rows:
        base, now, selected = set(row["base"]), list(row["now"]), set(row["selected"])
        # Added on YouTube and not already the category's (a rule may select it since).
        added = [v for v in dict.fromkeys(now) if v not in base and v not in selected]
        # Removed on YouTube; an unavailable video is left out by the sync, not the user.
        removed = [
            v
            for v in row["base"]
            if v not in now and v in selected and videos.get(v, ("", False))[1]
        ]
        if not added and not removed:
            continue
        rules: dict[str, Any] = dict(row["rules"])
        explicit: list[str] = list(rules.get("videos") or [])
        exclude: list[str] = list(rules.get("exclude") or [])
        name, since = row["name"], row["sync_job_id"]
        for video in added:
            youtube_id = videos[video][0]
            if youtube_id in exclude:
                exclude.remove(youtube_id)
                folded.conflicts.append(
                    f"category {name!r}: the file excludes {youtube_id}, but you added it to the"
                    f" playlist on YouTube since sync {since}: YouTube's newer edit wins, it stays"
                )
            explicit.insert(_place(now, now.index(video), explicit, videos), youtube_id)
        for video in removed:
            youtube_id = videos[video][0]
            if youtube_id in explicit:
                explicit.remove(youtube_id)
        rules["videos"] = explicit
        # What the other rules still select of the removed videos: those are excluded.
        spec = spec_of(name, {**rules, "exclude": exclude})
        sources = await rule_sources(conn, [spec])
        still = set(select_videos(spec, sources, report_unplaced).video_ids)
        exclude += [videos[v][0] for v in removed if v in still and videos[v][0] not in exclude]
        rules["exclude"] = exclude
        await conn.execute(
            "UPDATE categories SET rules = $2, updated_at = now() WHERE id = $1", row["id"], rules
        )
        folded.changed.append(row["id"])
        if added:
            folded.notes.append(
                f"category {name!r}: {_count(added)} you added on YouTube since sync {since}"
                f" joined it ({', '.join(videos[v][0] for v in added)})"
            )
        if removed:
            folded.notes.append(
                f"category {name!r}: {_count(removed)} you removed on YouTube since sync {since}"
                f" left it ({', '.join(videos[v][0] for v in removed)})"
            )
    return folded


def _place(now: list[int], index: int, explicit: list[str], videos: dict[int, Any]) -> int:
    """Where in the explicit `videos` a video at `index` of the playlist goes: after the
    nearest explicit video before it on YouTube; first when there is none."""
    for before in reversed(now[:index]):
        youtube_id = videos.get(before, ("",))[0]
        if youtube_id in explicit:
            return explicit.index(youtube_id) + 1
    return 0


def _count(videos: list[int]) -> str:
    return f"{len(videos)} video{'s' if len(videos) != 1 else ''}"
