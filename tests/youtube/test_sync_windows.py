"""The windows a sync takes when YouTube also limits new playlists per window, and which
window a quota refusal belongs to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playlist_sync.quota_windows import (
    QuotaReset,
    quota_refusal,
    reset_grace,
    sync_windows,
    windows_needed,
)


def _windows(creates: int, other: int, left: int, per: int, creates_left: int) -> int:
    return sync_windows(
        creates=creates,
        other_units=other,
        daily_quota=1_000,
        units_left=left,
        creates_per_window=per,
        creates_left=creates_left,
        write_cost=50,
    )


def test_without_new_playlists_only_the_units_count() -> None:
    assert _windows(0, 2_500, 1_000, 10, 10) == windows_needed(2_500, 1_000, 1_000) == 3


def test_the_creation_limit_adds_windows_the_units_would_not() -> None:
    assert _windows(4, 0, 1_000, 10, 10) == 1
    assert _windows(4, 0, 1_000, 3, 3) == 2
    assert _windows(4, 0, 1_000, 3, 0) == 2  # none in this window: 3 in the next, 1 after
    assert _windows(7, 0, 1_000, 3, 1) == 3  # 1 + 3 + 3
    # The other stages start in the window of the last creation, with what it has left.
    assert _windows(4, 800, 1_000, 3, 3) == 2  # 150 + 800 fits the second window
    assert _windows(4, 1_000, 1_000, 3, 3) == 3  # 950 left after the 4th: 50 in a third
    # Units still count: 4 creations with 100 units left take 2 windows at 10 a window.
    assert _windows(4, 0, 100, 10, 10) == 2


EVERY = QuotaReset(10)
START = datetime(2025, 1, 1, tzinfo=UTC)  # a window start for every:10s


def test_a_refusal_belongs_to_the_window_it_was_charged_to() -> None:
    late = START + timedelta(seconds=9.9)
    refusal = quota_refusal(late, EVERY)
    assert refusal.closes == START
    # Its answer may come after the reset: the retry is then at once, not a window later.
    assert refusal.retry_at == START + timedelta(seconds=10)


def test_a_refusal_just_after_a_reset_is_retried_after_a_short_grace() -> None:
    early = START + timedelta(seconds=0.5)
    refusal = quota_refusal(early, EVERY)
    assert refusal.closes is None  # YouTube's clock may lag ours: the window is not closed
    assert refusal.retry_at == START + reset_grace(EVERY) == START + timedelta(seconds=1)
    pacific = QuotaReset()
    assert reset_grace(pacific) == timedelta(seconds=60)
