"""How every fault scenario ends: YouTube exactly as the categories say, the quota accounted."""

from __future__ import annotations

import asyncpg

from tests.sync.conftest import EXPECTED
from tests.sync.world import SyncWorld

# Writes a sync of the test library needs: 3 playlists made, every available video of the
# categories added once, 4 old playlists deleted ("Keep me" stays).
ADDED = sum(len(v) for title, v in EXPECTED.items() if title != "Keep me")
NECESSARY_WRITES = 3 + ADDED + 4


def assert_youtube_matches(world: SyncWorld, expected: dict[str, list[str]] = EXPECTED) -> None:
    """Exact items in order, no duplicates, old playlists gone and kept ones kept."""
    found = world.playlists_by_title()  # also fails on two playlists with one title
    for title, items in found.items():
        twice = sorted({v for v in items if items.count(v) > 1})
        assert not twice, f"{title!r} holds {twice} more than once"
    assert found == expected


def assert_report_matches(job: asyncpg.Record) -> None:
    """What `status` and the result say was done: every available video added, the deleted
    and the private one skipped, the 3 playlists made and the 4 old ones deleted."""
    results = job["stage_results"]
    reported = {
        stage: results.get(stage)
        for stage in ("create_playlists", "add_videos", "delete_playlists")
    }
    assert reported == {
        "create_playlists": {"succeeded": 3, "failed": 0, "skipped": 0},
        "add_videos": {"succeeded": ADDED, "failed": 0, "skipped": 2},
        "delete_playlists": {"succeeded": 4, "failed": 0, "skipped": 0},
    }


async def assert_ledger_matches_youtube(world: SyncWorld) -> None:
    assert await world.ledger_units() == world.emulator_units()


async def interrupted_units(world: SyncWorld) -> int:
    """Units of calls whose outcome was never noted: a kill came between reserve and answer."""
    return int(
        await world.pool.fetchval(
            "SELECT COALESCE(sum(units), 0) FROM quota_events WHERE outcome IS NULL"
        )
    )


async def assert_ledger_bounds_after_crash(world: SyncWorld) -> None:
    """YouTube counted nothing the ledger missed; the ledger's extra units are only calls that a
    crash interrupted between the reservation and YouTube's answer."""
    ledger, youtube = await world.ledger_units(), world.emulator_units()
    interrupted = await interrupted_units(world)
    assert youtube <= ledger <= youtube + interrupted, (youtube, ledger, interrupted)


async def database_dump(pool: asyncpg.Pool) -> dict[str, str]:
    """Every row of every table of the app's database, as JSON text, by table."""
    tables = await pool.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
    )
    dump = {}
    for (table,) in tables:
        rows = await pool.fetch(f'SELECT row_to_json(t)::text FROM "{table}" t ORDER BY 1')
        dump[table] = "\n".join(row[0] for row in rows)
    return dump
