"""Reading a categories file: YAML to pydantic models, keeping each value's line for messages.

The file is parsed category by category, so one broken entry does not hide the problems of
the others: validation reports them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from playlist_sync.categories.problems import Location, Problem

_NULL_TAG = "tag:yaml.org,2002:null"


class TextLoader(yaml.SafeLoader):
    """SafeLoader that reads every plain scalar as text (except an empty value or null).

    Titles and video ids are all text; YAML 1.1 would turn `name: 2024` into a number,
    `name: Yes` into True and an all-digit id into an int.
    """


TextLoader.yaml_implicit_resolvers = {
    first: kept
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    if (kept := [(tag, regexp) for tag, regexp in resolvers if tag == _NULL_TAG])
}


Privacy = Literal["private", "unlisted", "public"]
PRIVACY_VALUES: tuple[Privacy, ...] = ("private", "unlisted", "public")


class CategorySpec(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str
    # Not stripped, as the title is: a playlist's description may end with a line break,
    # and `init` must describe it exactly (a quoted value keeps it; YAML strips plain ones).
    description: Annotated[str, StringConstraints(strip_whitespace=False)] = ""
    privacy: Privacy = "private"
    videos: list[str] = Field(default_factory=list)
    from_playlists: list[str] = Field(default_factory=list)
    channels: list[str] = Field(default_factory=list)
    # Not stripped: leading or trailing spaces may be part of what the user searches for.
    title_matches: Annotated[str, StringConstraints(strip_whitespace=False)] | None = None
    exclude: list[str] = Field(default_factory=list)
    # Filters after the union of the rules above (an AND): keep only the selected videos whose
    # title matches / of these channels; drop those whose title matches.
    only_title_matches: Annotated[str, StringConstraints(strip_whitespace=False)] | None = None
    only_channels: list[str] = Field(default_factory=list)
    exclude_title_matches: Annotated[str, StringConstraints(strip_whitespace=False)] | None = None

    @field_validator("name", "description", mode="before")
    @classmethod
    def _empty_text(cls, value: object) -> object:
        # `name:` with nothing after it: let validation say what a name needs.
        return "" if value is None else value

    @field_validator("privacy", mode="before")
    @classmethod
    def _default_privacy(cls, value: object) -> object:
        if value is None:
            return "private"
        # YouTube's pages say "Unlisted" and "Public": the case is not what a user means.
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator(
        "videos", "from_playlists", "channels", "exclude", "only_channels", mode="before"
    )
    @classmethod
    def _empty_list(cls, value: object) -> object:
        return [] if value is None else value


class CategoriesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    categories: list[CategorySpec]
    keep_playlists: list[str] = Field(default_factory=list)


_NAME_AND_RULES = {
    "name", "videos", "from_playlists", "channels", "title_matches", "exclude",
    "only_title_matches", "only_channels", "exclude_title_matches",
}  # fmt: skip
_PLAYLIST_REF: TypeAdapter[str] = TypeAdapter(str)
_CATEGORY_KEYS = (
    "name, description, privacy, videos, from_playlists, channels, title_matches, exclude,"
    " only_title_matches, only_channels and exclude_title_matches"
)


@dataclass
class ParsedCategories:
    """The parts of the file that parsed, where each came from, and what did not parse."""

    source: str
    file: CategoriesFile = field(default_factory=lambda: CategoriesFile(categories=[]))
    # The index in the file of each entry of `file.categories` / `file.keep_playlists`.
    category_indexes: list[int] = field(default_factory=list)
    keep_indexes: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    root: yaml.Node | None = None

    def problem(self, location: Location, message: str, *, warning: bool = False) -> Problem:
        return Problem(location, message, _line_of(self.root, location), warning)


def read_categories_file(path: Path) -> ParsedCategories:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ParsedCategories(str(path), problems=[Problem((), "no such file")])
    except (OSError, UnicodeDecodeError) as error:
        return ParsedCategories(str(path), problems=[Problem((), f"cannot read it: {error}")])
    return parse_categories(text, source=str(path))


def parse_categories(text: str, *, source: str = "<categories>") -> ParsedCategories:
    parsed = ParsedCategories(source)
    loader = TextLoader(text)
    try:
        # The node tree is kept for the lines of problems found later, against the library.
        parsed.root = loader.get_single_node()
        data = loader.construct_document(parsed.root) if parsed.root is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        line = mark.line + 1 if mark is not None else None
        parsed.problems.append(Problem((), f"not valid YAML: {reason}", line))
        return parsed
    finally:
        loader.dispose()
    if parsed.root is not None:
        parsed.problems.extend(_duplicate_keys(parsed.root, ()))
    if not isinstance(data, dict):
        parsed.problems.append(
            parsed.problem((), "expected a mapping with 'categories' (and 'keep_playlists')")
        )
        return parsed
    for key in data:
        if key not in CategoriesFile.model_fields:
            parsed.problems.append(
                parsed.problem((key,), "unknown key; expected categories and keep_playlists")
            )
    categories, parsed.category_indexes = _parse_list(
        parsed, data, "categories", CategorySpec.model_validate, required=True
    )
    keep, parsed.keep_indexes = _parse_list(
        parsed, data, "keep_playlists", _PLAYLIST_REF.validate_python, required=False
    )
    parsed.file = CategoriesFile(categories=categories, keep_playlists=keep)
    # Top to bottom, as the user reads the file.
    parsed.problems.sort(key=lambda problem: problem.line or 0)
    return parsed


def _parse_list(
    parsed: ParsedCategories,
    data: dict[Any, Any],
    key: str,
    parse: Any,
    *,
    required: bool,
) -> tuple[list[Any], list[int]]:
    """The entries of `data[key]` that parse, with their indexes; problems for the others."""
    raw = data.get(key)
    if raw is None:
        if required:
            parsed.problems.append(parsed.problem((), f"missing '{key}': the file needs a list"))
        return [], []
    if not isinstance(raw, list):
        parsed.problems.append(parsed.problem((key,), "expected a list"))
        return [], []
    values: list[Any] = []
    indexes: list[int] = []
    for index, entry in enumerate(raw):
        try:
            values.append(parse(entry))
            indexes.append(index)
        except ValidationError as error:
            for detail in error.errors():
                location = (key, index, *detail["loc"])
                parsed.problems.append(parsed.problem(location, _message(detail)))
            # The rest of the entry is still checked (a bad privacy must not hide a channel
            # typo beside it): the file is refused anyway, for the problems above.
            rest = _without_bad_keys(entry, error)
            if rest is not None:
                try:
                    values.append(parse(rest))
                    indexes.append(index)
                except ValidationError:
                    pass
    return values, indexes


def _without_bad_keys(entry: Any, error: ValidationError) -> dict[Any, Any] | None:
    """A category mapping without the keys that failed, when those are neither its name nor
    a rule (without a rule, its videos would be wrong, and so would what is said of them)."""
    if not isinstance(entry, dict):
        return None
    bad = {detail["loc"][0] for detail in error.errors() if detail["loc"]}
    if not bad or bad & _NAME_AND_RULES:
        return None
    return {k: v for k, v in entry.items() if k not in bad}


def _message(detail: Any) -> str:
    kind = detail["type"]
    if kind == "string_type":
        return "expected text"
    if kind == "list_type":
        return "expected a list"
    if kind == "missing":
        return "missing (required)"
    if kind == "literal_error":
        return f"expected one of {', '.join(PRIVACY_VALUES)} (got {detail['input']!r})"
    if kind == "extra_forbidden":
        return f"unknown key; a category has {_CATEGORY_KEYS}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping with {_CATEGORY_KEYS}"
    return str(detail["msg"])


def _child(node: yaml.Node, part: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        return next((value for key, value in node.value if key.value == part), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        child: yaml.Node = node.value[part]
        return child
    return None


def _line_of(root: yaml.Node | None, location: Location) -> int | None:
    """The line of the deepest node on `location` that exists (a missing key: its parent)."""
    if root is None:
        return None
    node = root
    for part in location:
        child = _child(node, part)
        if child is None:
            break
        node = child
    return int(node.start_mark.line) + 1


def _duplicate_keys(node: yaml.Node, location: Location) -> list[Problem]:
    """YAML keeps the last of two equal keys silently; a user who wrote both meant both."""
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue  # a list or mapping as a key: construction already refused it
            if key.value in seen:
                problems.append(
                    Problem(
                        (*location, key.value),
                        "key given twice (YAML would keep only the last)",
                        key.start_mark.line + 1,
                    )
                )
            seen.add(key.value)
            problems.extend(_duplicate_keys(value, (*location, key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems.extend(_duplicate_keys(item, (*location, index)))
    return problems
