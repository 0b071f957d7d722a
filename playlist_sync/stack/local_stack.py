"""`starter.py stack up | down | status`: start, stop and describe the embedded services."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from playlist_sync.config import Settings
from playlist_sync.db.connection import create_pool, with_database
from playlist_sync.stack import embedded_postgres, temporal_dev_server
from playlist_sync.stack.app_database import APP_DATABASE, resolve_database_url


class StackStatus(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)

    database_url: str
    temporal_address: str
    temporal_ui_url: str
    running: bool


class _Started(BaseModel):
    """What `up` started, so that `down` stops only that."""

    postgres: bool = False
    temporal_pid: int | None = None


def _state_file(settings: Settings) -> Path:
    return settings.data_dir.resolve() / "stack.json"


def _load_started(settings: Settings) -> _Started:
    path = _state_file(settings)
    return _Started.model_validate_json(path.read_text()) if path.exists() else _Started()


def _save_started(settings: Settings, started: _Started) -> None:
    path = _state_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(started.model_dump_json())


def _is_local(address: str) -> bool:
    return address.rpartition(":")[0] in ("localhost", "127.0.0.1", "::1")


async def up(settings: Settings) -> StackStatus:
    started = _load_started(settings)
    if settings.database_url is None:
        pgdata = embedded_postgres.pgdata_dir(settings.data_dir)
        if not embedded_postgres.is_running(pgdata):
            started.postgres = True
    database_url = await resolve_database_url(settings)
    pool = await create_pool(database_url, max_size=1)  # applies pending migrations
    await pool.close()

    address, namespace = settings.temporal_address, settings.temporal_namespace
    if not await temporal_dev_server.is_serving(address, namespace):
        if not _is_local(address):
            raise RuntimeError(f"no Temporal server answers at {address}")
        data_dir = settings.data_dir.resolve() / "temporal"
        args = temporal_dev_server.command(address, namespace, data_dir)
        pid = temporal_dev_server.start_detached(args, data_dir / "server.log")
        started.temporal_pid = pid
        _save_started(settings, started)
        await temporal_dev_server.wait_until_serving(address, namespace, 60, pid)
    _save_started(settings, started)
    return StackStatus(
        database_url=database_url,
        temporal_address=address,
        temporal_ui_url=settings.temporal_ui_url,
        running=True,
    )


async def down(settings: Settings) -> list[str]:
    started = _load_started(settings)
    stopped = []
    if started.temporal_pid is not None and temporal_dev_server.pid_alive(started.temporal_pid):
        temporal_dev_server.stop(started.temporal_pid)
        stopped.append("temporal")
    if started.postgres and settings.database_url is None:
        if embedded_postgres.stop(embedded_postgres.pgdata_dir(settings.data_dir)):
            stopped.append("postgres")
    _save_started(settings, _Started())
    return stopped


async def status(settings: Settings) -> StackStatus:
    if settings.database_url is not None:
        database_url = settings.database_url
        postgres_up = True
    else:
        pgdata = embedded_postgres.pgdata_dir(settings.data_dir)
        postgres_up = embedded_postgres.is_running(pgdata)
        database_url = embedded_url(pgdata) if postgres_up else ""
    temporal_up = await temporal_dev_server.is_serving(
        settings.temporal_address, settings.temporal_namespace
    )
    return StackStatus(
        database_url=database_url,
        temporal_address=settings.temporal_address,
        temporal_ui_url=settings.temporal_ui_url,
        running=postgres_up and temporal_up,
    )


def embedded_url(pgdata: Path) -> str:
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    assert info is not None
    return with_database(info.get_uri(), APP_DATABASE)


def dumps(status: StackStatus) -> str:
    return json.dumps(status.model_dump(by_alias=True))
