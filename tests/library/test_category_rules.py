"""The rules of a category (channels, title_matches, exclude, privacy) and explicit videos
outside the library, applied against real Postgres."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from playlist_sync.categories.apply import apply_categories
from playlist_sync.categories.export_file import export_categories
from playlist_sync.categories.file import CategorySpec
from playlist_sync.categories.problems import CategoriesInvalid
from playlist_sync.preview import build_preview
from playlist_sync.quota_windows import QuotaReset
from playlist_sync.youtube.resources import RemoteVideo
from tests.library.conftest import LibraryRows

TASTY = ("Tasty Lab", "UCtastylab")
FRET = ("Fret Academy", "UCfretacademy0000000000000")


async def _stored(pool: asyncpg.Pool) -> dict[str, tuple[str, list[str]]]:
    """name -> (privacy, video ids in order)."""
    rows = await pool.fetch(
        """SELECT c.name, c.privacy_status,
                  array_agg(v.youtube_video_id ORDER BY cv.position) AS videos
           FROM categories c JOIN category_videos cv ON cv.category_id = c.id
           JOIN videos v ON v.id = cv.video_id
           GROUP BY c.id ORDER BY c.position"""
    )
    return {row["name"]: (row["privacy_status"], list(row["videos"])) for row in rows}


async def _seed(library: LibraryRows) -> None:
    """Library order is YouTube's listing (First, then Second), not the order of import."""
    await library.playlist(
        "PLsecond",
        "Second",
        ["b1", "b2", "t1"],
        listed_at=1,
        titles={"t1": "Pasta al forno"},
        channels={"b2": TASTY},
    )
    await library.playlist(
        "PLfirst",
        "First",
        ["a1", "t2", "a2", "b1"],
        listed_at=0,
        titles={"t2": "Quick PASTA"},
        channels={"a2": TASTY},
    )
    await library.playlist("PLloose", "Loose", ["x1"], listed_at=2)


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "categories.yaml"
    path.write_text(text)
    return path


async def test_each_rule_in_the_contracts_order(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    await _seed(library)
    path = _file(
        tmp_path,
        """categories:
  - name: Cooking
    videos: [x1]
    from_playlists: [Second]
    channels: [UCtastylab]
    title_matches: "(?i)pasta"
    exclude: [b1]
  - name: Tasty
    privacy: public
    channels: [Tasty Lab]
""",
    )
    changes = await apply_categories(db_pool, path)
    assert await _stored(db_pool) == {
        # Explicit first, then Second's items in order, then the channel's and the matching
        # titles' videos in library order (First before Second), once each, b1 excluded.
        "Cooking": ("private", ["x1", "b2", "t1", "t2", "a2"]),
        "Tasty": ("public", ["a2", "b2"]),
    }
    assert changes.lines() == ["+ Cooking (5 videos)", "+ Tasty (2 videos, public)"]
    assert changes.warnings == []

    path.write_text(path.read_text().replace("privacy: public", "privacy: unlisted"))
    assert (await apply_categories(db_pool, path)).lines() == ["~ Tasty: now unlisted"]


async def test_every_rule_problem_with_its_line_and_warnings_beside(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    await _seed(library)
    path = _file(
        tmp_path,
        """categories:
  - name: Bad regex
    title_matches: "(unclosed"
  - name: Unknown channels
    channels: [tasty lab, Nobody]
  - name: Warned
    from_playlists: [First]
    exclude: [b2, nowhere]
  - name: Emptied
    videos: [a1]
    exclude: [a1]
  - name: Secret
    privacy: secret
    videos: [a1]
  - name: Everything
    title_matches: ""
""",
    )
    with pytest.raises(CategoriesInvalid) as raised:
        await apply_categories(db_pool, path)
    assert raised.value.problems == [
        f"{path}:3: categories[0].title_matches: not a valid regular expression:"
        " missing ), unterminated subpattern at position 0",
        f"{path}:5: categories[1].channels[0]: no video of channel 'tasty lab' in the library"
        " (no imported playlist holds one); did you mean 'Tasty Lab'?",
        f"{path}:5: categories[1].channels[1]: no video of channel 'Nobody' in the library"
        " (no imported playlist holds one)",
        f"{path}:8: categories[2].exclude[0]: warning: 'b2' is not in this category anyway"
        " (none of its rules selects it)",
        f"{path}:8: categories[2].exclude[1]: warning: 'nowhere' is not in this category"
        " anyway (none of its rules selects it)",
        f"{path}:9: categories[3]: no videos left: exclude removes every video the rules select",
        f"{path}:13: categories[4].privacy: expected one of private, unlisted, public"
        " (got 'secret')",
        f"{path}:16: categories[5].title_matches: an empty pattern matches every title:"
        " leave the key out",
    ]
    assert str(raised.value) == "the categories file has 6 problems; nothing was written"
    assert await _stored(db_pool) == {}

    # Warnings alone do not stop the file: they are shown, and it is applied.
    path.write_text("categories:\n  - name: Warned\n    from_playlists: [First]\n"
                    "    exclude: [b2]\n")  # fmt: skip
    changes = await apply_categories(db_pool, path)
    assert changes.warnings == [
        f"{path}:4: categories[0].exclude[0]: warning: 'b2' is not in this category anyway"
        " (none of its rules selects it)"
    ]
    assert await _stored(db_pool) == {"Warned": ("private", ["a1", "t2", "a2", "b1"])}


@dataclass
class FakeYouTube:
    """videos.list over a catalog; records every call."""

    catalog: dict[str, RemoteVideo]
    calls: list[list[str]] = field(default_factory=list)

    async def videos(self, video_ids: list[str]) -> list[RemoteVideo]:
        self.calls.append(list(video_ids))
        return [self.catalog[v] for v in video_ids if v in self.catalog]


async def test_explicit_videos_outside_the_library_are_looked_up_and_kept_only_if_valid(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    await _seed(library)
    youtube = FakeYouTube(
        {"found000001": RemoteVideo("found000001", "Found it", "Elsewhere", "public", "UCelse")}
    )
    path = _file(
        tmp_path,
        "categories:\n  - name: Picks\n    videos: [found000001, a1, typo0000001, 'no such']\n",
    )
    with pytest.raises(CategoriesInvalid) as raised:
        await apply_categories(db_pool, path, youtube=youtube)
    assert raised.value.problems == [
        f"{path}:3: categories[0].videos[2]: unknown video id 'typo0000001' (YouTube shows no"
        " such video to this account: a typo, a deleted video, or someone else's private one)",
        f"{path}:3: categories[0].videos[3]: unknown video id 'no such'"
        " (a video id has only letters, digits, - and _)",
    ]
    # Only well-formed ids the database has never seen are asked about, in one call.
    assert youtube.calls == [["found000001", "typo0000001"]]
    assert raised.value.lookup_note == (
        "Looked up 2 videos outside the library on YouTube (1 found): 1 quota unit."
    )
    # The invalid file stored nothing, not even the video YouTube found.
    assert await db_pool.fetchval("SELECT count(*) FROM videos WHERE title = 'Found it'") == 0

    path.write_text("categories:\n  - name: Picks\n    videos: [found000001, a1]\n")
    changes = await apply_categories(db_pool, path, youtube=youtube)
    assert changes.lookup_note == (
        "Looked up 1 video outside the library on YouTube (1 found): 1 quota unit."
    )
    assert await _stored(db_pool) == {"Picks": ("private", ["found000001", "a1"])}
    stored = await db_pool.fetchrow(
        """SELECT title, channel_title, channel_id, unavailable_reason FROM videos
           WHERE youtube_video_id = 'found000001'"""
    )
    assert tuple(stored) == ("Found it", "Elsewhere", "UCelse", None)

    # Known now: applied again, YouTube is not asked (and none is needed).
    calls = len(youtube.calls)
    assert (await apply_categories(db_pool, path, youtube=youtube)).empty
    assert (await apply_categories(db_pool, path)).empty
    assert len(youtube.calls) == calls


async def test_the_preview_names_the_videos_several_categories_share(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    await _seed(library)
    path = _file(
        tmp_path,
        """categories:
  - {name: Cooking, from_playlists: [First]}
  - {name: Tasty, channels: [Tasty Lab]}
  - {name: Pasta, title_matches: "(?i)pasta"}
""",
    )
    await apply_categories(db_pool, path)
    preview = await build_preview(
        db_pool, daily_quota=10_000, reset=QuotaReset.parse("every:60s"), now=datetime.now(UTC)
    )
    assert preview.to_json()["sharedVideos"] == [
        {"youtubeVideoId": "a2", "title": "title a2", "categoryNames": ["Cooking", "Tasty"]},
        {"youtubeVideoId": "t2", "title": "Quick PASTA", "categoryNames": ["Cooking", "Pasta"]},
    ]


EXAMPLE = Path(__file__).parents[2] / "examples" / "categories.yaml"


async def test_the_example_uses_every_key_and_applies_to_a_library_that_has_its_names(
    db_pool: asyncpg.Pool, library: LibraryRows
) -> None:
    text = EXAMPLE.read_text()
    for key in CategorySpec.model_fields:
        assert f"    {key}:" in text or f"  - {key}:" in text, f"the example lacks {key}"
    assert "keep_playlists:" in text
    tasty = {"tl1": TASTY, "kJQP7kiw5Fk": TASTY}
    await library.playlist(
        "PLrecipes", "Recipes", ["rc1", "kJQP7kiw5Fk"], channels=tasty, listed_at=0
    )
    await library.playlist(
        "PLsongs", "Songs I like", ["s1", "f1"], listed_at=1, channels={"f1": FRET}
    )
    await library.playlist("PLsaved0000000000000000000000000", "Saved", ["s2"])
    await library.playlist(
        "PLlater", "Watch again", ["tl1", "p1"], channels=tasty, titles={"p1": "Pasta night"}
    )
    pycon, django = ("PyCon US", "UCpycon"), ("DjangoCon", "UCdjangocon")
    await library.playlist(
        "PLpython",
        "Python talks",
        ["pt1", "pt2", "pt3", "pt4"],
        titles={"pt1": "Async IO", "pt2": "Decorators", "pt3": "Async #shorts",
                "pt4": "Async Django"},
        channels={"pt1": pycon, "pt2": pycon, "pt3": pycon, "pt4": django},
    )  # fmt: skip
    youtube = FakeYouTube(
        {v: RemoteVideo(v, "A video", "Someone", "public") for v in ("dQw4w9WgXcQ", "9bZkp7q19f0")}
    )
    changes = await apply_categories(db_pool, EXAMPLE, youtube=youtube)
    assert changes.warnings == []
    assert await _stored(db_pool) == {
        "Cooking": ("unlisted", ["dQw4w9WgXcQ", "9bZkp7q19f0", "rc1", "tl1", "p1"]),
        "Music": ("private", ["s1", "f1", "s2"]),
        "Async talks": ("private", ["pt1"]),
    }


async def test_filters_split_a_playlist_by_title_and_channel_and_export_keeps_them(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    """The filters are an AND after the union of the rules: `from_playlists` with
    `only_title_matches` gives the matching videos of that playlist, not the whole of it."""
    await _seed(library)
    path = _file(
        tmp_path,
        """categories:
  - name: Pasta of First
    from_playlists: [First]
    only_title_matches: "(?i)pasta"
  - name: Tasty
    from_playlists: [First, Second]
    only_channels: [Tasty Lab]
  - name: No pasta
    from_playlists: [Second]
    exclude_title_matches: "(?i)pasta"
  - name: Picked
    videos: [x1, t1]
    title_matches: "(?i)quick"
    only_title_matches: "(?i)forno|quick"
    only_channels: [chan]
""",
    )
    changes = await apply_categories(db_pool, path)
    assert changes.warnings == []
    assert await _stored(db_pool) == {
        "Pasta of First": ("private", ["t2"]),
        "Tasty": ("private", ["a2", "b2"]),
        "No pasta": ("private", ["b1", "b2"]),
        # Explicit videos are filtered too; the union's order stays.
        "Picked": ("private", ["t1", "t2"]),
    }

    exported = await export_categories(db_pool)
    for line in (
        "    only_title_matches: (?i)pasta",
        "    only_channels:\n      - Tasty Lab",
        "    exclude_title_matches: (?i)pasta",
    ):
        assert line in exported, exported
    path.write_text(exported)
    assert (await apply_categories(db_pool, path)).empty


async def test_every_filter_problem_at_once(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    await _seed(library)
    path = _file(
        tmp_path,
        """categories:
  - name: Typo
    from_playlists: [First]
    only_channels: [tasty lab]
  - name: Bad
    from_playlists: [First]
    only_title_matches: "(unclosed"
  - name: Nothing left
    from_playlists: [Second]
    only_title_matches: "nowhere"
  - name: Drops none
    from_playlists: [Loose]
    exclude_title_matches: "(?i)pasta"
""",
    )
    with pytest.raises(CategoriesInvalid) as raised:
        await apply_categories(db_pool, path)
    assert raised.value.problems == [
        f"{path}:4: categories[0].only_channels[0]: none of the videos this category selects"
        " is of channel 'tasty lab'; did you mean 'Tasty Lab'?",
        f"{path}:7: categories[1].only_title_matches: not a valid regular expression:"
        " missing ), unterminated subpattern at position 0",
        f"{path}:8: categories[2]: no videos left: the filters and exclude remove every video"
        " the rules select",
        f"{path}:13: categories[3].exclude_title_matches: warning: drops none of the videos"
        " the other rules keep",
    ]


async def test_one_problem_does_not_hide_another_and_typos_get_a_suggestion(
    db_pool: asyncpg.Pool, library: LibraryRows, tmp_path: Path
) -> None:
    await _seed(library)
    path = _file(
        tmp_path,
        """categories:
  - name: Cooking
    privacy: secret
    channels: [Tasty Lb]
  - name: Firsts
    from_playlists: [frist, Second]
    typo_key: 1
    exclude: [nowhere]
""",
    )
    with pytest.raises(CategoriesInvalid) as raised:
        await apply_categories(db_pool, path)
    assert raised.value.problems == [
        f"{path}:3: categories[0].privacy: expected one of private, unlisted, public"
        " (got 'secret')",
        # Beside the bad privacy, the channel typo in the same category is found too.
        f"{path}:4: categories[0].channels[0]: no video of channel 'Tasty Lb' in the library"
        " (no imported playlist holds one); did you mean 'Tasty Lab'?",
        f"{path}:6: categories[1].from_playlists[0]: unknown playlist 'frist' (no imported"
        " playlist has this title or id); did you mean 'First'?",
        f"{path}:7: categories[1].typo_key: unknown key; a category has name, description,"
        " privacy, videos, from_playlists, channels, title_matches, exclude,"
        " only_title_matches, only_channels and exclude_title_matches",
        f"{path}:8: categories[1].exclude[0]: warning: 'nowhere' is not in this category"
        " anyway (none of its rules selects it)",
    ]
    assert await _stored(db_pool) == {}

    # Privacy as YouTube's pages spell it: any case.
    path.write_text("categories:\n  - name: Cooking\n    privacy: Unlisted\n    videos: [a1]\n")
    assert (await apply_categories(db_pool, path)).lines() == ["+ Cooking (1 video, unlisted)"]
    assert await _stored(db_pool) == {"Cooking": ("unlisted", ["a1"])}
