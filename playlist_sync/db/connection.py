"""Connecting to a Postgres server: its databases, and pools on a migrated schema."""

from __future__ import annotations

import json
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from playlist_sync.db.migrations import migrate


class DatabaseUnavailable(Exception):
    """Postgres cannot be reached; the message says where and why in one line."""


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


async def ensure_database(server_url: str, database: str, template: str | None = None) -> None:
    conn = await asyncpg.connect(server_url)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            clause = f" TEMPLATE {template}" if template else ""
            try:
                await conn.execute(f'CREATE DATABASE "{database}"{clause}')
            except asyncpg.DuplicateDatabaseError:
                pass  # another process created it first
    finally:
        await conn.close()


async def _init_connection(conn: asyncpg.Connection) -> None:
    for kind in ("json", "jsonb"):
        await conn.set_type_codec(kind, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


async def create_pool(url: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    """A pool whose json columns read and write Python values, on a migrated schema."""
    try:
        pool = await asyncpg.create_pool(
            url, min_size=min_size, max_size=max_size, init=_init_connection, timeout=10
        )
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        where = urlsplit(url).hostname or "the embedded server"
        raise DatabaseUnavailable(f"cannot reach Postgres at {where}: {error}") from None
    assert pool is not None
    async with pool.acquire() as conn:
        await migrate(conn)
    return pool
