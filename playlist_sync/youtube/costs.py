"""What YouTube charges, in quota units: the one definition the client, the planner and the
workflows' quota checks share."""

# playlists.insert/update/delete, playlistItems.insert/update/delete.
WRITE_COST = 50
# Each page of a list (playlists, playlistItems, videos, channels).
READ_COST = 1
