"""Quota windows across DST: Pacific midnight is 08:00 UTC in winter and 07:00 UTC in summer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from playlist_sync.quota_windows import QuotaReset, next_quota_reset, window_start

PACIFIC = QuotaReset()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "start", "reset"),
    [
        # The night before spring-forward: an ordinary PST day.
        ("2026-03-08T07:59:59", "2026-03-07T08:00:00", "2026-03-08T08:00:00"),
        # 2026-03-08 starts at midnight PST and ends at midnight PDT: a 23-hour window.
        ("2026-03-08T08:00:00", "2026-03-08T08:00:00", "2026-03-09T07:00:00"),
        ("2026-03-08T10:30:00", "2026-03-08T08:00:00", "2026-03-09T07:00:00"),  # 03:30 PDT
        ("2026-03-09T06:59:59", "2026-03-08T08:00:00", "2026-03-09T07:00:00"),
        ("2026-03-09T07:00:00", "2026-03-09T07:00:00", "2026-03-10T07:00:00"),
        # 2026-11-01 starts at midnight PDT and ends at midnight PST: a 25-hour window.
        ("2026-11-01T06:59:59", "2026-10-31T07:00:00", "2026-11-01T07:00:00"),
        ("2026-11-01T07:00:00", "2026-11-01T07:00:00", "2026-11-02T08:00:00"),
        ("2026-11-01T08:30:00", "2026-11-01T07:00:00", "2026-11-02T08:00:00"),  # 01:30 PDT
        ("2026-11-01T09:30:00", "2026-11-01T07:00:00", "2026-11-02T08:00:00"),  # 01:30 PST
        ("2026-11-02T07:59:59", "2026-11-01T07:00:00", "2026-11-02T08:00:00"),
        ("2026-11-02T08:00:00", "2026-11-02T08:00:00", "2026-11-03T08:00:00"),
    ],
)
def test_pacific_windows_follow_dst(at: str, start: str, reset: str) -> None:
    assert window_start(utc(at), PACIFIC) == utc(start)
    assert next_quota_reset(utc(at), PACIFIC) == utc(reset)


def test_dst_days_are_23_and_25_hours_long() -> None:
    spring = window_start(utc("2026-03-08T12:00:00"), PACIFIC)
    autumn = window_start(utc("2026-11-01T12:00:00"), PACIFIC)
    assert next_quota_reset(spring, PACIFIC) - spring == timedelta(hours=23)
    assert next_quota_reset(autumn, PACIFIC) - autumn == timedelta(hours=25)


def test_a_window_start_is_in_its_own_window_and_the_reset_starts_the_next() -> None:
    at = utc("2026-11-01T09:30:00")
    start = window_start(at, PACIFIC)
    assert window_start(start, PACIFIC) == start
    nxt = next_quota_reset(at, PACIFIC)
    assert window_start(nxt, PACIFIC) == nxt
    assert window_start(nxt - timedelta(microseconds=1), PACIFIC) == start


def test_other_time_zones_give_the_same_instant() -> None:
    at = datetime.fromisoformat("2026-03-08T03:30:00-07:00")  # 10:30 UTC
    assert window_start(at, PACIFIC) == utc("2026-03-08T08:00:00")


def test_every_n_seconds_is_aligned_to_the_epoch_and_ignores_dst() -> None:
    every = QuotaReset.parse("every:600s")
    at = utc("2026-03-08T09:59:59")
    assert window_start(at, every) == utc("2026-03-08T09:50:00")
    assert next_quota_reset(at, every) == utc("2026-03-08T10:00:00")
    assert next_quota_reset(utc("2026-03-08T10:00:00"), every) == utc("2026-03-08T10:10:00")


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        window_start(datetime(2026, 3, 8, 12), PACIFIC)
