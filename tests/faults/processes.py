"""The processes a fault scenario kills, stops and starts again: workers, Temporal, Postgres."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from temporalio.client import Client

from playlist_sync.stack import temporal_dev_server
from playlist_sync.temporal_client import data_converter
from tests.ports import free_port_pair
from tests.sync.world import ROOT, SyncWorld


class WorkerProcesses:
    """`worker.py` subprocesses of one world, all logging to one file; every one is killed at
    the end of the `with` block, so none outlives its test."""

    def __init__(self, world: SyncWorld, log: Path, python_args: list[str] | None = None) -> None:
        self.world = world
        self.log = log
        self.python_args = python_args
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        if self.python_args is None:
            process = self.world.worker_process(self.log)
        else:
            env = {**os.environ, **self.world.environment()}
            with open(self.log, "ab") as out:
                process = subprocess.Popen(
                    [sys.executable, *self.python_args], env=env, stdout=out, stderr=out, cwd=ROOT
                )
        self.running.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL: no chance to finish the write in flight or to tell Temporal anything."""
        process.send_signal(signal.SIGKILL)
        process.wait()
        self.running.remove(process)

    def __enter__(self) -> WorkerProcesses:
        return self

    def __exit__(self, *exc: object) -> None:
        for process in list(self.running):
            self.kill(process)


def identity_of(process: subprocess.Popen[bytes]) -> str:
    """The start of the Temporal worker identity of a worker process (the SDK's `pid@host`)."""
    return f"{process.pid}@"


class OwnDevServer:
    """A Temporal dev server of the test's own, with its SQLite file in `data_dir`, which can be
    stopped and started again on the same port and file."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.address = f"127.0.0.1:{free_port_pair()}"
        self.args = temporal_dev_server.command(self.address, "default", data_dir)
        self.pid: int | None = None

    async def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.pid = temporal_dev_server.start_detached(self.args, self.data_dir / "temporal.log")
        await temporal_dev_server.wait_until_serving(self.address, "default", 60, self.pid)

    async def stop(self) -> None:
        if self.pid is not None:
            await asyncio.to_thread(temporal_dev_server.stop, self.pid)
            self.pid = None

    async def client(self) -> Client:
        return await Client.connect(self.address, data_converter=data_converter)


@asynccontextmanager
async def own_dev_server(data_dir: Path) -> AsyncIterator[OwnDevServer]:
    server = OwnDevServer(data_dir)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


# The embedded Postgres is started and stopped from a separate interpreter: pgserver keeps one
# handle per data folder per process and would not start a server it believes it started.
_POSTGRES = """
import sys
from pathlib import Path
from playlist_sync.stack import embedded_postgres
pgdata = Path(sys.argv[2])
if sys.argv[1] == "start":
    print(embedded_postgres.ensure_running(pgdata))
else:
    embedded_postgres.stop(pgdata)
"""


def postgres(action: str, pgdata: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _POSTGRES, action, str(pgdata)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=90,
    )
    if done.returncode != 0:
        raise RuntimeError(f"postgres {action} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout.strip()


@contextmanager
def own_postgres() -> Iterator[tuple[Path, str]]:
    """A Postgres of the test's own (so stopping it disturbs no other test): (pgdata, URL).

    Not under pytest's tmp_path: the server runs as another user when the tests run as root,
    and every pytest session makes /tmp/pytest-of-<user> private again (0700).
    """
    with tempfile.TemporaryDirectory(prefix="ps-faults-pg-") as folder:
        pgdata = Path(folder) / "pg"
        url = postgres("start", pgdata)
        try:
            yield pgdata, url
        finally:
            postgres("stop", pgdata)
