-- Issue 20: each batch plans its playlist again from a read of it, so a planned write may be
-- superseded by a later plan before it is sent (the user moved, removed or added an item; a
-- write was refused). Such a row stays, so that sync_video_operations remains the ledger of
-- every write planned, with the seed's meanings: status 'skipped' (not made), why in
-- error_message, and `superseded_at` beside them (the job's counts leave it out). A video or
-- item has at most one row still to do (pending) per job and category.
DROP INDEX sync_video_operations_one_per_video;
DROP INDEX sync_video_operations_one_per_item;
CREATE UNIQUE INDEX sync_video_operations_one_pending_per_video
    ON sync_video_operations (sync_job_id, category_id, video_id)
    WHERE operation <> 'remove' AND status = 'pending';
CREATE UNIQUE INDEX sync_video_operations_one_pending_per_item
    ON sync_video_operations (sync_job_id, category_id, youtube_item_id)
    WHERE operation = 'remove' AND status = 'pending';
ALTER TABLE sync_video_operations ADD COLUMN superseded_at timestamptz;

-- The last read of each category's playlist a job planned from (items as [{id, videoId}] in
-- playlist order, and when the read was sent), and the changes between two reads that this
-- job's writes do not explain: the user's edits (issue 22 makes them part of the categories).
CREATE TABLE sync_playlist_reads (
    sync_job_id   bigint NOT NULL REFERENCES sync_jobs (id) ON DELETE CASCADE,
    category_id   bigint NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    playlist_id   text NOT NULL,
    sent_at       timestamptz NOT NULL,
    items         jsonb NOT NULL,
    -- [{"change": "added" | "removed" | "moved", "itemId", "videoId", "seenAt"}], oldest
    -- first ("moved": out of the order the other items kept).
    foreign_changes jsonb NOT NULL DEFAULT '[]',
    PRIMARY KEY (sync_job_id, category_id)
);
