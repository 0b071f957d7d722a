-- The library as imported from YouTube, the user's categories, backups, the sync's mirror
-- (the seed's Phase-8 tables and columns, by their seed names) and the quota ledger.

CREATE TABLE playlists (
    id                      bigserial PRIMARY KEY,
    youtube_playlist_id     text NOT NULL UNIQUE,
    title                   text NOT NULL,
    description             text NOT NULL DEFAULT '',
    privacy_status          text NOT NULL DEFAULT 'private',
    item_count              integer NOT NULL DEFAULT 0,
    kept                    boolean NOT NULL DEFAULT false,  -- in keep_playlists: never deleted
    imported_at             timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    deleted_from_youtube_at timestamptz
);

CREATE TABLE videos (
    id                 bigserial PRIMARY KEY,
    youtube_video_id   text NOT NULL UNIQUE,
    title              text NOT NULL DEFAULT '',
    channel_title      text NOT NULL DEFAULT '',
    privacy_status     text,
    -- Set when the import saw the video deleted or private: the sync leaves it out and says why.
    unavailable_reason text,
    imported_at        timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE playlist_videos (
    playlist_id     bigint NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
    position        integer NOT NULL,
    video_id        bigint NOT NULL REFERENCES videos (id),
    youtube_item_id text,
    PRIMARY KEY (playlist_id, position)
);
CREATE INDEX playlist_videos_video ON playlist_videos (video_id);

CREATE TABLE categories (
    id                  bigserial PRIMARY KEY,
    name                text NOT NULL UNIQUE,
    description         text NOT NULL DEFAULT '',
    position            integer NOT NULL,
    youtube_playlist_id text,
    -- Set just before playlists.insert is sent: if no id follows, the call may have happened
    -- and the retry must look for the playlist (by its marker) before making another.
    playlist_requested_at timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE category_videos (
    category_id bigint NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    video_id    bigint NOT NULL REFERENCES videos (id),
    position    integer NOT NULL,
    PRIMARY KEY (category_id, video_id),
    UNIQUE (category_id, position)
);

CREATE TABLE backup_snapshots (
    id             bigserial PRIMARY KEY,
    created_at     timestamptz NOT NULL DEFAULT now(),
    sync_job_id    bigint,
    playlist_count integer NOT NULL DEFAULT 0,
    item_count     integer NOT NULL DEFAULT 0,
    -- [{"id","title","description","privacyStatus","items":["videoId", ...]}, ...]
    playlists      jsonb NOT NULL DEFAULT '[]'
);

CREATE TABLE sync_jobs (
    id                     bigserial PRIMARY KEY,
    stage                  text NOT NULL DEFAULT 'pending',
    current_stage_progress integer NOT NULL DEFAULT 0,
    current_stage_total    integer NOT NULL DEFAULT 0,
    stage_results          jsonb NOT NULL DEFAULT '{}',
    errors                 jsonb NOT NULL DEFAULT '[]',
    quota_used_this_sync   integer NOT NULL DEFAULT 0,
    pause_reason           text,
    preview_data           jsonb,
    started_at             timestamptz NOT NULL DEFAULT now(),
    completed_at           timestamptz,
    last_resumed_at        timestamptz,
    backup_snapshot_id     bigint REFERENCES backup_snapshots (id),
    -- Beside the seed's columns: what the workflow and the CLI need.
    workflow_id            text UNIQUE,
    next_resume_at         timestamptz,
    cancelled_at           timestamptz,
    updated_at             timestamptz NOT NULL DEFAULT now()
);
-- One active sync at a time, enforced by the database so two starters cannot race past it.
CREATE UNIQUE INDEX sync_jobs_one_active ON sync_jobs ((true)) WHERE completed_at IS NULL;
ALTER TABLE backup_snapshots
    ADD CONSTRAINT backup_snapshots_sync_job FOREIGN KEY (sync_job_id) REFERENCES sync_jobs (id);

CREATE TABLE sync_video_operations (
    id               bigserial PRIMARY KEY,
    sync_job_id      bigint NOT NULL REFERENCES sync_jobs (id) ON DELETE CASCADE,
    category_id      bigint NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    video_id         bigint NOT NULL REFERENCES videos (id),
    youtube_video_id text NOT NULL,
    status           text NOT NULL DEFAULT 'pending',
    error_message    text,
    completed_at     timestamptz,
    position         integer NOT NULL,
    youtube_item_id  text,
    -- Set just before playlistItems.insert is sent; pending with this set = outcome unknown,
    -- so the playlist is read back before anything else is inserted into it.
    insert_started_at timestamptz,
    UNIQUE (sync_job_id, category_id, video_id)
);
CREATE INDEX sync_video_operations_pending
    ON sync_video_operations (sync_job_id, category_id, position) WHERE status = 'pending';

-- The quota ledger: units reserved per quota window (the seed's trackQuotaUsage) ...
CREATE TABLE quota_windows (
    window_start timestamptz PRIMARY KEY,
    units_used   integer NOT NULL DEFAULT 0,
    daily_limit  integer NOT NULL,
    exhausted_at timestamptz
);

-- ... and one event per API call, with what it did.
CREATE TABLE quota_events (
    id           bigserial PRIMARY KEY,
    window_start timestamptz NOT NULL REFERENCES quota_windows (window_start),
    operation    text NOT NULL,
    units        integer NOT NULL,
    details      jsonb NOT NULL DEFAULT '{}',
    sync_job_id  bigint,
    outcome      text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quota_events_sync_job ON quota_events (sync_job_id);
