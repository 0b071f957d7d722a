"""Writing a categories file (for `init` and `export`): YAML a person reads and edits, with
comments saying what each entry holds, that reads back to exactly the values written."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import yaml

from playlist_sync.categories.file import TextLoader

# Ids per line of a `videos` or `exclude` list.
_IDS_PER_LINE = 6


@dataclass(frozen=True)
class Ref:
    """An id written with what it names as a comment: `- PL123  # Recipes`."""

    id: str
    label: str = ""


@dataclass
class CategoryEntry:
    name: str
    description: str = ""
    privacy: str = "private"
    comment: str = ""  # after the name: what the category holds
    videos: list[str] = field(default_factory=list)
    from_playlists: list[Ref] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    title_matches: str | None = None
    exclude: list[str] = field(default_factory=list)
    only_title_matches: str | None = None
    only_channels: list[str] = field(default_factory=list)
    exclude_title_matches: str | None = None


def render_file(
    header: list[str], categories: list[CategoryEntry], keep: list[Ref], keep_comment: str
) -> str:
    lines = [f"# {line}".rstrip() for line in header]
    lines.append("categories:")
    for category in categories:
        lines.append("")
        lines.extend(_category_lines(category))
    lines.append("")
    lines.append(f"# {keep_comment}")
    if keep:
        lines.append("keep_playlists:")
        lines.extend(_ref_line("  - ", ref) for ref in keep)
    else:
        lines.append("keep_playlists: []")
    return "\n".join(lines) + "\n"


def _category_lines(category: CategoryEntry) -> list[str]:
    name = f"  - name: {scalar(category.name)}"
    lines = [f"{name}  # {category.comment}" if category.comment else name]
    if category.description:
        lines.append(f"    description: {scalar(category.description)}")
    lines.append(f"    privacy: {scalar(category.privacy)}")
    if category.videos:
        lines.extend(_id_list("videos", category.videos))
    if category.from_playlists:
        lines.append("    from_playlists:")
        lines.extend(_ref_line("      - ", ref) for ref in category.from_playlists)
    if category.channels:
        lines.append("    channels:")
        lines.extend(f"      - {scalar(channel)}" for channel in category.channels)
    if category.title_matches is not None:
        lines.append(f"    title_matches: {scalar(category.title_matches)}")
    if category.only_title_matches is not None:
        lines.append(f"    only_title_matches: {scalar(category.only_title_matches)}")
    if category.only_channels:
        lines.append("    only_channels:")
        lines.extend(f"      - {scalar(channel)}" for channel in category.only_channels)
    if category.exclude_title_matches is not None:
        lines.append(f"    exclude_title_matches: {scalar(category.exclude_title_matches)}")
    if category.exclude:
        lines.extend(_id_list("exclude", category.exclude))
    return lines


def _ref_line(prefix: str, ref: Ref) -> str:
    line = f"{prefix}{scalar(ref.id)}"
    # A comment cannot hold a line break; the label is only a reminder anyway.
    label = " ".join(ref.label.split())
    return f"{line}  # {label}" if label else line


def _id_list(key: str, ids: list[str]) -> list[str]:
    """`key: [a, b, ...]`, a few ids a line, so that long lists stay readable."""
    values = [scalar(video, in_flow=True) for video in ids]
    rows = [values[i : i + _IDS_PER_LINE] for i in range(0, len(values), _IDS_PER_LINE)]
    indent = " " * (len(f"    {key}: ["))
    text = ",\n".join(indent + ", ".join(row) for row in rows).lstrip()
    return f"    {key}: [{text}]".split("\n")


def scalar(text: str, *, in_flow: bool = False) -> str:
    """`text` as YAML: plain when that reads back as the same text, else double-quoted."""
    plain = text
    document = f"k: [{plain}]" if in_flow else f"k: {plain}"
    if plain and "\n" not in plain and _reads_back(document, [text] if in_flow else text):
        return plain
    # A JSON string is a YAML double-quoted scalar, escapes included.
    return json.dumps(text, ensure_ascii=False)


def _reads_back(document: str, expected: object) -> bool:
    try:
        return bool(yaml.load(document, Loader=TextLoader) == {"k": expected})
    except yaml.YAMLError:
        return False
