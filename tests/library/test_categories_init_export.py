"""`categories init` describes the library so that applying it changes nothing on YouTube;
`categories export` writes the stored categories back so that applying them changes nothing."""

from __future__ import annotations

from pathlib import Path

import asyncpg

from playlist_sync.categories.apply import apply_categories
from playlist_sync.categories.changes import CategoryChanges
from playlist_sync.categories.export_file import export_categories
from playlist_sync.categories.file import parse_categories
from playlist_sync.categories.init_file import describe_library
from tests.library.conftest import LibraryRows

_CATEGORIES = """
    SELECT c.name, c.description, c.privacy_status,
           array_agg(v.youtube_video_id ORDER BY cv.position) AS videos
    FROM categories c JOIN category_videos cv ON cv.category_id = c.id
    JOIN videos v ON v.id = cv.video_id
    GROUP BY c.id ORDER BY c.position
"""
_PLAYLISTS = """
    SELECT p.title, p.description, p.privacy_status,
           array_agg(v.youtube_video_id ORDER BY pv.position) AS videos
    FROM playlists p JOIN playlist_videos pv ON pv.playlist_id = p.id
    JOIN videos v ON v.id = pv.video_id
    WHERE p.deleted_from_youtube_at IS NULL
    GROUP BY p.id ORDER BY p.list_position
"""


async def _apply_text(
    pool: asyncpg.Pool, tmp_path: Path, text: str, name: str = "exported.yaml"
) -> CategoryChanges:
    path = tmp_path / name
    path.write_text(text)
    return await apply_categories(pool, path)


async def test_init_describes_every_playlist_and_applied_stores_them_as_they_are(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    # Listed by YouTube in another order than imported; awkward titles and descriptions.
    await library.playlist(
        "PLlater", "Watch later: 2024", ["w1", "w2"], listed_at=2, privacy="unlisted"
    )
    await library.playlist(
        "PLrecipes",
        "Recipes",
        ["r1", "r2", "r3"],
        listed_at=0,
        description="Dinners & more # the good ones\nsecond line\n",
        privacy="public",
    )
    await library.playlist("PLtwin1", "yes", ["t1"], listed_at=1)
    await library.playlist("PLtwin2", "yes", ["t2", "t2b"], listed_at=3)
    await library.playlist("PLempty", "Empty", [], listed_at=4)
    await library.playlist("PLgone", "Gone", ["g1"], listed_at=5, gone=True)

    text = await describe_library(db_pool)
    assert "  - name: Recipes  # 3 videos\n" in text
    assert "      - PLrecipes\n" in text
    assert "  - name: yes (2)  # 2 videos; another playlist is titled 'yes' too\n" in text
    assert "keep_playlists:\n  - PLempty  # Empty\n" in text
    assert "Gone" not in text
    assert parse_categories(text).problems == []

    changes = await _apply_text(db_pool, tmp_path, text, "init.yaml")
    categories = [tuple(row) for row in await db_pool.fetch(_CATEGORIES)]
    playlists = [tuple(row) for row in await db_pool.fetch(_PLAYLISTS)]
    # The same names (but for the second 'yes'), descriptions, privacy and videos in order.
    assert categories == [
        ("yes (2)", *playlist[1:]) if playlist == playlists[3] else playlist
        for playlist in playlists
    ]
    assert [name for name, *_ in categories] == ["Recipes", "yes", "Watch later: 2024", "yes (2)"]
    assert changes.kept == ["Empty"]

    # Exported and applied again: nothing changes.
    exported = await export_categories(db_pool)
    assert (await _apply_text(db_pool, tmp_path, exported)).empty


async def test_export_writes_the_rules_back_and_applying_it_changes_nothing(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    tasty = {"r2": ("Tasty Lab", "UCtasty")}
    await library.playlist("PLrecipes", "Recipes", ["r1", "r2", "r3"], channels=tasty)
    await library.playlist(
        "PLlater", "Watch later", ["w1", "r2"], titles={"w1": "Pasta: how"}, channels=tasty
    )
    await _apply_text(
        db_pool,
        tmp_path,
        """categories:
  - name: Cooking
    description: "  spaced  "
    privacy: unlisted
    videos: [w1]
    from_playlists: [Recipes]
    channels: [Tasty Lab]
    title_matches: "(?i)pasta: "
    exclude: [r3]
  - name: "Later # not a comment"
    from_playlists: [Watch later]
keep_playlists: [Watch later]
""",
        "mine.yaml",
    )
    before = [tuple(row) for row in await db_pool.fetch("SELECT * FROM categories ORDER BY id")]

    exported = await export_categories(db_pool)
    assert (
        """
  - name: Cooking  # 3 videos
    description: "  spaced  "
    privacy: unlisted
    videos: [w1]
    from_playlists:
      - PLrecipes  # Recipes
    channels:
      - Tasty Lab
    title_matches: "(?i)pasta: "
    exclude: [r3]
"""
        in exported
    )
    assert exported.endswith("keep_playlists:\n  - PLlater  # Watch later\n")
    assert (await _apply_text(db_pool, tmp_path, exported)).empty
    after = [tuple(row) for row in await db_pool.fetch("SELECT * FROM categories ORDER BY id")]
    assert after == before
