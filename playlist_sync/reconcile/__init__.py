"""Reconcile: the fewest writes that make a user's playlists match what they should hold."""
