"""The worker: runs playlist-sync's workflows and activities on `TEMPORAL_TASK_QUEUE`.

.venv/bin/python worker.py
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from datetime import UTC, datetime

import asyncpg
from temporalio.client import Client
from temporalio.worker import Worker

from activities.restore_activities import RestoreActivities
from activities.sync_activities import SyncActivities
from playlist_sync.config import ConfigError, Settings, load_settings
from playlist_sync.db.connection import DatabaseUnavailable, open_pool
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.temporal_client import TemporalUnavailable, connect
from playlist_sync.youtube.client import youtube_client_from_settings
from playlist_sync.youtube.rate_limiter import RateLimiter
from workflows.restore_workflow import PlaylistRestoreWorkflow
from workflows.sync_workflow import PlaylistSyncWorkflow

log = logging.getLogger("playlist_sync.worker")

WORKFLOWS = [PlaylistSyncWorkflow, PlaylistRestoreWorkflow]


async def build_worker(
    client: Client,
    pool: asyncpg.Pool,
    settings: Settings,
    *,
    task_queue: str | None = None,
    limiter: RateLimiter | None = None,
) -> Worker:
    """The worker, with its activities bound to `pool` and one shared YouTube client (paced by
    `limiter`, by default the client's safety cap)."""
    youtube = await youtube_client_from_settings(settings, pool, limiter=limiter)

    async def youtube_for(job_id: int, workflow_now: datetime) -> SyncYouTube:
        return youtube.for_job(job_id, not_before=workflow_now)

    activities = [
        *SyncActivities(pool, youtube_for, youtube.ledger).all(),
        *RestoreActivities(pool, youtube).all(),
    ]
    return Worker(
        client,
        task_queue=task_queue or settings.temporal_task_queue,
        workflows=WORKFLOWS,
        activities=activities,
        max_concurrent_activities=32,
    )


async def run(settings: Settings) -> None:
    pool = await open_pool(settings)
    client = await connect(settings)
    worker = await build_worker(client, pool, settings)
    log.info(
        "worker polling %s on %s (%s)",
        settings.temporal_task_queue,
        settings.temporal_address,
        datetime.now(UTC).isoformat(timespec="seconds"),
    )
    try:
        await worker.run()
    finally:
        await pool.close()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        asyncio.run(run(load_settings()))
    except (ConfigError, DatabaseUnavailable, TemporalUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2 if isinstance(error, ConfigError) else 1
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    code = main()
    # temporalio's native threads can crash CPython's teardown (temporalio/sdk-python#300),
    # turning a clean stop into exit 134 or 139: flush and leave without it.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
