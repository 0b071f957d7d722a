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
    # ADDED and REMOVED: its videos, so that a rename reads as one (not "+ new ... - old").
    video_ids: frozenset[int] = field(default=frozenset(), compare=False)

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
        renamed = self._renames()
        renamed_from = {old.name for old in renamed.values()}
        lines = []
        for change in self.categories:
            if change.kind is ChangeKind.ADDED and change.name in renamed:
                lines.append(_renaming(renamed[change.name], change))
            elif change.name in renamed_from and change.kind is ChangeKind.REMOVED:
                continue  # told with the category it became
            elif change.kind is ChangeKind.REMOVED and change.name in self.kept:
                lines.append(
                    f"= {change.name}: no longer a category; its playlist is kept as it is"
                    " (keep_playlists)"
                )
            else:
                lines.append(change.describe())
        if self.kept:
            lines.append(f"Keeping: {', '.join(self.kept)}")
        if self.no_longer_kept:
            lines.append(f"No longer keeping: {', '.join(self.no_longer_kept)}")
        return lines

    def _renames(self) -> dict[str, CategoryChange]:
        """New name -> the removed category it renames: the one holding most of the same
        videos, when that is at least half of each."""
        removed = [c for c in self.categories if c.kind is ChangeKind.REMOVED and c.video_ids]
        renames: dict[str, CategoryChange] = {}
        for added in (c for c in self.categories if c.kind is ChangeKind.ADDED and c.video_ids):
            best = max(removed, key=lambda old: len(old.video_ids & added.video_ids), default=None)
            if best is None:
                continue
            shared = len(best.video_ids & added.video_ids)
            if 2 * shared >= max(len(best.video_ids), len(added.video_ids)):
                renames[added.name] = best
                removed.remove(best)
        return renames


def _renaming(old: CategoryChange, new: CategoryChange) -> str:
    gained = len(new.video_ids - old.video_ids)
    lost = len(old.video_ids - new.video_ids)
    details = [
        text
        for text, shown in (
            (f"+{_videos(gained)}", gained),
            (f"-{_videos(lost)}", lost),
        )
        if shown
    ]
    return f"~ {old.name} -> {new.name}: renamed" + (f", {', '.join(details)}" if details else "")


def _videos(count: int) -> str:
    return f"{count} video{'s' if count != 1 else ''}"
