"""Benchmarks of playlist-sync against real services it starts itself: `make bench`."""
