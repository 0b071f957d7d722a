"""The windows a sync takes when YouTube also limits new playlists per window, and which
window a quota refusal belongs to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playlist_sync.quota_windows import (
    QuotaReset,
    SyncWork,
    quota_refusal,
    reset_grace,
    sync_windows,
    sync_windows_one_stage_at_a_time,
    windows_needed,
)


def _windows(creates: int, other: int, left: int, per: int, creates_left: int) -> int:
    return sync_windows_one_stage_at_a_time(
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


def test_one_stage_at_a_time_the_creation_limit_adds_windows_the_units_would_not() -> None:
    assert _windows(4, 0, 1_000, 10, 10) == 1
    assert _windows(4, 0, 1_000, 3, 3) == 2
    assert _windows(4, 0, 1_000, 3, 0) == 2  # none in this window: 3 in the next, 1 after
    assert _windows(7, 0, 1_000, 3, 1) == 3  # 1 + 3 + 3
    # The other stages start in the window of the last creation, with what it has left.
    assert _windows(4, 800, 1_000, 3, 3) == 2  # 150 + 800 fits the second window
    assert _windows(4, 1_000, 1_000, 3, 3) == 3  # 950 left after the 4th: 50 in a third
    # Units still count: 4 creations with 100 units left take 2 windows at 10 a window.
    assert _windows(4, 0, 100, 10, 10) == 2


def _side_by_side(work: SyncWork, left: int, per: int, creates_left: int) -> int:
    return sync_windows(
        work,
        daily_quota=1_000,
        units_left=left,
        creates_per_window=per,
        creates_left=creates_left,
        write_cost=50,
    )


def test_side_by_side_a_sync_takes_the_larger_of_the_two_bounds() -> None:
    # 15 new playlists of 250 units each, 3 a window: the creation limit needs 5 windows, the
    # quota (15 x 300 = 4,500 units) 5 too; one stage at a time took 5 + 3.
    many = SyncWork(ready=0, new_playlists=[250] * 15, deletions=[])
    assert _side_by_side(many, 1_000, 3, 3) == 5
    assert _windows(15, 15 * 250, 1_000, 3, 3) == 8
    # Quota-bound: 4 new playlists of 900 units: 4 x 950 = 3,800 units, 4 windows.
    assert _side_by_side(SyncWork(0, [900] * 4, []), 1_000, 10, 10) == 4
    # Creation-bound: 9 small ones at 3 a window, 3 windows; the adopted playlists' edits and
    # an old playlist that waits for no new one fill the first.
    assert _side_by_side(SyncWork(600, [50] * 9, [(0, 50)]), 1_000, 3, 3) == 3
    # An old playlist whose videos go to the last new playlist goes in the window it is made.
    assert _side_by_side(SyncWork(0, [50] * 9, [(9, 50)]), 1_000, 3, 3) == 3
    # Nothing to do: no window; nothing left in this one: the first is the next.
    assert _side_by_side(SyncWork(0, [], []), 1_000, 3, 3) == 0
    assert _side_by_side(SyncWork(100, [], []), 0, 3, 3) == 1


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
