"""Reading the categories file: every structural problem, with its line and path."""

from __future__ import annotations

from pathlib import Path

from playlist_sync.categories.file import parse_categories, read_categories_file

EXAMPLE = Path(__file__).parents[2] / "examples" / "categories.yaml"


def _problems(text: str) -> list[str]:
    return [p.describe("c.yaml") for p in parse_categories(text, source="c.yaml").problems]


def test_the_contract_format_parses() -> None:
    parsed = parse_categories(
        """
categories:
  - name: Cooking                 # becomes the playlist title
    description: optional text
    videos: [dQw4w9WgXcQ, 12345678901]
    from_playlists: [Recipes]
  - name: 2024
    videos:
keep_playlists: [Watch again, yes]
"""
    )
    assert parsed.problems == []
    first, second = parsed.file.categories
    assert (first.name, first.description) == ("Cooking", "optional text")
    # Every plain scalar stays text: no int ids, no year, no boolean "yes".
    assert first.videos == ["dQw4w9WgXcQ", "12345678901"]
    assert (second.name, second.videos, second.from_playlists) == ("2024", [], [])
    assert parsed.file.keep_playlists == ["Watch again", "yes"]


def test_wrong_types_and_unknown_keys_are_all_reported_with_lines() -> None:
    text = """categories:
  - name: Fine
    videos: [a]
  - nmae: Typo
    videos: {a: 1}
  - just text
  - name: [not, text]
keep_playlists: [ok, [nested]]
colour: blue
"""
    assert _problems(text) == [
        "c.yaml:4: categories[1].name: missing (required)",
        "c.yaml:4: categories[1].nmae: unknown key; a category has name, description, privacy,"
        " videos, from_playlists, channels, title_matches, exclude, only_title_matches,"
        " only_channels and exclude_title_matches",
        "c.yaml:5: categories[1].videos: expected a list",
        "c.yaml:6: categories[2]: expected a mapping with name, description, privacy, videos,"
        " from_playlists, channels, title_matches, exclude, only_title_matches, only_channels"
        " and exclude_title_matches",
        "c.yaml:7: categories[3].name: expected text",
        "c.yaml:8: keep_playlists[1]: expected text",
        "c.yaml:9: colour: unknown key; expected categories and keep_playlists",
    ]
    # The entries that did parse are still there, to be checked against the library.
    parsed = parse_categories(text)
    assert [c.name for c in parsed.file.categories] == ["Fine"]
    assert (parsed.category_indexes, parsed.keep_indexes) == ([0], [0])


def test_duplicate_keys_are_not_silently_dropped() -> None:
    text = "categories:\n  - name: A\n    videos: [a]\n    videos: [b]\n"
    assert _problems(text) == [
        "c.yaml:4: categories[0].videos: key given twice (YAML would keep only the last)"
    ]


def test_broken_yaml_gives_its_line() -> None:
    assert _problems("categories:\n  - name: [A\n") == [
        "c.yaml:3: not valid YAML: expected ',' or ']', but got '<stream end>'"
    ]


def test_empty_or_shapeless_files() -> None:
    assert _problems("") == ["c.yaml: expected a mapping with 'categories' (and 'keep_playlists')"]
    assert _problems("keep_playlists: [A]\n") == [
        "c.yaml:1: missing 'categories': the file needs a list"
    ]
    assert _problems("categories: Cooking\n") == ["c.yaml:1: categories: expected a list"]


def test_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    parsed = read_categories_file(missing)
    assert [p.describe(parsed.source) for p in parsed.problems] == [f"{missing}: no such file"]


def test_the_example_file_parses() -> None:
    parsed = read_categories_file(EXAMPLE)
    assert parsed.problems == []
    assert parsed.file.categories
