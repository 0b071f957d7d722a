"""The pure parts: how often (`--every`), and where the videos a run adds go."""

from __future__ import annotations

from datetime import timedelta

import pytest

from playlist_sync.categories.refresh import kept_in_place
from playlist_sync.schedule.every import BadDuration, format_every, parse_every


@pytest.mark.parametrize(
    ("text", "seconds", "shown"),
    [("30s", 30, "30s"), ("15m", 900, "15m"), ("6h", 21600, "6h"), ("1d", 86400, "1d"),
     ("1h30m", 5400, "1h30m"), ("90m", 5400, "1h30m"), (" 6H ", 21600, "6h")],
)  # fmt: skip
def test_durations(text: str, seconds: int, shown: str) -> None:
    assert parse_every(text) == timedelta(seconds=seconds)
    assert format_every(parse_every(text)) == shown


@pytest.mark.parametrize("text", ["0", "0s", "0h0m", "-5m", "soon", "6", "1.5h", "", "h"])
def test_not_a_schedule(text: str) -> None:
    with pytest.raises(BadDuration):
        parse_every(text)


def test_what_a_run_adds_goes_after_the_video_before_it_and_nothing_else_moves() -> None:
    # The library's order moved (4 now before 2); 9 is new after 3, 8 new at the front.
    assert kept_in_place([1, 2, 3, 4], [8, 1, 4, 2, 3, 9]) == [8, 1, 2, 3, 9, 4]
    # 2 left; nothing else changes.
    assert kept_in_place([1, 2, 3], [3, 1]) == [1, 3]
    assert kept_in_place([], [5, 6]) == [5, 6]
