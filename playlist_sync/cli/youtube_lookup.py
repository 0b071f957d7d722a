"""videos.list for `categories apply`, reached only when the file names a video the library
does not have: a file whose videos are all known applies offline, without a grant."""

from __future__ import annotations

import asyncpg

from playlist_sync.cli.errors import BadInput, ServiceUnavailable
from playlist_sync.config import Settings
from playlist_sync.youtube.errors import AuthRequired, Forbidden, YouTubeError
from playlist_sync.youtube.resources import RemoteVideo


class YouTubeOnDemand:
    def __init__(self, settings: Settings, pool: asyncpg.Pool) -> None:
        self._settings = settings
        self._pool = pool

    async def videos(self, video_ids: list[str]) -> list[RemoteVideo]:
        # Imported here: Google's API client takes a while to load.
        from playlist_sync.youtube.client import youtube_client_from_settings

        count = len(video_ids)
        what = f"cannot look up {count} video{'s' if count != 1 else ''} outside the library"
        youtube = await youtube_client_from_settings(self._settings, self._pool)
        try:
            return await youtube.videos(video_ids)
        except (AuthRequired, Forbidden) as error:
            # Only the user can fix these; nothing was written.
            raise BadInput(f"{what}: {error}; nothing was written") from None
        except YouTubeError as error:
            raise ServiceUnavailable(f"{what} on YouTube: {error}; nothing was written") from None
