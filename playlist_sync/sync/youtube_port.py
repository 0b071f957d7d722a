"""The YouTube calls the sync's steps make (YouTubeClient provides them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from playlist_sync.youtube.resources import Channel, RemotePlaylist, RemotePlaylistItem


class SyncYouTube(Protocol):
    async def my_channel(self) -> Channel: ...

    async def create_youtube_playlist(
        self, title: str, description: str = "", privacy_status: str = "private"
    ) -> str: ...

    async def update_playlist(
        self, playlist_id: str, title: str, description: str = "", privacy_status: str = "private"
    ) -> None: ...

    async def find_playlist(self, playlist_id: str) -> RemotePlaylist | None: ...

    async def move_playlist_item(
        self, item_id: str, playlist_id: str, video_id: str, position: int
    ) -> None: ...

    async def add_video_to_playlist(
        self, playlist_id: str, video_id: str, position: int | None = None
    ) -> str: ...

    async def delete_playlist_item(self, item_id: str) -> None: ...

    async def delete_youtube_playlist(self, playlist_id: str) -> None: ...

    async def my_playlists(self) -> list[RemotePlaylist]: ...

    async def playlist_items(self, playlist_id: str) -> list[RemotePlaylistItem]: ...

    async def playlist_items_of_video(
        self, playlist_id: str, video_id: str
    ) -> list[RemotePlaylistItem]: ...

    def with_heartbeat(self, beat: Callable[[], None]) -> SyncYouTube: ...
