-- Keeping YouTube in sync (issue 22).

-- What each category's playlist held when the last completed sync had verified it: the base
-- of the three-way comparison that turns the user's edits on YouTube since into the
-- category's own (categories/youtube_edits.py). One row per category, replaced after each
-- completed sync.
CREATE TABLE category_synced_videos (
    category_id         bigint PRIMARY KEY REFERENCES categories (id) ON DELETE CASCADE,
    sync_job_id         bigint NOT NULL REFERENCES sync_jobs (id) ON DELETE CASCADE,
    youtube_playlist_id text NOT NULL,
    video_ids           bigint[] NOT NULL
);

-- What a `from_playlists` source held when a category first drew on it: once a sync has
-- adopted it (for any category) or deleted it, the source keeps meaning this
-- (categories/held_sources.py), so no category follows another category's playlist.
CREATE TABLE held_sources (
    youtube_playlist_id text PRIMARY KEY,
    video_ids           bigint[] NOT NULL,
    held_at             timestamptz NOT NULL DEFAULT now()
);

-- The scheduled run (its workflow id) that made the job: a retried preparation closes the row
-- an earlier attempt made but never handed to a workflow, which would block every sync after.
ALTER TABLE sync_jobs ADD COLUMN scheduled_run text;
