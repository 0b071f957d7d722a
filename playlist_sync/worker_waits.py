"""A worker whose stack goes away (`stack down`, a restart, a network cut) waits and retries by
itself, quietly, and says in one line what it waits for, then one line when it is back.

Left alone, asyncpg's pool logs a traceback every second while Postgres is down, and
Temporal's client a warning for every poll it retries: a log nobody can read, in which the one
thing that matters (what is missing) is lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import asyncpg
from temporalio.client import Client
from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig
from temporalio.service import RPCError, RPCStatusCode

from playlist_sync.config import Settings

log = logging.getLogger("playlist_sync.worker")

# Temporal Core's own warnings stay (a non-determinism, a task failure), except the client's
# retries of a server it cannot reach: watch_stack says that once.
_CORE_LOG_FILTER = ",".join(
    [
        "ERROR",
        "temporalio_common=WARN",
        "temporalio_sdk_core=WARN",
        "temporalio_client=ERROR",
        "temporalio_sdk=WARN",
        "temporal_sdk_bridge=WARN",
    ]
)
_UNREACHABLE = (RPCStatusCode.UNAVAILABLE, RPCStatusCode.CANCELLED)
_CHECK_SECONDS = 2.0
_CHECK_TIMEOUT = 5.0


def quiet_runtime() -> Runtime:
    """The Temporal runtime for worker.py: Core's logs without the poll-retry warnings."""
    return Runtime(telemetry=TelemetryConfig(logging=LoggingConfig(filter=_CORE_LOG_FILTER)))


class _PoolFloorRetries(logging.Filter):
    """Drops asyncpg's "Failed to restore the pool connection floor; retrying" (a traceback
    every second while Postgres is down); the pool does reconnect by itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to restore the pool connection floor")


def quiet_pool_retries() -> None:
    logging.getLogger("asyncpg.pool").addFilter(_PoolFloorRetries())


async def watch_stack(
    pool: asyncpg.Pool, client: Client, settings: Settings, *, every: float = _CHECK_SECONDS
) -> None:
    """Runs beside the worker: checks Postgres and Temporal every few seconds and logs one
    line when one goes away (and what brings it back), one when it is back."""
    checks: list[tuple[str, Callable[[], Awaitable[object]]]] = [
        ("Postgres", lambda: pool.fetchval("SELECT 1")),
        (f"Temporal at {settings.temporal_address}", client.service_client.check_health),
    ]
    missing: dict[str, str] = {}  # name -> why
    while True:
        now_missing: dict[str, str] = {}
        for name, check in checks:
            try:
                await asyncio.wait_for(check(), _CHECK_TIMEOUT)
            except Exception as error:  # any failure means: not reachable
                now_missing[name] = missing.get(name) or _reason(error)
        if now_missing.keys() - missing.keys():
            log.warning(
                "waiting for %s; the worker retries by itself (`starter.py stack up` starts"
                " the local stack)",
                " and ".join(f"{name} ({why})" for name, why in now_missing.items()),
            )
        for name in missing.keys() - now_missing.keys():
            log.info("%s is back; the worker goes on", name)
        missing = now_missing
        await asyncio.sleep(every)


def _reason(error: BaseException) -> str:
    if isinstance(error, (OSError, asyncio.TimeoutError)):
        return "not reachable"  # a socket gone or refused: the server is not running
    if isinstance(error, RPCError) and error.status in _UNREACHABLE:
        return "not reachable"  # refused, or the connection cut as the server stopped
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]
