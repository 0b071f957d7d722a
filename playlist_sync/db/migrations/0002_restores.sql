-- Restores: recreating, from a backup snapshot, the playlists that are gone from YouTube.
-- A restore job mirrors its workflow like a sync job does; each playlist and each item it
-- writes has a row with an intent column, so a crash between YouTube's answer and the
-- database write is resolved by reading YouTube back, never by writing twice.

CREATE TABLE restore_jobs (
    id                 bigserial PRIMARY KEY,
    backup_snapshot_id bigint NOT NULL REFERENCES backup_snapshots (id),
    stage              text NOT NULL DEFAULT 'pending',
    progress           integer NOT NULL DEFAULT 0,
    total              integer NOT NULL DEFAULT 0,
    -- {"playlistsRestored","playlistsFailed","itemsAdded","itemsSkipped","itemsFailed"}
    results            jsonb NOT NULL DEFAULT '{}',
    -- [{"entityType","entityId","message","timestamp"}, ...]
    errors             jsonb NOT NULL DEFAULT '[]',
    quota_used         integer NOT NULL DEFAULT 0,
    -- The RestorePlan the user was shown before it started.
    preview            jsonb,
    pause_reason       text,
    next_resume_at     timestamptz,
    last_resumed_at    timestamptz,
    cancelled_at       timestamptz,
    started_at         timestamptz NOT NULL DEFAULT now(),
    completed_at       timestamptz,
    workflow_id        text UNIQUE,
    updated_at         timestamptz NOT NULL DEFAULT now()
);
-- One active restore at a time: two restores of one snapshot would make each playlist twice.
CREATE UNIQUE INDEX restore_jobs_one_active ON restore_jobs ((true)) WHERE completed_at IS NULL;

CREATE TABLE restore_playlists (
    id                   bigserial PRIMARY KEY,
    restore_job_id       bigint NOT NULL REFERENCES restore_jobs (id) ON DELETE CASCADE,
    position             integer NOT NULL,          -- its place in the snapshot
    original_playlist_id text NOT NULL,             -- the YouTube id it had when backed up
    title                text NOT NULL,
    description          text NOT NULL DEFAULT '',
    privacy_status       text NOT NULL DEFAULT 'private',
    status               text NOT NULL DEFAULT 'pending',  -- pending | completed | failed
    youtube_playlist_id  text,                      -- the recreated playlist
    -- Set just before playlists.insert is sent; with no id recorded after it, the call may
    -- have happened and the retry looks for the playlist by the marker in its description.
    create_requested_at  timestamptz,
    -- Set once playlists.update has given it the backed-up title, description and privacy
    -- (replacing the marker), or once that failed and was reported.
    described_at         timestamptz,
    error_message        text,
    completed_at         timestamptz,
    UNIQUE (restore_job_id, original_playlist_id)
);
CREATE INDEX restore_playlists_copies ON restore_playlists (original_playlist_id)
    WHERE youtube_playlist_id IS NOT NULL;

CREATE TABLE restore_items (
    id                  bigserial PRIMARY KEY,
    restore_playlist_id bigint NOT NULL REFERENCES restore_playlists (id) ON DELETE CASCADE,
    position            integer NOT NULL,           -- its place in the backed-up playlist
    youtube_video_id    text NOT NULL,
    status              text NOT NULL DEFAULT 'pending',  -- pending | completed | skipped | failed
    youtube_item_id     text,
    error_message       text,
    -- Set just before playlistItems.insert is sent; pending with this set = outcome unknown,
    -- so the playlist is read back before anything else is inserted into it.
    insert_started_at   timestamptz,
    completed_at        timestamptz,
    UNIQUE (restore_playlist_id, position)
);
CREATE INDEX restore_items_pending
    ON restore_items (restore_playlist_id, position) WHERE status = 'pending';

-- The ledger attributes a restore's calls through the event's details (the YouTube client
-- passes them through untouched), surfaced here as a column to sum and index.
ALTER TABLE quota_events ADD COLUMN restore_job_id bigint
    GENERATED ALWAYS AS ((details ->> 'restoreJobId')::bigint) STORED;
CREATE INDEX quota_events_restore_job ON quota_events (restore_job_id)
    WHERE restore_job_id IS NOT NULL;
