"""Where a sync's time went, from the ledger's events (one per API call, stamped by Postgres):
the phases by their calls, and the gap between two inserts into the same playlist."""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass

import asyncpg

_EVENTS = """
SELECT e.operation, e.details->>'playlistId' AS playlist,
       extract(epoch FROM e.created_at - j.started_at)::float8 AS at
FROM quota_events e JOIN sync_jobs j ON j.id = e.sync_job_id
WHERE e.sync_job_id = $1 ORDER BY e.id
"""


@dataclass(frozen=True)
class Timeline:
    first_add: float  # seconds from the job's start: backup and create_playlists before it
    adding: float  # first insert to last insert
    deleting: float  # last insert to last delete
    add_rate: float  # inserts per second while adding
    insert_gap_ms: float  # median time between two inserts into one playlist

    def describe(self) -> str:
        return (
            f"backup+create {self.first_add:.1f} s, add {self.adding:.1f} s "
            f"({self.add_rate:.0f} inserts/s; median {self.insert_gap_ms:.0f} ms between inserts "
            f"into one playlist), delete {self.deleting:.1f} s"
        )


async def timeline(pool: asyncpg.Pool, job_id: int) -> Timeline:
    events = await pool.fetch(_EVENTS, job_id)
    inserts = [e for e in events if e["operation"] == "playlistItems.insert"]
    deletes = [e["at"] for e in events if e["operation"] == "playlists.delete"]
    by_playlist: dict[str, list[float]] = {}
    for e in inserts:
        by_playlist.setdefault(e["playlist"], []).append(e["at"])
    gaps = [b - a for times in by_playlist.values() for a, b in itertools.pairwise(times)]
    if not inserts:
        return Timeline(0.0, 0.0, 0.0, 0.0, 0.0)
    first, last = inserts[0]["at"], inserts[-1]["at"]
    return Timeline(
        first_add=first,
        adding=last - first,
        deleting=(max(deletes) - last) if deletes else 0.0,
        add_rate=len(inserts) / (last - first) if last > first else 0.0,
        insert_gap_ms=statistics.median(gaps) * 1000 if gaps else 0.0,
    )
