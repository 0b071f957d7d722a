"""The baseline: a plain script making the sync's writes one after another, with no Temporal,
no Postgres bookkeeping of its own and no reads (it knows the old playlists from the seed)."""

from __future__ import annotations

import time

from bench.library import BenchLibrary
from playlist_sync.youtube.client import YouTubeClient


async def sequential_sync(youtube: YouTubeClient, library: BenchLibrary) -> float:
    """Create the playlists, add every video one by one, delete the old playlists; seconds."""
    began = time.perf_counter()
    created = {title: await youtube.create_youtube_playlist(title) for title in library.categories}
    for title, videos in library.categories.items():
        for video_id in videos:
            await youtube.add_video_to_playlist(created[title], video_id)
    for playlist_id in library.old_playlists:
        await youtube.delete_youtube_playlist(playlist_id)
    return time.perf_counter() - began
