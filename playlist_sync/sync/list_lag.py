"""YouTube's lists trail its writes: a playlist made a moment ago may not be listed yet.

So a read-back that does not show a write is proof that it failed only once the write is
older than the lag allowed for; until then it is read again, after growing delays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class ListLag:
    # Seconds to wait before each re-read (each under the activities' heartbeat timeout).
    delays: tuple[float, ...] = (2.0, 4.0, 8.0)

    @property
    def horizon(self) -> timedelta:
        """A list read this long after a write shows it, if the write happened."""
        return timedelta(seconds=sum(self.delays))
