-- YouTube lets a channel make about 10 new playlists a day and answers 429 past that (users who
-- kept retrying lost their channel). New playlists are counted per quota window, beside the
-- units, so that every worker sees the same count; a 429 closes the window to new playlists.
ALTER TABLE quota_windows ADD COLUMN playlists_created integer NOT NULL DEFAULT 0;
ALTER TABLE quota_windows ADD COLUMN creation_refused_at timestamptz;
