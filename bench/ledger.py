"""What a sync spent, by the app's quota ledger, and whether YouTube (the emulator) agrees."""

from __future__ import annotations

from dataclasses import dataclass

from bench.world import BenchWorld


@dataclass(frozen=True)
class Spent:
    sync_units: int  # charged to the sync's job in the ledger
    ledger_units: int  # everything the ledger charged (the import's reads too)
    youtube_units: int  # what the emulator counted, in every window
    sync_calls: int  # API calls the sync made (one ledger event each)
    sync_writes: int

    @property
    def drift(self) -> int:
        return self.youtube_units - self.ledger_units


async def spent(world: BenchWorld, job_id: int) -> Spent:
    sync_units = await world.pool.fetchval(
        "SELECT COALESCE(sum(units), 0) FROM quota_events WHERE sync_job_id = $1", job_id
    )
    ledger_units = await world.pool.fetchval(
        "SELECT COALESCE(sum(units_used), 0) FROM quota_windows"
    )
    calls = await world.pool.fetchrow(
        """SELECT count(*) AS calls,
                  count(*) FILTER (WHERE operation NOT LIKE '%.list') AS writes
           FROM quota_events WHERE sync_job_id = $1""",
        job_id,
    )
    windows = world.state()["quota"]["windows"]
    return Spent(
        sync_units=int(sync_units),
        ledger_units=int(ledger_units),
        youtube_units=sum(int(w["used"]) for w in windows),
        sync_calls=int(calls["calls"]),
        sync_writes=int(calls["writes"]),
    )
