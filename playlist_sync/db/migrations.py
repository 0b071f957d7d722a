"""Versioned SQL migrations, applied at start by the worker and the CLI."""

from __future__ import annotations

import re
from importlib import resources

import asyncpg

# Any constant works; it only has to be the same in every process that migrates.
_MIGRATION_LOCK = 0x706C7379


def _migrations() -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files("playlist_sync.db").joinpath("migrations").iterdir():
        match = re.match(r"^(\d+)_(.+)\.sql$", entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text()))
    return sorted(found)


async def migrate(conn: asyncpg.Connection) -> list[int]:
    """Apply the migrations this database lacks; returns the versions applied now."""
    applied_now: list[int] = []
    # The advisory lock makes a worker and a CLI starting together take turns, not collide.
    await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
    try:
        await conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                   version integer PRIMARY KEY,
                   name text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now())"""
        )
        done = {row["version"] for row in await conn.fetch("SELECT version FROM schema_migrations")}
        for version, name, sql in _migrations():
            if version in done:
                continue
            async with conn.transaction():
                await conn.execute(sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", version, name
                )
            applied_now.append(version)
    finally:
        await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
    return applied_now
