"""The fewest writes that make one playlist hold a list of videos, once each and in order.

Items that stay where they are keep their order whatever else happens (inserts, moves and
removals around them never reorder them), so they can only be a run already in the wanted
order: the longest such run stays, every other wanted video present is moved once (one
`playlistItems.update`), its other copies and every unwanted item are removed, and the videos
missing are inserted. No smaller set of writes reaches the same playlist.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Item:
    """A playlist item as the plan sees it: its id (unknown before it is read) and video."""

    id: str | None
    video_id: str


@dataclass
class PlaylistEdit:
    remove: list[Item] = field(default_factory=list)  # unwanted, or a second copy
    move: list[Item] = field(default_factory=list)  # out of order, in the wanted order
    insert: list[str] = field(default_factory=list)  # video ids missing, in the wanted order
    # Video -> the item that holds it afterwards (in place or moved).
    kept: dict[str, Item] = field(default_factory=dict)
    # Some write must name a position (a move, or an insert before the end): a playlist that
    # YouTube does not let the app sort by hand refuses those.
    needs_positions: bool = False

    @property
    def writes(self) -> int:
        return len(self.remove) + len(self.move) + len(self.insert)


def edit_for(
    items: Sequence[Item],
    wanted: Sequence[str],
    *,
    may_be_absent: Collection[str] = (),
    leave_alone: Callable[[Item], bool] = lambda item: False,
) -> PlaylistEdit:
    """What makes `items` hold `wanted` (distinct video ids) in order.

    `may_be_absent`: wanted videos not to insert (reported already, e.g. they failed).
    `leave_alone`: unwanted items that are not ours to remove (added since the backup)."""
    rank = {video: index for index, video in enumerate(wanted)}
    ours = [item for item in items if item.video_id in rank]
    in_place = longest_in_order(ours, rank)
    edit = PlaylistEdit(kept={item.video_id: item for item in in_place})
    staying = {id(item) for item in in_place}
    for item in ours:
        if id(item) in staying:
            continue
        if item.video_id in edit.kept:
            edit.remove.append(item)  # a second copy
        else:
            edit.kept[item.video_id] = item
            edit.move.append(item)
    edit.remove += [i for i in items if i.video_id not in rank and not leave_alone(i)]
    edit.move.sort(key=lambda item: rank[item.video_id])
    edit.insert = [v for v in wanted if v not in edit.kept and v not in may_be_absent]
    last_in_place = rank[in_place[-1].video_id] if in_place else -1
    edit.needs_positions = bool(edit.move) or any(rank[v] < last_in_place for v in edit.insert)
    return edit


def longest_in_order(items: Sequence[Item], rank: dict[str, int]) -> list[Item]:
    """The longest subsequence whose ranks strictly increase (patience sorting, n log n);
    strictly, so that it holds each video once."""
    tails: list[int] = []  # rank at the end of the best run of each length
    ends: list[int] = []  # index (in items) of that run's last item
    previous: list[int | None] = []
    for index, item in enumerate(items):
        length = bisect.bisect_left(tails, rank[item.video_id])
        if length == len(tails):
            tails.append(rank[item.video_id])
            ends.append(index)
        else:
            tails[length] = rank[item.video_id]
            ends[length] = index
        previous.append(ends[length - 1] if length else None)
    run: list[Item] = []
    at = ends[-1] if ends else None
    while at is not None:
        run.append(items[at])
        at = previous[at]
    return run[::-1]


def position_after_predecessor(order: Sequence[Item], video_id: str, rank: dict[str, int]) -> int:
    """Where `video_id` goes in `order` (which must not hold it): right after the item of the
    nearest wanted video before it in `rank` that the playlist holds, or first.

    Placing the wanted videos in the wanted order this way, each right after its predecessor,
    leaves them all in order whatever sat between them (see tests/reconcile)."""
    mine = rank[video_id]
    best, at = -1, 0
    for index, item in enumerate(order):
        theirs = rank.get(item.video_id)
        if theirs is not None and best < theirs < mine:
            best, at = theirs, index + 1
    return at
