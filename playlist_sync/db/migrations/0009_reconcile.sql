-- Reconcile (strategy `reuse`): a category may adopt an old playlist, whose items are then
-- removed, moved or inserted. Each write into a category's playlist is an operation row; the
-- seed's columns keep their meaning, and `operation` says which write it is.
ALTER TABLE sync_video_operations ADD COLUMN operation text NOT NULL DEFAULT 'add'
    CHECK (operation IN ('add', 'move', 'remove'));
-- A video is added or moved once per category and job; a removal is of one item (a playlist
-- may hold a video twice, and both copies may go).
ALTER TABLE sync_video_operations
    DROP CONSTRAINT sync_video_operations_sync_job_id_category_id_video_id_key;
CREATE UNIQUE INDEX sync_video_operations_one_per_video
    ON sync_video_operations (sync_job_id, category_id, video_id) WHERE operation <> 'remove';
CREATE UNIQUE INDEX sync_video_operations_one_per_item
    ON sync_video_operations (sync_job_id, category_id, youtube_item_id) WHERE operation = 'remove';

-- The plan each sync made after its backup: which playlist each category adopted (NULL: a
-- new one), and the playlists.update it needs for title, description and privacy. Set once
-- per job, so a retried or restarted step carries on with the same plan.
CREATE TABLE sync_category_plans (
    sync_job_id         bigint NOT NULL REFERENCES sync_jobs (id) ON DELETE CASCADE,
    category_id         bigint NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    adopted_playlist_id text,
    needs_update        boolean NOT NULL DEFAULT false,
    -- Set just before playlists.update is sent; with `updated_at` unset the outcome is
    -- unknown, and the retry reads the playlist before sending it again.
    update_started_at   timestamptz,
    updated_at          timestamptz,
    PRIMARY KEY (sync_job_id, category_id)
);

-- The title a playlist was first seen with: a sync that adopts a playlist renames it, and a
-- categories file written before still names it so (from_playlists, keep_playlists).
ALTER TABLE playlists ADD COLUMN first_title text;
UPDATE playlists SET first_title = title;

-- YouTube answered a position with manualSortRequired: the playlist is not sorted by hand,
-- and is not adopted for a category whose order needs positions.
ALTER TABLE playlists ADD COLUMN refuses_positions boolean NOT NULL DEFAULT false;

-- The library is YouTube as last seen: playlists earlier syncs made for categories join it,
-- with the videos those syncs added (the next backup reads them exactly).
INSERT INTO playlists
    (youtube_playlist_id, title, first_title, description, privacy_status, item_count)
SELECT c.youtube_playlist_id, c.name, c.name, c.description, c.privacy_status, 0
FROM categories c WHERE c.youtube_playlist_id IS NOT NULL
ON CONFLICT (youtube_playlist_id) DO NOTHING;
INSERT INTO playlist_videos (playlist_id, position, video_id, youtube_item_id)
SELECT p.id, row_number() OVER (PARTITION BY p.id ORDER BY o.position) - 1, o.video_id,
       o.youtube_item_id
FROM categories c
JOIN playlists p ON p.youtube_playlist_id = c.youtube_playlist_id
JOIN (SELECT DISTINCT ON (category_id, video_id) category_id, video_id, position,
             youtube_item_id
      FROM sync_video_operations WHERE status = 'completed'
      ORDER BY category_id, video_id, completed_at DESC) o ON o.category_id = c.id
WHERE NOT EXISTS (SELECT 1 FROM playlist_videos pv WHERE pv.playlist_id = p.id);
