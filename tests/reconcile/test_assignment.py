"""Which category adopts which old playlist: the fewest writes of every possible assignment."""

from __future__ import annotations

import itertools
import random

from playlist_sync.reconcile.assignment import (
    Candidate,
    Reconciliation,
    Strategy,
    Target,
    adoption,
    new_playlist,
    reconcile,
)
from playlist_sync.reconcile.playlist_edit import Item


def _playlist(pid: str, title: str, videos: str, **kwargs: object) -> Candidate:
    items = tuple(Item(f"{pid}-{n}", v) for n, v in enumerate(videos))
    return Candidate(pid, title, "", "private", items, **kwargs)  # type: ignore[arg-type]


def _category(key: int, title: str, videos: str) -> Target:
    return Target(key, title, "", "private", tuple(videos))


def fewest_by_trying_all(targets: list[Target], candidates: list[Candidate]) -> int:
    best = None
    for picks in itertools.product([None, *range(len(candidates))], repeat=len(targets)):
        chosen = [p for p in picks if p is not None]
        if len(chosen) != len(set(chosen)):
            continue
        writes = len(candidates) - len(chosen)
        for target, pick in zip(targets, picks, strict=True):
            if pick is None:
                writes += new_playlist(target).writes
            else:
                choice = adoption(target, candidates[pick])
                if choice is None:
                    break
                writes += choice.writes
        else:
            best = writes if best is None else min(best, writes)
    assert best is not None
    return best


def test_the_assignment_is_the_cheapest_of_all() -> None:
    chance = random.Random(7)
    for _ in range(300):
        videos = "abcdefgh"
        candidates = [
            _playlist(
                f"PL{n}",
                chance.choice(["A", "B", "C", "old"]),
                "".join(chance.choices(videos, k=chance.randint(0, 6))),
                refuses_positions=chance.random() < 0.2,
            )
            for n in range(chance.randint(0, 3))
        ]
        targets = [
            _category(n, title, "".join(chance.sample(videos, chance.randint(0, 5))))
            for n, title in enumerate(chance.sample(["A", "B", "C", "D"], chance.randint(1, 3)))
        ]
        plan = reconcile(targets, candidates, Strategy.REUSE)
        assert plan.writes == fewest_by_trying_all(targets, candidates)
        _each_once(plan, targets, candidates)


def _each_once(plan: Reconciliation, targets: list[Target], candidates: list[Candidate]) -> None:
    assert sorted(c.target.key for c in plan.choices) == sorted(t.key for t in targets)
    used = [c.adopted.id for c in plan.choices if c.adopted] + [d.id for d in plan.deleted]
    assert sorted(used) == sorted(c.id for c in candidates)


def test_a_renamed_category_keeps_its_playlist_with_one_update() -> None:
    plan = reconcile(
        [_category(1, "Baking", "abc")], [_playlist("PL1", "Cakes", "abc")], Strategy.REUSE
    )
    (choice,) = plan.choices
    assert choice.adopted is not None and choice.adopted.id == "PL1"
    assert choice.update and plan.writes == 1 and not plan.deleted


def test_merged_playlists_adopt_the_bigger_and_delete_the_other() -> None:
    plan = reconcile(
        [_category(1, "Food", "abcdefg")],
        [_playlist("PL1", "Food", "abcde"), _playlist("PL2", "Drinks", "fg")],
        Strategy.REUSE,
    )
    assert plan.choices[0].adopted is not None and plan.choices[0].adopted.id == "PL1"
    assert [d.id for d in plan.deleted] == ["PL2"]
    assert plan.writes == 2 + 1  # insert f and g, delete Drinks


def test_recreate_is_the_seeds_plan() -> None:
    plan = reconcile(
        [_category(1, "Food", "abc")], [_playlist("PL1", "Food", "abc")], Strategy.RECREATE
    )
    assert plan.choices[0].adopted is None and plan.writes == 1 + 3 + 1


def test_a_playlist_that_refuses_positions_is_not_adopted_when_positions_are_needed() -> None:
    refusing = _playlist("PL1", "Food", "cab", refuses_positions=True)
    plan = reconcile([_category(1, "Food", "abc")], [refusing], Strategy.REUSE)
    assert plan.choices[0].adopted is None
    appended = reconcile([_category(1, "Food", "cabd")], [refusing], Strategy.REUSE)
    assert appended.choices[0].adopted is refusing  # d goes at the end: no position needed


def test_a_library_of_200_playlists_and_20000_videos_is_planned_whole() -> None:
    chance = random.Random(3)
    videos = [f"v{n:05}" for n in range(20_000)]
    candidates = [
        _playlist_of(f"PL{n}", f"old {n}", chance.sample(videos, 100)) for n in range(200)
    ]
    # Mostly the playlists renamed, trimmed and grown: each shares most videos with one.
    targets = [
        Target(
            n,
            f"category {n}",
            "",
            "private",
            tuple(dict.fromkeys([i.video_id for i in p.items[:90]] + chance.sample(videos, 20))),
        )
        for n, p in enumerate(candidates[:150])
    ]
    plan = reconcile(targets, candidates, Strategy.REUSE)
    # How long it takes is bench/'s to measure; here: every category and playlist once.
    _each_once(plan, targets, candidates)
    assert sum(1 for c in plan.choices if c.adopted) == len(targets)  # each shares videos


def _playlist_of(pid: str, title: str, videos: list[str]) -> Candidate:
    items = tuple(Item(f"{pid}-{n}", v) for n, v in enumerate(videos))
    return Candidate(pid, title, "", "private", items)
