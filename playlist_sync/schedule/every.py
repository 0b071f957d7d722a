"""How often the schedule runs: `30s`, `15m`, `6h`, `1d`, or several parts (`1h30m`)."""

from __future__ import annotations

import re
from datetime import timedelta

_PART = re.compile(r"(\d+)([smhd])")
_WHOLE = re.compile(r"(?:\d+[smhd])+")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class BadDuration(ValueError):
    """Not a duration the schedule can run at; the message says what to give instead."""


def parse_every(text: str) -> timedelta:
    given = text.strip().lower()
    if not _WHOLE.fullmatch(given):
        raise BadDuration(
            f"--every {text!r}: not a duration; give a positive one such as 30s, 15m, 6h or 1d"
        )
    seconds = sum(int(n) * _SECONDS[unit] for n, unit in _PART.findall(given))
    if seconds == 0:
        raise BadDuration(f"--every {text!r}: a schedule needs a duration longer than 0")
    return timedelta(seconds=seconds)


def format_every(every: timedelta) -> str:
    """`6h`, `1d`, `1h30m`: as a user writes it."""
    left = int(every.total_seconds())
    parts = []
    for unit in "dhms":
        count, left = divmod(left, _SECONDS[unit])
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"
