-- Restore on the sync's engine: a snapshot playlist still on YouTube is edited back in place
-- (its id does not change); each batch plans from a read of the playlist, fenced by a lease
-- and read no sooner than the lag allowance after the playlist's last write; the playlists
-- syncs made after the snapshot go once their videos are back (unless `--keep-new`).
ALTER TABLE restore_playlists
    -- The target existed when the restore was planned (the original, or an earlier copy).
    ADD COLUMN in_place      boolean NOT NULL DEFAULT false,
    -- The attempt that holds the playlist (the newest wins; see playlist_sync/restore/lease.py).
    ADD COLUMN lease_holder  text,
    ADD COLUMN last_write_at timestamptz,
    -- Its wanted videos are in, in order (items the snapshot lacks may still be there).
    ADD COLUMN filled_at     timestamptz;

-- Refusals in a row of the same write (invalidPlaylistItemPosition...): re-planned, then failed.
ALTER TABLE restore_items ADD COLUMN refusals integer NOT NULL DEFAULT 0;
-- Completed by this restore's insert (true), or found in place in a playlist edited back.
ALTER TABLE restore_items ADD COLUMN added boolean NOT NULL DEFAULT false;
UPDATE restore_items SET added = true WHERE status = 'completed';

ALTER TABLE restore_jobs ADD COLUMN keep_new boolean NOT NULL DEFAULT false;

CREATE TABLE restore_deletions (
    id                  bigserial PRIMARY KEY,
    restore_job_id      bigint NOT NULL REFERENCES restore_jobs (id) ON DELETE CASCADE,
    youtube_playlist_id text NOT NULL,
    title               text NOT NULL,
    status              text NOT NULL DEFAULT 'pending',  -- pending | deleted | kept
    reason              text,
    completed_at        timestamptz,
    UNIQUE (restore_job_id, youtube_playlist_id)
);

-- The restore's ledger for the engine's per-playlist batch (playlist_sync/sync/playlist_batch.py):
-- a row per planned write into a restored playlist, pending -> completed / failed / skipped, or
-- superseded when a later plan (from a newer read) dropped it or YouTube refused it.
CREATE TABLE restore_operations (
    id                  bigserial PRIMARY KEY,
    restore_playlist_id bigint NOT NULL REFERENCES restore_playlists (id) ON DELETE CASCADE,
    operation           text NOT NULL,               -- remove | move | add
    youtube_video_id    text NOT NULL,
    youtube_item_id     text,
    position            integer NOT NULL DEFAULT -1, -- its place in the snapshot's order
    status              text NOT NULL DEFAULT 'pending',
    error_message       text,
    -- Set just before the write is sent; pending with this set = outcome unknown.
    intent_at           timestamptz,
    completed_at        timestamptz
);
CREATE INDEX restore_operations_pending
    ON restore_operations (restore_playlist_id) WHERE status = 'pending';
-- Every item id a read of the playlist showed: none of them is the outcome of an unknown write.
ALTER TABLE restore_playlists ADD COLUMN known_items text[] NOT NULL DEFAULT '{}';
