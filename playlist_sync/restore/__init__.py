"""Restore: recreate, from a backup snapshot, the playlists that are gone from YouTube."""
