-- Which sync made a category's playlist and which deleted an old playlist, so that the job's
-- report counts them from Postgres: exact even when the attempt that did the write died.
ALTER TABLE categories ADD COLUMN playlist_created_by_job bigint REFERENCES sync_jobs (id);
ALTER TABLE playlists ADD COLUMN deleted_by_sync_job_id bigint REFERENCES sync_jobs (id);
