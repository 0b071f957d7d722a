"""Quota windows: when YouTube's daily budget starts again.

Pure functions of time, so the workflow can compute its resume timer from `workflow.now()`
and the ledger, the emulator and the preview all agree on where a window begins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Los_Angeles")
_EVERY = re.compile(r"^every:(\d+)s$")


@dataclass(frozen=True)
class QuotaReset:
    """`pacific-midnight` (YouTube's real reset) or fixed windows of `seconds` since the epoch."""

    seconds: int | None = None

    @classmethod
    def parse(cls, text: str) -> QuotaReset:
        text = text.strip()
        if text == "pacific-midnight":
            return cls()
        match = _EVERY.match(text)
        if match and int(match.group(1)) > 0:
            return cls(int(match.group(1)))
        raise ValueError(f"expected 'pacific-midnight' or 'every:<N>s' with N > 0, got {text!r}")

    def __str__(self) -> str:
        return "pacific-midnight" if self.seconds is None else f"every:{self.seconds}s"


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("quota windows need timezone-aware datetimes")
    return at


def window_start(at: datetime, reset: QuotaReset) -> datetime:
    """The start (UTC) of the quota window that contains `at`."""
    at = _aware(at)
    if reset.seconds is not None:
        epoch = int(at.timestamp())
        return datetime.fromtimestamp(epoch - epoch % reset.seconds, UTC)
    local = at.astimezone(PACIFIC)
    # Midnight of the Pacific calendar day; zoneinfo picks the right offset on DST days.
    return datetime.combine(local.date(), time(0), tzinfo=PACIFIC).astimezone(UTC)


def next_quota_reset(after: datetime, reset: QuotaReset) -> datetime:
    """The first window start strictly after `after` (UTC)."""
    at = _aware(after)
    if reset.seconds is not None:
        return window_start(at, reset) + timedelta(seconds=reset.seconds)
    local_day = at.astimezone(PACIFIC).date() + timedelta(days=1)
    return datetime.combine(local_day, time(0), tzinfo=PACIFIC).astimezone(UTC)


def windows_needed(cost: int, daily_quota: int, left_in_current: int) -> int:
    """How many windows, counting the rest of the current one, a cost of `cost` units needs."""
    if cost <= 0:
        return 0
    if cost <= left_in_current:
        return 1
    remaining = cost - max(left_in_current, 0)
    extra = -(-remaining // daily_quota)
    return extra + (1 if left_in_current > 0 else 0)


def reset_grace(reset: QuotaReset) -> timedelta:
    """How long after a reset YouTube may still answer with the window before (clocks differ):
    a minute at Pacific midnight, a tenth of a compressed window."""
    if reset.seconds is None:
        return timedelta(seconds=60)
    return timedelta(seconds=min(60.0, reset.seconds / 10))


@dataclass(frozen=True)
class QuotaRefusal:
    """What a quotaExceeded answer means for the ledger: which window to close (if any) and
    when to try again."""

    closes: datetime | None  # the start of the window to mark exhausted
    retry_at: datetime


def quota_refusal(charged_at: datetime, reset: QuotaReset) -> QuotaRefusal:
    """A refusal of a call the ledger charged at `charged_at` belongs to that window, whenever
    its answer arrived: if the answer came after the reset, the new window is untouched and
    the retry is at once. A refusal within the grace after a reset is YouTube's clock lagging
    ours: retry once the grace is over rather than close the new window for a day."""
    start = window_start(charged_at, reset)
    grace = reset_grace(reset)
    if charged_at - start < grace:
        return QuotaRefusal(closes=None, retry_at=start + grace)
    return QuotaRefusal(closes=start, retry_at=next_quota_reset(charged_at, reset))


def sync_windows_one_stage_at_a_time(
    *,
    creates: int,
    other_units: int,
    daily_quota: int,
    units_left: int,
    creates_per_window: int,
    creates_left: int,
    write_cost: int,
) -> int:
    """How many windows, counting the current one if it is used, a sync took when its stages
    ran one after another (SyncOptions.work_while_creations_wait off): it makes its
    `creates` playlists first (each `write_cost` units, at most `creates_per_window` a window,
    `creates_left` and `units_left` in the current one), then spends `other_units` from the
    window of the last creation on (the stages run in that order, so the units a window has
    left while the sync waits for the creation limit are not spent)."""
    if creates <= 0 or daily_quota < write_cost:
        return windows_needed(creates * write_cost + other_units, daily_quota, units_left)
    windows = 0
    units, slots = max(units_left, 0), max(creates_left, 0)
    while True:
        made = min(creates, slots, units // write_cost)
        if made:
            windows += 1
            creates -= made
            units -= made * write_cost
        if not creates:
            break
        units, slots = daily_quota, creates_per_window
    if other_units <= units:
        return windows
    return windows + -(-(other_units - units) // daily_quota)


@dataclass(frozen=True)
class SyncWork:
    """A sync's writes in units, as the windows see them: what can go from the start (the
    adopted playlists' updates and edits, the old playlists that wait for no new one), each
    new playlist's edit in the order they are made, and each old playlist's deletion with how
    many new playlists must be made first (those of the categories its videos go to)."""

    ready: int
    new_playlists: list[int]
    deletions: list[tuple[int, int]]


def sync_windows(
    work: SyncWork,
    *,
    daily_quota: int,
    units_left: int,
    creates_per_window: int,
    creates_left: int,
    write_cost: int,
) -> int:
    """How many windows, counting the current one if it is used, a sync takes with the
    creation limit and the quota side by side: in each window it makes the new playlists the
    limit and the units allow, then spends the units left on whatever can go: the playlists
    made or adopted so far, the old playlists whose videos have their playlists. So it takes
    max(quota bound, creation bound) windows, give or take where a window's last units fall."""
    total = work.ready + sum(work.new_playlists) + sum(units for _, units in work.deletions)
    if daily_quota < write_cost:
        return windows_needed(total + write_cost * len(work.new_playlists), daily_quota, units_left)
    per_window = max(creates_per_window, 1)
    deletions = sorted(work.deletions)
    available, made, windows = work.ready, 0, 0
    units, slots = max(units_left, 0), max(creates_left, 0)
    while True:
        making = min(len(work.new_playlists) - made, slots, units // write_cost)
        available += sum(work.new_playlists[made : made + making])
        made += making
        units -= making * write_cost
        while deletions and deletions[0][0] <= made:
            available += deletions.pop(0)[1]
        spent = min(available, units // write_cost * write_cost)
        available -= spent
        if making or spent:
            windows += 1
        if made == len(work.new_playlists) and not available and not deletions:
            return windows
        units, slots = daily_quota, per_window
