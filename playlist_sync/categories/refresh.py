"""The stored categories' rules resolved again against the library as it is now: what a
scheduled run does after its import, so that a video added on YouTube to a source playlist (a
kept inbox such as "Watch later") or of a followed channel joins its category.

The rules are those the file was applied with (`categories.rules`); a category applied before
rules were stored keeps its videos. A source playlist that a sync adopted or deleted keeps
meaning what it held when its category first met it (held_sources.py): no category follows
another category's playlist.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

import asyncpg

from playlist_sync.categories.apply import store_category_videos
from playlist_sync.categories.file import CategorySpec
from playlist_sync.categories.held_sources import held_items
from playlist_sync.categories.library_index import LibraryVideos, PlaylistIndex, video_facts
from playlist_sync.categories.problems import Location, Problem
from playlist_sync.categories.rules import STORED_FILTERS, RuleSources, has_filters, select_videos


@dataclass(frozen=True)
class Refreshed:
    """Categories whose videos changed, and those whose rules no longer resolve (kept)."""

    changed: list[str]
    unresolved: list[str]


async def refresh_categories(
    conn: asyncpg.Connection, only: Collection[int] | None = None
) -> Refreshed:
    """Resolves the stored rules of every category (or of those `only` names) again and
    stores the videos they select now."""
    rows = await conn.fetch(
        """SELECT id, name, rules FROM categories
           WHERE rules IS NOT NULL AND ($1::bigint[] IS NULL OR id = ANY($1::bigint[]))
           ORDER BY position, id""",
        None if only is None else list(only),
    )
    specs = {row["id"]: (row["name"], spec_of(row["name"], row["rules"])) for row in rows}
    sources = await rule_sources(conn, [spec for _, spec in specs.values()])
    stored: dict[int, list[int]] = defaultdict(list)
    for row in await conn.fetch(
        "SELECT category_id, video_id FROM category_videos ORDER BY category_id, position"
    ):
        stored[row["category_id"]].append(row["video_id"])
    changed: list[str] = []
    unresolved: list[str] = []
    for category_id, (name, spec) in specs.items():
        selection = select_videos(spec, sources, report_unplaced)
        errors = [problem for problem in selection.problems if not problem.warning]
        if errors or not selection.video_ids:
            # The library no longer has what a rule names: the category keeps its videos.
            unresolved.append(
                f"{name}: {errors[0].message if errors else 'its rules select no video now'}"
            )
            continue
        videos = kept_in_place(stored[category_id], selection.video_ids)
        if videos != stored[category_id]:
            await store_category_videos(conn, category_id, videos)
            changed.append(name)
    return Refreshed(changed, unresolved)


def kept_in_place(stored: list[int], selected: list[int]) -> list[int]:
    """The videos `selected` now, those the category already holds in their stored order, each
    new one after the video before it in `selected` (first when none is).

    The library's order moves under the rules as syncs adopt, fill and delete playlists; were
    it followed, every run would move videos the user never touched. Only what joins or leaves
    is news."""
    wanted = set(selected)
    videos = [video for video in stored if video in wanted]
    placed = set(videos)
    for index, video in enumerate(selected):
        if video in placed:
            continue
        anchor = next((v for v in reversed(selected[:index]) if v in placed), None)
        at = videos.index(anchor) + 1 if anchor is not None else 0
        videos.insert(at, video)
        placed.add(video)
    return videos


def spec_of(name: str, rules: dict[str, object]) -> CategorySpec:
    """The category as its file gave it (`from_playlists` by YouTube id)."""
    return CategorySpec.model_validate(
        {
            "name": name,
            "videos": rules.get("videos") or [],
            "from_playlists": rules.get("fromPlaylists") or [],
            "channels": rules.get("channels") or [],
            "title_matches": rules.get("titleMatches"),
            "exclude": rules.get("exclude") or [],
            # The filters that narrow the union (stored only when the file gave them).
            **{key: rules[stored] for stored, key in STORED_FILTERS.items() if stored in rules},
        }
    )


def report_unplaced(location: Location, message: str, *, warning: bool = False) -> Problem:
    return Problem(location, message, warning=warning)


async def rule_sources(conn: asyncpg.Connection, specs: list[CategorySpec]) -> RuleSources:
    """What `specs` are resolved against: the library now, where a source a sync adopted or
    deleted stands for what it held (held_sources.py)."""
    named = {video for spec in specs for video in (*spec.videos, *spec.exclude)}
    video_rows = await conn.fetch(
        "SELECT id, youtube_video_id FROM videos WHERE youtube_video_id = ANY($1::text[])",
        list(named),
    )
    items: dict[int, list[int]] = defaultdict(list)
    for row in await conn.fetch(
        """SELECT pv.playlist_id, pv.video_id FROM playlist_videos pv
           JOIN playlists p ON p.id = pv.playlist_id
           WHERE p.youtube_playlist_id = ANY($1::text[])
           ORDER BY pv.playlist_id, pv.position""",
        list({ref for spec in specs for ref in spec.from_playlists}),
    ):
        items[row["playlist_id"]].append(row["video_id"])
    searched = any(spec.channels or spec.title_matches is not None for spec in specs)
    return RuleSources(
        video_ids={row["youtube_video_id"]: row["id"] for row in video_rows},
        playlists=await PlaylistIndex.load(conn),
        playlist_items={**items, **await held_items(conn)},
        library=await LibraryVideos.load(conn) if searched else None,
        facts=await video_facts(conn) if any(map(has_filters, specs)) else None,
    )
