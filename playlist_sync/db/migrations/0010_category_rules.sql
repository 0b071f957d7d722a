-- The categories' rules (issue 14): a category may take the videos of a channel, or those whose
-- title matches, in "library order", and a categories file can be written back (`export`).

-- The uploader's channel id, so that a rule may name a channel by id as well as by title.
ALTER TABLE videos ADD COLUMN channel_id text;

-- Where YouTube listed the playlist in the last import that saw it (0 = first): the library's
-- order, in which `channels` and `title_matches` add their videos.
ALTER TABLE playlists ADD COLUMN list_position integer;

-- The category as the file gave it, `from_playlists` resolved to YouTube ids:
-- {"videos": [...], "fromPlaylists": [...], "channels": [...], "titleMatches": "..." | null,
--  "exclude": [...]}. NULL for categories applied before rules existed (export then lists
-- their videos).
ALTER TABLE categories ADD COLUMN rules jsonb;
