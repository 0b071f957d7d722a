"""The worker: runs playlist-sync's workflows and activities on `TEMPORAL_TASK_QUEUE`.

.venv/bin/python worker.py
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from datetime import UTC, datetime

from temporalio.runtime import Runtime

from playlist_sync.config import ConfigError, Settings, load_settings
from playlist_sync.db.connection import DatabaseUnavailable
from playlist_sync.stack.app_database import open_pool
from playlist_sync.temporal_client import TemporalUnavailable, connect
from playlist_sync.worker_waits import quiet_pool_retries, quiet_runtime, watch_stack
from playlist_sync.workers import build_worker

log = logging.getLogger("playlist_sync.worker")


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
    # Says in one line when the stack goes away and comes back; the worker retries meanwhile.
    watching = asyncio.create_task(watch_stack(pool, client, settings))
    try:
        await worker.run()
    finally:
        watching.cancel()
        await pool.close()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    quiet_pool_retries()
    Runtime.set_default(quiet_runtime())
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
