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
        titles: dict[str, str] | None = None,
        channels: dict[str, tuple[str, str]] | None = None,
        listed_at: int | None = None,
        description: str = "",
        privacy: str = "private",
    ) -> int:
        """`channels`: video -> (channel title, channel id), else ("chan", None); `listed_at`:
        where YouTube lists the playlist (library order)."""
        unavailable, titles, channels = unavailable or {}, titles or {}, channels or {}
        async with self.pool.acquire() as conn, conn.transaction():
            ids = await upsert_videos(
                conn,
                [
                    VideoRecord(
                        v,
                        titles.get(v, f"title {v}"),
                        channels.get(v, ("chan", ""))[0],
                        "public",
                        unavailable.get(v),
                        channels.get(v, ("chan", ""))[1] or None,
                    )
                    for v in videos
                ],
            )
            remote = RemotePlaylist(youtube_id, title, description, privacy, len(videos))
            playlist_id, _ = await upsert_playlist(
                conn, remote, read_at=datetime.now(UTC), list_position=listed_at
            )
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
