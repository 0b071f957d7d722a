"""The guard on deletions (rclone bisync's --max-delete): a sync whose plan deletes more than
PCT percent of the playlists the backup holds, or removes more than PCT percent of the items of
a playlist it keeps, waits for the user's approval before it writes anything.

Nobody watches a scheduled run: a categories file emptied by mistake, or an import that saw a
half-listed library, must not turn into a night of deletions."""

from __future__ import annotations

import asyncpg

from playlist_sync.models import SyncPreview

# What a scheduled run allows unless told (rclone bisync's default).
DEFAULT_MAX_DELETE = 50


def share_over(part: int, whole: int, max_delete: int) -> bool:
    """Whether `part` of `whole` is more than `max_delete` percent of it."""
    return whole > 0 and part * 100 > max_delete * whole


async def approval_needed(pool: asyncpg.Pool, preview: SyncPreview, max_delete: int) -> str | None:
    """Why the plan needs the user's approval under `max_delete` percent; None when it does not."""
    stages = preview.stages
    reasons: list[str] = []
    # The backup holds every playlist YouTube lists now: the imported ones not yet gone.
    live = int(
        await pool.fetchval("SELECT count(*) FROM playlists WHERE deleted_from_youtube_at IS NULL")
    )
    deleted = stages.delete_playlists.count
    if share_over(deleted, live, max_delete):
        reasons.append(f"deletes {deleted} of {live} playlists ({100 * deleted // live}%)")
    adopted = {item.category_id: item for item in stages.adopt_playlists.items}
    for removal in stages.remove_videos.by_category:
        target = adopted.get(removal.category_id)
        if target is None:
            continue
        held = int(
            await pool.fetchval(
                """SELECT count(*) FROM playlist_videos pv JOIN playlists p ON p.id = pv.playlist_id
                   WHERE p.youtube_playlist_id = $1""",
                target.youtube_id,
            )
        )
        if share_over(removal.video_count, held, max_delete):
            reasons.append(
                f"removes {removal.video_count} of the {held} videos of {target.playlist_name!r}"
                f" ({100 * removal.video_count // held}%)"
            )
    if not reasons:
        return None
    return (
        f"the plan {'; and '.join(reasons)}: more than --max-delete {max_delete}% allows;"
        " `resume` approves it, `cancel` drops it"
    )
