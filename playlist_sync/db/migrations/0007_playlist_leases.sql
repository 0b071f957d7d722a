-- One row per (sync job, category) once add_videos has visited the category's playlist.
-- `holder` fences the playlist's writes: the attempt that started last holds it, and an intent
-- (sync_video_operations.insert_started_at) is recorded only in a transaction that finds this
-- attempt still holding it, so an attempt Temporal gave up on (a slow call outlived its
-- heartbeat) cannot record an intent, nor therefore write. `last_write_at` is when a write into
-- the playlist was last sent: a read-back made sooner than the allowed lag after it proves
-- nothing. `verified_at`: the playlist was read back and matched the category (the delete
-- stage relies on it); cleared by any later write into the playlist.
CREATE TABLE sync_playlist_leases (
    sync_job_id   bigint NOT NULL REFERENCES sync_jobs (id) ON DELETE CASCADE,
    category_id   bigint NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    holder        text NOT NULL,
    taken_at      timestamptz NOT NULL DEFAULT now(),
    last_write_at timestamptz,
    verified_at   timestamptz,
    PRIMARY KEY (sync_job_id, category_id)
);
