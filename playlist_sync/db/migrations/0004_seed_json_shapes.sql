-- sync_jobs' jsonb in the seed's shapes (issue 9), for the rows written before.

-- stage_results: {"createPlaylists": {"created", "failed"}, "addVideos": {"added", "skipped",
-- "failed"}, "deletePlaylists": {"deleted", "failed"}, "backup": {"snapshotId", ...}}, with nulls
-- for stages not begun, becomes the seed's StageResults: keyed by the SyncStage value, each
-- {succeeded, failed, skipped} (backup: succeeded = playlists backed up, its figures beside).
UPDATE sync_jobs j SET stage_results = (
    SELECT COALESCE(jsonb_object_agg(
        CASE s.key
            WHEN 'createPlaylists' THEN 'create_playlists'
            WHEN 'addVideos' THEN 'add_videos'
            WHEN 'deletePlaylists' THEN 'delete_playlists'
            ELSE s.key
        END,
        (s.value - 'created' - 'added' - 'deleted') || jsonb_build_object(
            'succeeded', COALESCE(s.value -> 'created', s.value -> 'added', s.value -> 'deleted',
                                  s.value -> 'playlistCount', '0'),
            'failed', COALESCE(s.value -> 'failed', '0'),
            'skipped', COALESCE(s.value -> 'skipped', '0'))
    ), '{}')
    FROM jsonb_each(j.stage_results) s
    WHERE jsonb_typeof(s.value) = 'object'
)
WHERE EXISTS (
    SELECT 1 FROM jsonb_each(j.stage_results) s
    WHERE jsonb_typeof(s.value) <> 'object' OR NOT s.value ? 'succeeded'
);

-- preview_data: createPlaylists / addVideos / deletePlaylists at the top level, their items
-- {categoryId, name} and {playlistId, youtubePlaylistId, title, videoCount}, become the seed's
-- SyncPreview: nested under "stages", items {categoryName, categoryId} and
-- {playlistName, playlistId, youtubeId} (videoCount kept beside).
WITH old AS (
    SELECT id, preview_data AS p FROM sync_jobs
    WHERE preview_data ? 'createPlaylists' AND NOT preview_data ? 'stages'
)
UPDATE sync_jobs j SET preview_data =
    (old.p - 'createPlaylists' - 'addVideos' - 'deletePlaylists') || jsonb_build_object(
        'stages', jsonb_build_object(
            'createPlaylists', jsonb_build_object(
                'count', old.p -> 'createPlaylists' -> 'count',
                'quotaCost', old.p -> 'createPlaylists' -> 'quotaCost',
                'items', (
                    SELECT COALESCE(jsonb_agg(jsonb_build_object(
                        'categoryName', c -> 'name',
                        'categoryId', c -> 'categoryId') ORDER BY n), '[]')
                    FROM jsonb_array_elements(old.p -> 'createPlaylists' -> 'categories')
                         WITH ORDINALITY AS x(c, n))),
            'addVideos', old.p -> 'addVideos',
            'deletePlaylists', jsonb_build_object(
                'count', old.p -> 'deletePlaylists' -> 'count',
                'quotaCost', old.p -> 'deletePlaylists' -> 'quotaCost',
                'items', (
                    SELECT COALESCE(jsonb_agg(jsonb_build_object(
                        'playlistName', d -> 'title',
                        'playlistId', d -> 'playlistId',
                        'youtubeId', d -> 'youtubePlaylistId',
                        'videoCount', d -> 'videoCount') ORDER BY n), '[]')
                    FROM jsonb_array_elements(old.p -> 'deletePlaylists' -> 'playlists')
                         WITH ORDINALITY AS x(d, n)))))
FROM old
WHERE j.id = old.id;
