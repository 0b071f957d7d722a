"""A finer measure of a sync's progress than its mirror gives, and a small library for the
scenarios that wait out many quota windows."""

from __future__ import annotations

import asyncio

from tests.sync.world import SyncWorld, library, videos

# Writes done so far, whatever the stage: playlists made, videos added (or skipped) and old
# playlists deleted. The mirror's `current_stage_progress` moves only once a create or delete
# batch ends, which is too coarse to stop a sync in the middle of one of those stages.
WORK_DONE = """
SELECT (SELECT count(*) FROM categories WHERE youtube_playlist_id IS NOT NULL)
     + (SELECT count(*) FROM sync_video_operations WHERE sync_job_id = $1 AND status <> 'pending')
     + (SELECT count(*) FROM playlists WHERE deleted_from_youtube_at IS NOT NULL)
"""


async def work_done(world: SyncWorld, job_id: int) -> int:
    return int(await world.pool.fetchval(WORK_DONE, job_id))


async def wait_for_work(world: SyncWorld, job_id: int, at_least: int, within: float = 90) -> int:
    """Poll until the sync has done `at_least` writes (or has finished); returns the count."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        done = await work_done(world, job_id)
        finished = (await world.job(job_id))["completed_at"] is not None
        if done >= at_least or finished:
            return done
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"sync {job_id} stuck at {done} writes, waiting for {at_least}")
        await asyncio.sleep(0.05)


# A smaller library for the scenarios that wait out many quota windows: 4 playlists to make
# and 4 to delete (so a window of 3 writes cuts both stages), 14 videos to add.
R, D, G, K = videos("sr", 4), videos("sd", 2), videos("sg", 3), videos("sk", 2)
SMALL_SEED = library(
    {
        "Recipes": R,
        "Dinners": R[2:] + D,
        "Guitar": G,
        "Misc": [R[0], G[0]],
        "Keep me": K,
    }
)
SMALL_CATEGORIES = f"""
categories:
  - name: Cooking
    from_playlists: [Recipes, Dinners]
  - name: Guitar & Bass
    from_playlists: [Guitar]
  - name: Short list
    videos: [{R[0]}, {G[0]}, {K[0]}]
  - name: Evenings
    videos: [{D[1]}, {G[2]}]
keep_playlists: [Keep me]
"""
SMALL_EXPECTED = {
    "Cooking": R + D,
    "Guitar & Bass": G,
    "Short list": [R[0], G[0], K[0]],
    "Evenings": [D[1], G[2]],
    "Keep me": K,
}
SMALL_WRITES = 4 + sum(len(v) for t, v in SMALL_EXPECTED.items() if t != "Keep me") + 4
