"""The edit of one playlist is the fewest writes there are, and carrying it out in the wanted
order, each video right after its predecessor, leaves exactly the wanted playlist."""

from __future__ import annotations

import itertools
import random
from collections import deque

from playlist_sync.reconcile.playlist_edit import Item, edit_for, position_after_predecessor

VIDEOS = "abcd"


def fewest_writes(start: tuple[str, ...], wanted: tuple[str, ...]) -> int:
    """Breadth-first over every playlist reachable by removes, moves and inserts."""
    seen = {start}
    queue = deque([(start, 0)])
    while queue:
        playlist, writes = queue.popleft()
        if playlist == wanted:
            return writes
        nexts = []
        for i in range(len(playlist)):
            rest = playlist[:i] + playlist[i + 1 :]
            nexts.append(rest)
            nexts += [(*rest[:j], playlist[i], *rest[j:]) for j in range(len(playlist))]
        if len(playlist) < len(wanted) + 1:
            for video in set(wanted) - set(playlist):
                nexts += [(*playlist[:j], video, *playlist[j:]) for j in range(len(playlist) + 1)]
        for state in nexts:
            if state not in seen:
                seen.add(state)
                queue.append((state, writes + 1))
    raise AssertionError("unreachable")


def carry_out(items: list[Item], wanted: list[str]) -> tuple[list[str], int]:
    """Apply an edit the way the sync does: removals, then each moved or inserted video in
    the wanted order, right after its predecessor. The playlist it leaves, and its writes."""
    edit = edit_for(items, wanted)
    order = [item for item in items if item not in edit.remove]
    rank = {video: index for index, video in enumerate(wanted)}
    moving = {item.video_id: item for item in edit.move}
    for video in wanted:
        if video in moving:
            order.remove(moving[video])
            order.insert(position_after_predecessor(order, video, rank), moving[video])
        elif video in edit.insert:
            order.insert(position_after_predecessor(order, video, rank), Item(None, video))
    return [item.video_id for item in order], edit.writes


def test_every_small_playlist_is_edited_with_the_fewest_writes() -> None:
    cases = 0
    for size in range(5):
        for start in itertools.product(VIDEOS, repeat=size):
            for wanted_size in range(4):
                for wanted in itertools.permutations("abc", wanted_size):
                    items = [Item(f"i{n}", v) for n, v in enumerate(start)]
                    result, writes = carry_out(items, list(wanted))
                    assert result == list(wanted), (start, wanted)
                    if size <= 4 and cases % 7 == 0:  # the search is slow: a sample of them
                        assert writes == fewest_writes(tuple(start), wanted), (start, wanted)
                    cases += 1
    assert cases > 1000


def test_long_playlists_end_in_order() -> None:
    chance = random.Random(12)
    for _ in range(200):
        pool = [f"v{n}" for n in range(40)]
        items = [Item(f"i{n}", chance.choice(pool)) for n in range(chance.randint(0, 60))]
        wanted = chance.sample(pool, chance.randint(0, 40))
        result, writes = carry_out(items, wanted)
        assert result == wanted
        present = {item.video_id for item in items}
        # never more than removing everything and inserting everything
        assert writes <= len(items) + len(wanted)
        assert writes >= len([v for v in wanted if v not in present])


def test_the_longest_run_in_order_stays_and_the_rest_moves() -> None:
    items = [Item(str(n), v) for n, v in enumerate("bcdea")]
    edit = edit_for(items, list("abcde"))
    assert [item.video_id for item in edit.move] == ["a"]
    assert edit.remove == [] and edit.insert == []
    assert edit.needs_positions


def test_second_copies_and_strangers_are_removed_inserts_at_the_end_need_no_position() -> None:
    items = [Item(str(n), v) for n, v in enumerate("axab")]
    edit = edit_for(items, list("abc"), leave_alone=lambda item: False)
    assert sorted(item.video_id for item in edit.remove) == ["a", "x"]
    assert edit.insert == ["c"] and not edit.needs_positions
    kept = edit_for(items, list("abc"), leave_alone=lambda item: item.video_id == "x")
    assert [item.video_id for item in kept.remove] == ["a"]
