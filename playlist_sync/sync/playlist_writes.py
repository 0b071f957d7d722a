"""A playlist YouTube sorts itself (manualSortRequired), remembered in the library."""

from __future__ import annotations

import asyncpg


async def note_refuses_positions(pool: asyncpg.Pool, playlist_id: str) -> None:
    """Remembered, so that no later plan adopts it for a category whose order needs them."""
    await pool.execute(
        "UPDATE playlists SET refuses_positions = true WHERE youtube_playlist_id = $1",
        playlist_id,
    )
