"""Checking a parsed categories file against YouTube's limits and the imported library.

Everything is checked before anything is written, and every problem is reported at once,
so the user fixes the file in one go.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import asyncpg

from playlist_sync.categories.file import CategorySpec, ParsedCategories
from playlist_sync.categories.problems import CategoriesInvalid
from playlist_sync.playlist_marker import MARKER_ROOM

# YouTube's limits (see youtube-facts.md).
MAX_TITLE = 150
MAX_DESCRIPTION = 5000
MAX_PLAYLIST_ITEMS = 5000


@dataclass(frozen=True)
class ValidCategory:
    name: str
    description: str
    video_ids: list[int]  # rows of `videos`, in the category's order, each once


@dataclass(frozen=True)
class ValidCategories:
    categories: list[ValidCategory]
    kept_playlist_ids: list[int]


@dataclass(frozen=True)
class _Playlist:
    id: int
    youtube_playlist_id: str
    title: str
    gone: bool
    category_target: bool
    # The title it was imported with: a sync that adopts a playlist renames it, and a file
    # written before still names it so.
    first_title: str


class _PlaylistIndex:
    """Finds an imported playlist by YouTube id, or by title when that is not ambiguous."""

    def __init__(self, playlists: list[_Playlist]) -> None:
        self._by_id = {p.youtube_playlist_id: p for p in playlists}
        self._by_title: dict[str, list[_Playlist]] = defaultdict(list)
        self._by_first_title: dict[str, list[_Playlist]] = defaultdict(list)
        for playlist in playlists:
            self._by_title[playlist.title].append(playlist)
            if playlist.first_title != playlist.title:
                self._by_first_title[playlist.first_title].append(playlist)

    def resolve(self, ref: str) -> _Playlist | str:
        """The playlist, or why there is none."""
        if ref in self._by_id:
            return self._by_id[ref]
        titled = self._by_title.get(ref, [])
        renamed = self._by_first_title.get(ref, [])
        # Prefer, in turn: the user's own live playlists, ones YouTube no longer has (a
        # file still names the playlists the sync deleted), the sync's category playlists,
        # whose title is usually the very category being described, and last playlists a
        # sync adopted and renamed, by the title they had.
        for tier in (
            [p for p in titled if not p.category_target and not p.gone],
            [p for p in titled if not p.category_target],
            titled,
            renamed,
        ):
            if len(tier) == 1:
                return tier[0]
            if tier:
                ids = ", ".join(sorted(p.youtube_playlist_id for p in tier))
                return f"{len(tier)} imported playlists are titled {ref!r} ({ids}): use the id"
        return f"unknown playlist {ref!r} (no imported playlist has this title or id)"


async def validate_categories(
    conn: asyncpg.Connection, parsed: ParsedCategories
) -> ValidCategories:
    """The file resolved to database rows, or CategoriesInvalid listing every problem."""
    problems = list(parsed.problems)
    spec = parsed.file
    explicit = {video for category in spec.categories for video in category.videos}
    video_rows = await conn.fetch(
        "SELECT id, youtube_video_id FROM videos WHERE youtube_video_id = ANY($1::text[])",
        list(explicit),
    )
    video_ids = {row["youtube_video_id"]: row["id"] for row in video_rows}
    playlists = _PlaylistIndex(
        [
            _Playlist(**row)
            for row in await conn.fetch(
                """SELECT id, youtube_playlist_id, title, coalesce(first_title, title) AS first_title,
                          deleted_from_youtube_at IS NOT NULL AS gone,
                          youtube_playlist_id IN (SELECT youtube_playlist_id FROM categories
                                                  WHERE youtube_playlist_id IS NOT NULL)
                              AS category_target
                   FROM playlists"""
            )
        ]
    )
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

        # Explicit videos first, then each playlist's items in its order; a video once.
        ordered: dict[int, None] = {}
        unresolved = False
        for position, video in enumerate(category.videos):
            if video in video_ids:
                ordered.setdefault(video_ids[video])
            else:
                unresolved = True
                problems.append(
                    parsed.problem(
                        (*where, "videos", position),
                        f"unknown video id {video!r} (not in any imported playlist)",
                    )
                )
        for position, ref in enumerate(category.from_playlists):
            found = playlists.resolve(ref)
            if isinstance(found, str):
                unresolved = True
                problems.append(parsed.problem((*where, "from_playlists", position), found))
            else:
                ordered.update(dict.fromkeys(items[found.id]))
        if len(ordered) > MAX_PLAYLIST_ITEMS:
            problems.append(
                parsed.problem(
                    where,
                    f"{len(ordered):,} videos, but a YouTube playlist holds at most"
                    f" {MAX_PLAYLIST_ITEMS:,}: split it into several categories",
                )
            )
        elif not ordered and not unresolved:
            # With unknown references the user already has their real problem to fix.
            problems.append(
                parsed.problem(where, "no videos (give videos or from_playlists that have some)")
            )
        categories.append(ValidCategory(category.name, category.description, list(ordered)))

    kept: dict[int, None] = {}
    for index, ref in zip(parsed.keep_indexes, spec.keep_playlists, strict=True):
        found = playlists.resolve(ref)
        if isinstance(found, str):
            problems.append(parsed.problem(("keep_playlists", index), found))
        else:
            kept.setdefault(found.id)

    if problems:
        # Top to bottom, as the user reads the file; file-level problems (no line) first.
        problems.sort(key=lambda problem: problem.line or 0)
        raise CategoriesInvalid([problem.describe(parsed.source) for problem in problems])
    return ValidCategories(categories, list(kept))


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
