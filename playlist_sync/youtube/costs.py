"""What YouTube charges, in quota units, and what it allows: the one definition the client, the
planner, the workflows' quota checks and the emulator share."""

# playlists.insert/update/delete, playlistItems.insert/update/delete.
WRITE_COST = 50
# Each page of a list (playlists, playlistItems, videos, channels).
READ_COST = 1

# Items in one playlist at most: YouTube refuses the next insert (playlistContainsMaximumNumberOfVideos).
MAX_PLAYLIST_ITEMS = 5000
