"""Library rows for the categories and planner tests, written through the real store."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg
import pytest

from playlist_sync.library.store import (
    PlaylistEntry,
    UnavailableReason,
    VideoRecord,
    replace_playlist_videos,
    upsert_playlist,
    upsert_videos,
)
from playlist_sync.youtube.resources import RemotePlaylist


class LibraryRows:
    """Writes imported playlists as an import would, without a YouTube to read them from."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def playlist(
        self,
        youtube_id: str,
        title: str,
        videos: list[str],
        *,
        unavailable: dict[str, UnavailableReason] | None = None,
        gone: bool = False,
    ) -> int:
        unavailable = unavailable or {}
        async with self.pool.acquire() as conn, conn.transaction():
            ids = await upsert_videos(
                conn,
                [
                    VideoRecord(v, f"title {v}", "chan", "public", unavailable.get(v))
                    for v in videos
                ],
            )
            remote = RemotePlaylist(youtube_id, title, "", "private", len(videos))
            playlist_id, _ = await upsert_playlist(conn, remote, read_at=datetime.now(UTC))
            entries = [PlaylistEntry(ids[v], f"{youtube_id}-{i}") for i, v in enumerate(videos)]
            await replace_playlist_videos(conn, playlist_id, entries)
            if gone:
                await conn.execute(
                    "UPDATE playlists SET deleted_from_youtube_at = now() WHERE id = $1",
                    playlist_id,
                )
        return playlist_id


@pytest.fixture
def library(db_pool: asyncpg.Pool) -> LibraryRows:
    return LibraryRows(db_pool)
