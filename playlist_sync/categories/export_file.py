"""`categories export`: the stored categories written back as a categories file.

Each category is written with the rules it was applied with (`from_playlists` by id, the
playlist's title beside it), so that the file can be edited and applied again; applied
unchanged against the same library, nothing changes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg

from playlist_sync.categories.rules import STORED_FILTERS
from playlist_sync.categories.writing import CategoryEntry, Ref, render_file

_HEADER = [
    "The categories stored in playlist-sync on {date} (`starter.py categories export`).",
    "Applied unchanged against the same library, nothing changes. Every key is explained",
    "in examples/categories.yaml.",
]
_KEEP = "Imported playlists the sync must not delete."

_CATEGORIES = """
    SELECT c.name, c.description, c.privacy_status, c.rules,
           coalesce(array_agg(v.youtube_video_id ORDER BY cv.position)
                    FILTER (WHERE v.id IS NOT NULL), '{}') AS videos
    FROM categories c
    LEFT JOIN category_videos cv ON cv.category_id = c.id
    LEFT JOIN videos v ON v.id = cv.video_id
    GROUP BY c.id
    ORDER BY c.position, c.id
"""


class NoCategories(Exception):
    """Nothing stored to export."""


async def export_categories(db: asyncpg.Pool | asyncpg.Connection) -> str:
    rows = await db.fetch(_CATEGORIES)
    if not rows:
        raise NoCategories(
            "no categories stored yet: `starter.py categories init` writes a starting file"
        )
    titles = {
        row["youtube_playlist_id"]: row["title"]
        for row in await db.fetch("SELECT youtube_playlist_id, title FROM playlists")
    }
    categories = [_entry(row, titles) for row in rows]
    kept = [
        Ref(row["youtube_playlist_id"], row["title"])
        for row in await db.fetch(
            "SELECT youtube_playlist_id, title FROM playlists WHERE kept ORDER BY title, id"
        )
    ]
    date = datetime.now(UTC).date().isoformat()
    header = [line.format(date=date) for line in _HEADER]
    return render_file(header, categories, kept, _KEEP)


def _entry(row: asyncpg.Record, titles: dict[str, str]) -> CategoryEntry:
    count = len(row["videos"])
    entry = CategoryEntry(
        name=row["name"],
        description=row["description"],
        privacy=row["privacy_status"],
        comment=f"{count:,} video{'s' if count != 1 else ''}",
    )
    rules: dict[str, Any] | None = row["rules"]
    if rules is None:
        # Applied before rules were stored: its videos are all there is to say.
        entry.videos = list(row["videos"])
        return entry
    entry.videos = list(rules["videos"])
    entry.from_playlists = [Ref(id, titles.get(id, "")) for id in rules["fromPlaylists"]]
    entry.channels = list(rules["channels"])
    entry.title_matches = rules["titleMatches"]
    entry.exclude = list(rules["exclude"])
    # Stored only when the file gave them (categories applied before had none).
    filters = {key: rules[stored] for stored, key in STORED_FILTERS.items() if stored in rules}
    entry.only_title_matches = filters.get("only_title_matches")
    entry.only_channels = list(filters.get("only_channels", []))
    entry.exclude_title_matches = filters.get("exclude_title_matches")
    return entry
