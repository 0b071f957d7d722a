"""The YouTube calls a restore makes: the sync's, since it runs on the same engine."""

from __future__ import annotations

from playlist_sync.sync.youtube_port import SyncYouTube

RestoreYouTube = SyncYouTube
