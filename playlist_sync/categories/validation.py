"""Checking a parsed categories file against YouTube's limits and the imported library.

Everything is checked before anything is written, and every problem is reported at once,
so the user fixes the file in one go.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from playlist_sync.categories.file import CategorySpec, ParsedCategories
from playlist_sync.categories.held_sources import held_items
from playlist_sync.categories.library_index import LibraryVideos, PlaylistIndex, video_facts
from playlist_sync.categories.lookup import LookedUp
from playlist_sync.categories.problems import CategoriesInvalid, Location, Problem
from playlist_sync.categories.rules import Report, RuleSources, has_filters, select_videos
from playlist_sync.playlist_marker import MARKER_ROOM
from playlist_sync.youtube.costs import MAX_PLAYLIST_ITEMS

# YouTube's limits (see youtube-facts.md).
MAX_TITLE = 150
MAX_DESCRIPTION = 5000


@dataclass(frozen=True)
class ValidCategory:
    name: str
    description: str
    video_ids: list[int]  # rows of `videos`, in the category's order, each once
    privacy: str = "private"
    rules: dict[str, Any] | None = None  # as the file gave them (see rules.Selection)


@dataclass(frozen=True)
class ValidCategories:
    categories: list[ValidCategory]
    kept_playlist_ids: list[int]
    # Shown to the user; they do not stop the file being applied.
    warnings: list[str] = field(default_factory=list)


async def validate_categories(
    conn: asyncpg.Connection, parsed: ParsedCategories, looked_up: LookedUp | None = None
) -> ValidCategories:
    """The file resolved to database rows, or CategoriesInvalid listing every problem.

    `looked_up`: the explicit videos outside the library that YouTube was asked about (those
    it found are already in `videos`, in this transaction)."""
    problems = list(parsed.problems)
    spec = parsed.file
    sources = await _rule_sources(conn, parsed, looked_up or LookedUp())

    categories: list[ValidCategory] = []
    first_of_name: dict[str, int] = {}
    for index, category in zip(parsed.category_indexes, spec.categories, strict=True):
        where = ("categories", index)
        problems.extend(parsed.problem((*where, key), text) for key, text in _text_limits(category))
        if category.name and category.name in first_of_name:
            problems.append(
                parsed.problem(
                    (*where, "name"),
                    f"duplicate category name {category.name!r}"
                    f" (also categories[{first_of_name[category.name]}])",
                )
            )
        first_of_name.setdefault(category.name, index)

        selection = select_videos(category, sources, _reporter(parsed, where))
        problems.extend(selection.problems)
        if len(selection.video_ids) > MAX_PLAYLIST_ITEMS:
            problems.append(
                parsed.problem(
                    where,
                    f"{len(selection.video_ids):,} videos, but a YouTube playlist holds at most"
                    f" {MAX_PLAYLIST_ITEMS:,}: split it into several categories",
                )
            )
        categories.append(
            ValidCategory(
                category.name,
                category.description,
                selection.video_ids,
                category.privacy,
                selection.rules,
            )
        )

    kept: dict[int, None] = {}
    for index, ref in zip(parsed.keep_indexes, spec.keep_playlists, strict=True):
        found = sources.playlists.resolve(ref)
        if isinstance(found, str):
            problems.append(parsed.problem(("keep_playlists", index), found))
        else:
            kept.setdefault(found.id)

    # Top to bottom, as the user reads the file; file-level problems (no line) first.
    problems.sort(key=lambda problem: problem.line or 0)
    described = [problem.describe(parsed.source) for problem in problems]
    errors = sum(1 for problem in problems if not problem.warning)
    if errors:
        raise CategoriesInvalid(described, errors=errors)
    return ValidCategories(categories, list(kept), described)


def _reporter(parsed: ParsedCategories, where: Location) -> Report:
    def report(location: Location, message: str, *, warning: bool = False) -> Problem:
        return parsed.problem((*where, *location), message, warning=warning)

    return report


async def _rule_sources(
    conn: asyncpg.Connection, parsed: ParsedCategories, looked_up: LookedUp
) -> RuleSources:
    spec = parsed.file
    named = {video for c in spec.categories for video in (*c.videos, *c.exclude)}
    video_rows = await conn.fetch(
        "SELECT id, youtube_video_id FROM videos WHERE youtube_video_id = ANY($1::text[])",
        list(named),
    )
    playlists = await PlaylistIndex.load(conn)
    sources = {
        found.id
        for category in spec.categories
        for ref in category.from_playlists
        if not isinstance(found := playlists.resolve(ref), str)
    }
    items: dict[int, list[int]] = defaultdict(list)
    for row in await conn.fetch(
        """SELECT playlist_id, video_id FROM playlist_videos WHERE playlist_id = ANY($1::bigint[])
           ORDER BY playlist_id, position""",
        list(sources),
    ):
        items[row["playlist_id"]].append(row["video_id"])
    # A source a sync adopted or deleted stands for what it held (held_sources.py).
    items.update(await held_items(conn))
    # The whole library is read only for the rules that search it.
    searched = any(c.channels or c.title_matches is not None for c in spec.categories)
    return RuleSources(
        video_ids={row["youtube_video_id"]: row["id"] for row in video_rows},
        playlists=playlists,
        playlist_items=items,
        library=await LibraryVideos.load(conn) if searched else None,
        looked_up=looked_up,
        facts=await video_facts(conn) if any(map(has_filters, spec.categories)) else None,
    )


def _text_limits(category: CategorySpec) -> list[tuple[str, str]]:
    """(field, problem) for a name or description YouTube would refuse."""
    found: list[tuple[str, str]] = []
    if not category.name:
        found.append(("name", "a category needs a name (it becomes the playlist title)"))
    if len(category.name) > MAX_TITLE:
        found.append(
            (
                "name",
                f"YouTube refuses titles over {MAX_TITLE} characters"
                f" (this one has {len(category.name)})",
            )
        )
    if len(category.description) > MAX_DESCRIPTION - MARKER_ROOM:
        # The sync ends a new playlist's description with its marker: count it in.
        found.append(
            (
                "description",
                f"YouTube refuses descriptions over {MAX_DESCRIPTION:,} characters and the"
                f" sync adds up to {MARKER_ROOM} (its marker), so at most"
                f" {MAX_DESCRIPTION - MARKER_ROOM:,} (this one has {len(category.description):,})",
            )
        )
    for key, what, text in (
        ("name", "titles", category.name),
        ("description", "descriptions", category.description),
    ):
        if "<" in text or ">" in text:
            found.append((key, f"YouTube refuses {what} containing '<' or '>'"))
    return found
