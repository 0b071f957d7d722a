"""What applying a categories file changed, for the CLI to print."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ChangeKind(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    REMOVED = "removed"


@dataclass(frozen=True)
class CategoryChange:
    name: str
    kind: ChangeKind
    videos_added: int = 0
    videos_removed: int = 0
    reordered: bool = False  # the videos both lists hold are in another order
    description_changed: bool = False
    moved: bool = False  # its place among the categories changed
    # ADDED: its privacy unless private; UPDATED: its new privacy, when that changed.
    privacy: str | None = None
    rules_changed: bool = False  # other rules, selecting the same videos

    def describe(self) -> str:
        if self.kind is ChangeKind.ADDED:
            shown = "" if self.privacy in (None, "private") else f", {self.privacy}"
            return f"+ {self.name} ({_videos(self.videos_added)}{shown})"
        if self.kind is ChangeKind.REMOVED:
            return f"- {self.name}"
        details = [
            text
            for text, shown in (
                (f"+{_videos(self.videos_added)}", self.videos_added),
                (f"-{_videos(self.videos_removed)}", self.videos_removed),
                ("reordered", self.reordered),
                ("description changed", self.description_changed),
                ("moved", self.moved),
                (f"now {self.privacy}", self.privacy),
                ("rules changed", self.rules_changed),
            )
            if shown
        ]
        return f"~ {self.name}: {', '.join(details)}"


@dataclass(frozen=True)
class CategoryChanges:
    categories: list[CategoryChange] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # playlist titles now in keep_playlists
    no_longer_kept: list[str] = field(default_factory=list)
    # Shown, but not changes: the file's warnings, and what looking up its videos cost.
    warnings: list[str] = field(default_factory=list)
    lookup_note: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.categories or self.kept or self.no_longer_kept)

    def names(self, kind: ChangeKind) -> list[str]:
        return [change.name for change in self.categories if change.kind is kind]

    def lines(self) -> list[str]:
        if self.empty:
            return ["Nothing changed."]
        lines = [change.describe() for change in self.categories]
        if self.kept:
            lines.append(f"Keeping: {', '.join(self.kept)}")
        if self.no_longer_kept:
            lines.append(f"No longer keeping: {', '.join(self.no_longer_kept)}")
        return lines


def _videos(count: int) -> str:
    return f"{count} video{'s' if count != 1 else ''}"
