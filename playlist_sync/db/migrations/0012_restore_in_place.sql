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
    -- The item ids, in order, the last batch left when YouTube acknowledged all its writes: a
    -- list that shows them is as new as those writes, and need not wait out the lag allowance.
    ADD COLUMN expected_items text[],
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
