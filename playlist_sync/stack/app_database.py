"""The app's Postgres: `DATABASE_URL`, or the embedded server in the data dir, started on demand."""

from __future__ import annotations

import asyncio

import asyncpg

from playlist_sync.config import Settings
from playlist_sync.db.connection import create_pool, ensure_database, with_database
from playlist_sync.stack import embedded_postgres

APP_DATABASE = "playlist_sync"


async def resolve_database_url(settings: Settings) -> str:
    """The URL to use, starting the embedded server (idempotently) when DATABASE_URL is unset."""
    if settings.database_url is not None:
        return settings.database_url
    pgdata = embedded_postgres.pgdata_dir(settings.data_dir)
    server_url = await asyncio.to_thread(embedded_postgres.ensure_running, pgdata)
    await ensure_database(server_url, APP_DATABASE)
    return with_database(server_url, APP_DATABASE)


async def open_pool(settings: Settings, **kwargs: int) -> asyncpg.Pool:
    return await create_pool(await resolve_database_url(settings), **kwargs)
