"""The services one bench run starts for itself and stops at the end: the embedded Postgres
(pgserver) and the Temporal dev server, both in a temporary folder, on free ports."""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from playlist_sync.db.connection import ensure_database, with_database
from playlist_sync.stack import embedded_postgres
from playlist_sync.stack.binaries import temporal_cli
from playlist_sync.temporal_client import data_converter, search_attribute_keys


@dataclass
class BenchStack:
    folder: Path
    postgres_url: str
    temporal: WorkflowEnvironment
    _names: itertools.count[int] = field(default_factory=itertools.count)

    def scratch(self, name: str) -> Path:
        """A fresh folder for one world (its grant, its logs)."""
        path = self.folder / f"{name}-{next(self._names)}"
        path.mkdir(parents=True)
        return path

    async def fresh_database(self) -> str:
        """An empty database; the pool that opens it applies the migrations."""
        name = f"bench_{next(self._names)}"
        await ensure_database(self.postgres_url, name)
        return with_database(self.postgres_url, name)


@asynccontextmanager
async def bench_stack() -> AsyncIterator[BenchStack]:
    with tempfile.TemporaryDirectory(prefix="playlist-sync-bench-") as folder:
        root = Path(folder)
        pgdata = root / "postgres"
        postgres_url = await asyncio.to_thread(embedded_postgres.ensure_running, pgdata)
        try:
            with _children_write_to(root / "temporal.log"):
                # A SQLite file, as `starter.py stack up` runs it, not the in-memory default.
                temporal = await WorkflowEnvironment.start_local(
                    dev_server_existing_path=temporal_cli(),
                    dev_server_database_filename=str(root / "temporal.db"),
                    data_converter=data_converter,
                    search_attributes=search_attribute_keys(),
                )
            try:
                yield BenchStack(root, postgres_url, temporal)
            finally:
                await temporal.shutdown()
        finally:
            await asyncio.to_thread(embedded_postgres.stop, pgdata)


@contextmanager
def _children_write_to(log: Path) -> Iterator[None]:
    """Processes started meanwhile inherit `log` as stdout and stderr: the dev server prints
    its banner and warnings there instead of into the bench's table."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log, "ab") as out:
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])
