"""`categories init`: a starting file that describes the library as it is.

One category per playlist YouTube lists, with its title, description and privacy, drawing its
videos from that very playlist (by id, which survives renaming the category): applied
unchanged, YouTube already matches it. A person then edits what they want to change.
"""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from playlist_sync.categories.validation import MAX_TITLE
from playlist_sync.categories.writing import CategoryEntry, Ref, render_file

_HEADER = [
    "Your library as imported on {date}: one category per playlist, each taking its",
    "videos from that playlist (by id, so the category may be renamed). Applied unchanged",
    "(`starter.py categories apply FILE`), a sync has nothing to do.",
    "",
    "Make it yours: rename, merge playlists (several from_playlists), add videos by id,",
    "by channel (channels) or by words in their titles (title_matches), leave some out",
    "(exclude), set privacy. To split a playlist, filter what the rules select: keep only",
    "titles that match (only_title_matches) or given channels (only_channels), or drop",
    "titles (exclude_title_matches); see the README's categories section. Every key is",
    "explained in examples/categories.yaml.",
    "A playlist that is no category's and not kept is deleted by a sync, after a backup.",
]
_KEEP_EMPTY = (
    "Empty playlists: a category needs videos, so they are kept as they are (never deleted)."
)
_KEEP_NONE = "Playlists the sync must never delete (none: every playlist is a category above)."

_PLAYLISTS = """
    SELECT p.youtube_playlist_id, p.title, p.description, p.privacy_status,
           count(pv.video_id)::int AS items,
           count(DISTINCT pv.video_id)::int AS videos,
           count(DISTINCT pv.video_id) FILTER (WHERE v.unavailable_reason IS NOT NULL)::int
               AS unavailable
    FROM playlists p
    LEFT JOIN playlist_videos pv ON pv.playlist_id = p.id
    LEFT JOIN videos v ON v.id = pv.video_id
    WHERE p.deleted_from_youtube_at IS NULL
    GROUP BY p.id
    ORDER BY p.list_position NULLS LAST, p.id
"""


class NothingImported(Exception):
    """No playlist to describe: the library has not been imported yet."""


async def describe_library(db: asyncpg.Pool | asyncpg.Connection) -> str:
    rows = await db.fetch(_PLAYLISTS)
    if not rows:
        raise NothingImported("no imported playlists to describe: run `starter.py import` first")
    categories: list[CategoryEntry] = []
    empty: list[Ref] = []
    names: set[str] = set()
    for row in rows:
        if row["items"] == 0:
            empty.append(Ref(row["youtube_playlist_id"], row["title"]))
            continue
        name = _unique_name(row["title"], names)
        names.add(name)
        categories.append(
            CategoryEntry(
                name=name,
                description=row["description"],
                privacy=row["privacy_status"],
                comment=_comment(row, renamed=name != row["title"]),
                from_playlists=[Ref(row["youtube_playlist_id"])],
            )
        )
    date = datetime.now(UTC).date().isoformat()
    header = [line.format(date=date) for line in _HEADER]
    return render_file(header, categories, empty, _KEEP_EMPTY if empty else _KEEP_NONE)


def _unique_name(title: str, taken: set[str]) -> str:
    """The title, or `title (2)`, ... when another playlist has it: categories need distinct
    names (and that one playlist is then renamed by a sync)."""
    if title not in taken:
        return title
    number = 2
    while True:
        suffix = f" ({number})"
        name = title[: MAX_TITLE - len(suffix)] + suffix
        if name not in taken:
            return name
        number += 1


def _comment(row: asyncpg.Record, *, renamed: bool) -> str:
    videos = row["videos"]
    parts = [f"{videos:,} video{'s' if videos != 1 else ''}"]
    if row["unavailable"]:
        parts.append(f"{row['unavailable']:,} of them deleted or private")
    if row["items"] > videos:
        extra = row["items"] - videos
        parts.append(f"{extra:,} repeated (a sync keeps one of each)")
    if renamed:
        parts.append(f"another playlist is titled {row['title']!r} too")
    return "; ".join(parts)
