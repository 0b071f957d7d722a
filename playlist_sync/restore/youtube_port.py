"""The YouTube calls a restore makes (YouTubeClient provides them)."""

from __future__ import annotations

from typing import Protocol

from playlist_sync.youtube.resources import RemotePlaylist, RemotePlaylistItem


class RestoreYouTube(Protocol):
    async def create_youtube_playlist(
        self, title: str, description: str = "", privacy_status: str = "private"
    ) -> str: ...

    async def update_playlist(
        self, playlist_id: str, title: str, description: str = "", privacy_status: str = "private"
    ) -> None: ...

    async def add_video_to_playlist(
        self, playlist_id: str, video_id: str, position: int | None = None
    ) -> str: ...

    async def my_playlists(self) -> list[RemotePlaylist]: ...

    async def playlist_items(self, playlist_id: str) -> list[RemotePlaylistItem]: ...
