"""The services a command talks to, opened for the length of the command."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from playlist_sync.config import Settings
from playlist_sync.stack.app_database import open_pool


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[asyncpg.Pool]:
    """The app's Postgres (migrated), closed when the command ends, however it ends."""
    pool = await open_pool(settings, min_size=1, max_size=5)
    try:
        yield pool
    finally:
        await pool.close()
