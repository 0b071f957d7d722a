"""Shared fixtures: one real Postgres (pgserver) and the real Temporal servers for the session."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.testing import WorkflowEnvironment

from playlist_sync.db.connection import create_pool, ensure_database, with_database
from playlist_sync.db.migrations import migrate
from playlist_sync.stack import embedded_postgres
from playlist_sync.stack.binaries import temporal_cli, temporal_test_server
from playlist_sync.stack.temporal_dev_server import SEARCH_ATTRIBUTES
from playlist_sync.temporal_client import data_converter, search_attribute_keys

_TEMPLATE = "playlist_sync_template"
_databases = itertools.count()


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="ps-pg-") as folder:
        pgdata = Path(folder) / "pg"
        yield embedded_postgres.ensure_running(pgdata)
        embedded_postgres.stop(pgdata)


@pytest.fixture(scope="session")
async def migrated_template(postgres_server_url: str) -> str:
    await ensure_database(postgres_server_url, _TEMPLATE)
    conn = await asyncpg.connect(with_database(postgres_server_url, _TEMPLATE))
    try:
        await migrate(conn)
    finally:
        await conn.close()
    return _TEMPLATE


@pytest.fixture
async def database_url(postgres_server_url: str, migrated_template: str) -> str:
    """A fresh, migrated database per test, so no test sees another's rows (cloning is ~50 ms)."""
    number = next(_databases)
    name = f"test_{number}"
    await ensure_database(postgres_server_url, name, template=migrated_template)
    url = with_database(postgres_server_url, name)
    # Tests share one Temporal server: distinct job ids keep their workflow ids
    # (playlist-sync-<id>, playlist-restore-<id>) from colliding.
    conn = await asyncpg.connect(url)
    try:
        for sequence in ("sync_jobs_id_seq", "restore_jobs_id_seq"):
            await conn.execute(f"ALTER SEQUENCE {sequence} RESTART WITH {number * 1000 + 1}")
    finally:
        await conn.close()
    return url


@pytest.fixture
async def db_pool(database_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(database_url, max_size=20)
    yield pool
    await pool.close()


@pytest.fixture(scope="session")
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server(), data_converter=data_converter
    )
    await env.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=env.client.namespace,
            search_attributes={
                "SyncStage": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
                "SyncJobId": IndexedValueType.INDEXED_VALUE_TYPE_INT,
            },
        )
    )
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def dev_server_env() -> AsyncIterator[WorkflowEnvironment]:
    """The real dev server, with a low continue-as-new suggestion so long runs roll over quickly."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(),
        data_converter=data_converter,
        search_attributes=search_attribute_keys(),
        dev_server_extra_args=[
            "--dynamic-config-value",
            "limit.historyCount.suggestContinueAsNew=300",
        ],
    )
    yield env
    await env.shutdown()


assert set(SEARCH_ATTRIBUTES) == {"SyncStage", "SyncJobId"}
