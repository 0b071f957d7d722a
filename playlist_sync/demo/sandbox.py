"""The demo's own corner of the stack: a database, a data dir and a Temporal namespace.

The user's real data stays untouched: the demo's sync jobs are numbered from 1 in their own
database, so their workflow ids (`playlist-sync-1`...) would collide with the user's real
syncs in the same namespace; its own namespace keeps both apart, in Temporal and the Web UI.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import asyncpg
from google.protobuf.duration_pb2 import Duration
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
    ListSearchAttributesResponse,
)
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, RegisterNamespaceRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from playlist_sync.config import Settings, load_settings
from playlist_sync.db.connection import with_database
from playlist_sync.stack.temporal_dev_server import SEARCH_ATTRIBUTES

DATABASE = "playlist_sync_demo"
NAMESPACE = "playlist-sync-demo"
TASK_QUEUE = "playlist-sync-demo"
# Compressed quota windows, the same for the emulator and the app. The worker writes at most
# 10 times a second (the client's pacing), so 40 writes (2,000 units) take about 4 s of each
# 6 s window: every window runs dry before it ends, and the ~11,000 units of the sample
# library take several windows, so the sync pauses for quota and resumes by itself repeatedly.
DAILY_QUOTA = 2000
QUOTA_RESET = "every:6s"

NAMESPACE_READY_SECONDS = 30
_SEARCH_ATTRIBUTE_TYPES = {
    "Keyword": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "Int": IndexedValueType.INDEXED_VALUE_TYPE_INT,
}


def data_dir(settings: Settings) -> Path:
    """The demo's OAuth grant, client secrets and categories file live here."""
    return settings.data_dir.resolve() / "demo"


async def fresh_database(app_database_url: str) -> str:
    """Drops and recreates the demo database on the app's server; returns its URL."""
    demo_url = with_database(app_database_url, DATABASE)
    if demo_url == app_database_url:
        raise ValueError(f"DATABASE_URL names {DATABASE}, the demo's own database")
    conn = await asyncpg.connect(app_database_url)
    try:
        # FORCE: a demo interrupted a moment ago may still hold connections.
        await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await conn.close()
    return demo_url


async def ensure_namespace(client: Client) -> None:
    """The demo namespace, with the sync's search attributes (the dev server registers them
    only for the namespaces it started with)."""
    try:
        await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace=NAMESPACE)
        )
    except RPCError as error:
        if error.status != RPCStatusCode.NOT_FOUND:
            raise
        try:
            await client.workflow_service.register_namespace(
                RegisterNamespaceRequest(
                    namespace=NAMESPACE,
                    description="playlist-sync's demo (`starter.py demo`)",
                    workflow_execution_retention_period=Duration(
                        seconds=int(timedelta(days=1).total_seconds())
                    ),
                )
            )
        except RPCError as race:
            if race.status != RPCStatusCode.ALREADY_EXISTS:
                raise
    listed = await _search_attributes_once_known(client)
    missing = {
        name: _SEARCH_ATTRIBUTE_TYPES[kind]
        for name, kind in SEARCH_ATTRIBUTES.items()
        if name not in listed.custom_attributes
    }
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=NAMESPACE, search_attributes=missing)
        )


async def _search_attributes_once_known(client: Client) -> ListSearchAttributesResponse:
    # A namespace registered a moment ago reaches every service of the server within
    # seconds (the namespace cache refreshes), not at once.
    deadline = asyncio.get_running_loop().time() + NAMESPACE_READY_SECONDS
    while True:
        try:
            return await client.operator_service.list_search_attributes(
                ListSearchAttributesRequest(namespace=NAMESPACE)
            )
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            if asyncio.get_running_loop().time() > deadline:
                raise
        await asyncio.sleep(0.25)


async def end_leftover_syncs(client: Client) -> int:
    """Terminates demo syncs an interrupted demo left running: the fresh database no longer
    knows them, and the next `playlist-sync-1` must be free to start."""
    ended = 0
    async for execution in client.list_workflows("ExecutionStatus = 'Running'"):
        handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
        try:
            await handle.terminate("left over from an interrupted demo")
        except RPCError as error:
            # The list is eventually consistent: it may still show a run that just ended.
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            continue
        ended += 1
    return ended


def demo_settings(settings: Settings, database_url: str, youtube_api_url: str) -> Settings:
    return load_settings(
        DATABASE_URL=database_url,
        PLAYLIST_SYNC_DATA_DIR=str(data_dir(settings)),
        TEMPORAL_ADDRESS=settings.temporal_address,
        TEMPORAL_NAMESPACE=NAMESPACE,
        TEMPORAL_TASK_QUEUE=TASK_QUEUE,
        YOUTUBE_API_URL=youtube_api_url,
        YOUTUBE_DAILY_QUOTA=DAILY_QUOTA,
        QUOTA_RESET=QUOTA_RESET,
    )
