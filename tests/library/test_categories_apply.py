"""`categories apply`: complete validation first, then one transaction that matches the file."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from playlist_sync.categories.apply import apply_categories
from playlist_sync.categories.changes import CategoryChange, ChangeKind
from playlist_sync.categories.problems import CategoriesInvalid
from tests.library.conftest import LibraryRows


def _file(tmp_path: Path, text: str, name: str = "categories.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


async def _categories(pool: asyncpg.Pool) -> dict[str, list[str]]:
    rows = await pool.fetch(
        """SELECT c.name, coalesce(array_agg(v.youtube_video_id ORDER BY cv.position)
                                   FILTER (WHERE v.id IS NOT NULL), '{}') AS videos
           FROM categories c
           LEFT JOIN category_videos cv ON cv.category_id = c.id
           LEFT JOIN videos v ON v.id = cv.video_id
           GROUP BY c.name, c.position ORDER BY c.position"""
    )
    return {row["name"]: list(row["videos"]) for row in rows}


async def _kept(pool: asyncpg.Pool) -> list[str]:
    return [r[0] for r in await pool.fetch("SELECT title FROM playlists WHERE kept ORDER BY title")]


async def test_every_problem_at_once_with_locations_and_nothing_written(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    await library.playlist("PL1", "Recipes", ["a", "b"])
    await library.playlist("PL2", "Music", ["c"])
    await library.playlist("PL3", "Music", ["d"])
    await apply_categories(db_pool, _file(tmp_path, "categories: [{name: Kept, videos: [a]}]\n"))
    before = await _categories(db_pool)

    long_name = "x" * 151
    path = _file(
        tmp_path,
        f"""categories:
  - name: {long_name}
    videos: [a, xyz]
  - name: Cooking <3
    description: "{"d" * 5001}"
    videos: [b]
  - name: Dup
    from_playlists: [Music, Nope]
  - name: Dup
    videos: []
  - name: ""
    videos: [a]
  - name: Typed
    videos: 5
keep_playlists: [Recipes, Gone]
""",
        "bad.yaml",
    )
    with pytest.raises(CategoriesInvalid) as raised:
        await apply_categories(db_pool, path)

    assert raised.value.problems == [
        f"{path}:2: categories[0].name: YouTube refuses titles over 150 characters"
        " (this one has 151)",
        f"{path}:3: categories[0].videos[1]: unknown video id 'xyz' (not in any imported playlist)",
        f"{path}:4: categories[1].name: YouTube refuses titles containing '<' or '>'",
        f"{path}:5: categories[1].description: YouTube refuses descriptions over 5,000 characters"
        " and the sync adds up to 71 (its marker), so at most 4,929 (this one has 5,001)",
        f"{path}:8: categories[2].from_playlists[0]: 2 imported playlists are titled 'Music'"
        " (PL2, PL3): use the id",
        f"{path}:8: categories[2].from_playlists[1]: unknown playlist 'Nope'"
        " (no imported playlist has this title or id)",
        f"{path}:9: categories[3].name: duplicate category name 'Dup' (also categories[2])",
        f"{path}:9: categories[3]: no videos"
        " (give videos, from_playlists, channels or title_matches that select some)",
        f"{path}:11: categories[4].name: a category needs a name (it becomes the playlist title)",
        f"{path}:14: categories[5].videos: expected a list",
        f"{path}:15: keep_playlists[1]: unknown playlist 'Gone'"
        " (no imported playlist has this title or id)",
    ]
    assert str(raised.value) == "the categories file has 11 problems; nothing was written"
    assert await _categories(db_pool) == before
    assert await _kept(db_pool) == []


async def test_a_category_over_5000_videos_must_be_split(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    await library.playlist("PLbig", "Everything", [f"v{i}" for i in range(5000)])
    path = _file(
        tmp_path,
        "categories:\n  - name: All\n    videos: [extra]\n    from_playlists: [Everything]\n",
    )
    await library.playlist("PLx", "Extra", ["extra"])
    with pytest.raises(CategoriesInvalid) as raised:
        await apply_categories(db_pool, path)
    assert raised.value.problems == [
        f"{path}:2: categories[0]: 5,001 videos, but a YouTube playlist holds at most 5,000:"
        " split it into several categories"
    ]


async def test_a_missing_file_is_a_problem_too(db_pool: asyncpg.Pool, tmp_path: Path) -> None:
    with pytest.raises(CategoriesInvalid) as raised:
        await apply_categories(db_pool, tmp_path / "nope.yaml")
    assert raised.value.problems == [f"{tmp_path / 'nope.yaml'}: no such file"]


async def test_order_explicit_first_then_playlists_in_order_without_duplicates(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    await library.playlist("PL1", "Recipes", ["a", "b", "c"])
    await library.playlist("PL2", "More", ["b", "d", "e"])
    await library.playlist("PL3", "Loose", ["x"])
    path = _file(
        tmp_path,
        """categories:
  - name: Cooking
    videos: [c, x, c]
    from_playlists: [Recipes, PL2, Recipes]
  - name: Again
    videos: [a]
""",
    )
    changes = await apply_categories(db_pool, path)
    assert await _categories(db_pool) == {
        "Cooking": ["c", "x", "a", "b", "d", "e"],
        "Again": ["a"],  # a video may sit in several categories
    }
    assert changes.lines() == ["+ Cooking (6 videos)", "+ Again (1 video)"]


async def test_applying_the_same_file_twice_changes_nothing(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    await library.playlist("PL1", "Recipes", ["a", "b"])
    await library.playlist("PL2", "Watch again", ["c"])
    path = _file(
        tmp_path,
        "categories:\n  - name: Cooking\n    from_playlists: [Recipes]\n"
        "keep_playlists: [Watch again]\n",
    )
    first = await apply_categories(db_pool, path)
    rows = [tuple(r) for r in await db_pool.fetch("SELECT * FROM categories ORDER BY id")]
    second = await apply_categories(db_pool, path)

    assert first.names(ChangeKind.ADDED) == ["Cooking"]
    assert first.kept == ["Watch again"]
    assert second.empty
    assert second.lines() == ["Nothing changed."]
    assert [tuple(r) for r in await db_pool.fetch("SELECT * FROM categories ORDER BY id")] == rows


async def test_a_new_file_replaces_the_categories_and_keeps_their_playlists(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    await library.playlist("PL1", "Recipes", ["a", "b", "c"])
    await library.playlist("PL2", "Watch again", ["d"])
    await library.playlist("PL3", "Later", ["e"])
    await apply_categories(
        db_pool,
        _file(
            tmp_path,
            """categories:
  - {name: Old, videos: [e]}
  - {name: Cooking, description: food, videos: [a, b, c]}
keep_playlists: [Watch again]
""",
        ),
    )
    # As the sync would after creating the playlist:
    await db_pool.execute(
        "UPDATE categories SET youtube_playlist_id = 'PLnew' WHERE name = 'Cooking'"
    )
    cooking_id = await db_pool.fetchval("SELECT id FROM categories WHERE name = 'Cooking'")

    changes = await apply_categories(
        db_pool,
        _file(
            tmp_path,
            """categories:
  - {name: Cooking, description: good food, videos: [c, a, d]}
  - {name: Fresh, videos: [e]}
keep_playlists: [Later]
""",
        ),
    )

    assert await _categories(db_pool) == {"Cooking": ["c", "a", "d"], "Fresh": ["e"]}
    row = await db_pool.fetchrow(
        "SELECT id, youtube_playlist_id, description FROM categories WHERE name = 'Cooking'"
    )
    assert tuple(row) == (cooking_id, "PLnew", "good food")
    assert changes.categories == [
        CategoryChange(
            "Cooking",
            ChangeKind.UPDATED,
            videos_added=1,
            videos_removed=1,
            reordered=True,
            description_changed=True,
            moved=True,
        ),
        CategoryChange("Fresh", ChangeKind.ADDED, videos_added=1),
        CategoryChange("Old", ChangeKind.REMOVED, videos_removed=1),
    ]
    assert (changes.kept, changes.no_longer_kept) == (["Later"], ["Watch again"])
    assert await _kept(db_pool) == ["Later"]
    assert changes.lines() == [
        "~ Cooking: +1 video, -1 video, reordered, description changed, moved",
        # The same videos under another name: a rename, not an addition and a removal.
        "~ Old -> Fresh: renamed",
        "Keeping: Later",
        "No longer keeping: Watch again",
    ]


async def test_playlists_by_title_prefer_the_users_own_and_live_ones(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    await library.playlist("PLold", "Cooking", ["a", "b"])
    await library.playlist("PLtwin1", "Twin", ["d"])
    await library.playlist("PLtwin2", "Twin", ["e"], gone=True)
    path = _file(
        tmp_path,
        """categories:
  - {name: Cooking, from_playlists: [Cooking]}
  - {name: Twins, from_playlists: [Twin, PLtwin2]}
""",
    )
    await apply_categories(db_pool, path)
    assert await _categories(db_pool) == {"Cooking": ["a", "b"], "Twins": ["d", "e"]}

    # The sync creates "Cooking" for the category (imported later with the same title) ...
    await db_pool.execute(
        "UPDATE categories SET youtube_playlist_id = 'PLcat' WHERE name = 'Cooking'"
    )
    await library.playlist("PLcat", "Cooking", ["a", "b"])
    # ... so re-applying the file still reads the user's playlist, not the sync's output ...
    assert (await apply_categories(db_pool, path)).empty
    # ... also once the sync has deleted it.
    await db_pool.execute(
        "UPDATE playlists SET deleted_from_youtube_at = now() WHERE youtube_playlist_id = 'PLold'"
    )
    assert (await apply_categories(db_pool, path)).empty
    assert await _categories(db_pool) == {"Cooking": ["a", "b"], "Twins": ["d", "e"]}


async def test_a_description_leaves_room_for_the_syncs_marker(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    """4,990 characters fit YouTube's 5,000, but not with the marker the sync ends a new
    playlist's description with: refused at apply, not by YouTube in the middle of a sync."""
    await library.playlist("PL1", "Recipes", ["a"])
    path = _file(
        tmp_path,
        f'categories:\n  - name: Cooking\n    description: "{"d" * 4990}"\n    videos: [a]\n',
    )
    with pytest.raises(CategoriesInvalid) as raised:
        await apply_categories(db_pool, path)
    assert raised.value.problems == [
        f"{path}:3: categories[0].description: YouTube refuses descriptions over 5,000 characters"
        " and the sync adds up to 71 (its marker), so at most 4,929 (this one has 4,990)",
    ]
    path.write_text(
        f'categories:\n  - name: Cooking\n    description: "{"d" * 4929}"\n    videos: [a]\n'
    )
    await apply_categories(db_pool, path)


async def test_a_rename_and_a_category_turned_kept_playlist_read_as_such(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    """What `categories init` gives, then edited: Recipes renamed Cooking (one video more),
    the Watch later category turned into a kept playlist. Neither reads as a deletion."""
    await library.playlist("PL1", "Recipes", ["a", "b", "c"])
    await library.playlist("PL2", "Watch later", ["d", "e"])
    await library.playlist("PL3", "Misc", ["f"])
    path = _file(
        tmp_path,
        """categories:
  - {name: Recipes, from_playlists: [PL1]}
  - {name: Watch later, from_playlists: [PL2]}
  - {name: Misc, from_playlists: [PL3]}
""",
    )
    await apply_categories(db_pool, path)
    path.write_text(
        """categories:
  - {name: Cooking, from_playlists: [PL1], videos: [f]}
keep_playlists: [Watch later]
"""
    )
    assert (await apply_categories(db_pool, path)).lines() == [
        "~ Recipes -> Cooking: renamed, +1 video",
        "= Watch later: no longer a category; its playlist is kept as it is (keep_playlists)",
        "- Misc",
        "Keeping: Watch later",
    ]
