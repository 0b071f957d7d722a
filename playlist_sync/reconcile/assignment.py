"""Which old playlist each category adopts, if any: the assignment with the fewest writes.

A category either gets a new playlist (1 write, then every video inserted) or adopts one old
playlist: one `playlists.update` if its title, description or privacy differ, then its edit
(playlist_edit.py), and the adopted playlist is not deleted (1 write saved). Choosing which
category adopts which playlist is an assignment problem, solved exactly by scipy's
linear_sum_assignment (the Hungarian method) rather than a greedy guess.

Only pairs that can beat a new playlist are compared: a playlist sharing no video with a
category costs a removal per item, so it only wins when it holds at most one item. This keeps
a library of hundreds of playlists and tens of thousands of videos to seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from scipy.optimize import linear_sum_assignment

from playlist_sync.playlist_marker import without_marker
from playlist_sync.reconcile.playlist_edit import Item, PlaylistEdit, edit_for


class Strategy(StrEnum):
    REUSE = "reuse"  # the fewest writes
    RECREATE = "recreate"  # the seed's plan: a new playlist per category


@dataclass(frozen=True)
class Target:
    """What one playlist must become: a category (or, for a restore, a backed-up playlist)."""

    key: int
    title: str
    description: str
    privacy: str
    videos: tuple[str, ...]  # available, distinct, in order
    # The playlist an earlier sync gave it: preferred when it costs no more.
    previous_playlist: str | None = None
    # Its videos YouTube will not let anyone add (deleted, others' private): an item of one
    # that a playlist already holds is left where it is, not removed.
    tolerated: frozenset[str] = frozenset()

    def edit_of(self, items: Sequence[Item]) -> PlaylistEdit:
        return edit_for(
            items, self.videos, leave_alone=lambda item: item.video_id in self.tolerated
        )


@dataclass(frozen=True)
class Candidate:
    """A playlist on YouTube that may be adopted, else is deleted."""

    id: str
    title: str
    description: str
    privacy: str
    items: tuple[Item, ...]
    # YouTube answered manualSortRequired: it takes no positions (sorted by date or views).
    refuses_positions: bool = False


@dataclass(frozen=True)
class Choice:
    target: Target
    adopted: Candidate | None  # None: a new playlist
    update: bool  # playlists.update for title, description, privacy
    edit: PlaylistEdit

    @property
    def writes(self) -> int:
        return (1 if self.adopted is None else int(self.update)) + self.edit.writes


@dataclass
class Reconciliation:
    choices: list[Choice] = field(default_factory=list)
    deleted: list[Candidate] = field(default_factory=list)

    @property
    def writes(self) -> int:
        return sum(choice.writes for choice in self.choices) + len(self.deleted)


def needs_update(target: Target, playlist: Candidate) -> bool:
    return (playlist.title, without_marker(playlist.description), playlist.privacy) != (
        target.title,
        target.description.strip(),
        target.privacy,
    )


def adoption(target: Target, playlist: Candidate) -> Choice | None:
    """The choice of adopting `playlist` for `target`, or None when it cannot hold it."""
    edit = target.edit_of(playlist.items)
    if edit.needs_positions and playlist.refuses_positions:
        return None
    return Choice(target, playlist, needs_update(target, playlist), edit)


def new_playlist(target: Target) -> Choice:
    return Choice(target, None, False, edit_for((), target.videos))


# Writes are worth this much more than the tie-breaks below, which only pick among plans of
# the same number of writes: adopting rather than creating (YouTube allows ~10 new playlists
# a day), and a category's own playlist or one of its title rather than another.
_WRITE = 4
_NEW = 2
_NOT_ITS_OWN = 1
_NEVER = 1 << 40


def reconcile(
    targets: Sequence[Target], candidates: Sequence[Candidate], strategy: Strategy
) -> Reconciliation:
    if strategy is Strategy.RECREATE or not targets:
        return Reconciliation([new_playlist(t) for t in targets], list(candidates))
    options = _adoptions(targets, candidates)
    n, m = len(targets), len(candidates)
    cost = np.full((n, m + n), _NEVER, dtype=np.int64)
    for (row, column), choice in options.items():
        own = targets[row].previous_playlist == choice.adopted.id if choice.adopted else False
        titled = choice.adopted is not None and choice.adopted.title == targets[row].title
        # Adopting saves the playlist's deletion.
        cost[row, column] = _WRITE * (choice.writes - 1) + (0 if own or titled else _NOT_ITS_OWN)
    for row, target in enumerate(targets):
        cost[row, m + row] = _WRITE * new_playlist(target).writes + _NEW
    rows, columns = linear_sum_assignment(cost)
    choices: list[Choice] = []
    adopted: set[int] = set()
    for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
        if column < m:
            choices.append(options[row, column])
            adopted.add(column)
        else:
            choices.append(new_playlist(targets[row]))
    deleted = [c for index, c in enumerate(candidates) if index not in adopted]
    return Reconciliation(choices, deleted)


def _adoptions(
    targets: Sequence[Target], candidates: Sequence[Candidate]
) -> dict[tuple[int, int], Choice]:
    """The adoptions worth comparing: playlists sharing a video with the category, its own or
    one of its title, and playlists of at most one item."""
    holding: dict[str, set[int]] = defaultdict(set)
    by_id: dict[str, int] = {}
    small: list[int] = []
    for column, candidate in enumerate(candidates):
        by_id[candidate.id] = column
        for item in candidate.items:
            holding[item.video_id].add(column)
        if len(candidate.items) <= 1:
            small.append(column)
    options: dict[tuple[int, int], Choice] = {}
    for row, target in enumerate(targets):
        columns = set(small)
        for video in target.videos:
            columns |= holding.get(video, set())
        if target.previous_playlist in by_id:
            columns.add(by_id[target.previous_playlist])
        for column in columns:
            choice = adoption(target, candidates[column])
            if choice is not None:
                options[row, column] = choice
    return options
