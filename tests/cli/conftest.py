"""Running `starter.py` as a user does: a subprocess, configured by environment variables,
against the real Postgres, Temporal dev server and the emulator."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from tests.ports import free_port_pair
from tests.sync.world import SyncWorld, library, sync_world, videos

ROOT = Path(__file__).resolve().parents[2]
CONFIG_VARIABLES = (
    "DATABASE_URL",
    "PLAYLIST_SYNC_DATA_DIR",
    "TEMPORAL_ADDRESS",
    "TEMPORAL_NAMESPACE",
    "TEMPORAL_TASK_QUEUE",
    "YOUTUBE_API_URL",
    "YOUTUBE_DAILY_QUOTA",
    "QUOTA_RESET",
)

DELETED, PRIVATE = "rcp000000003", "gtr000000002"
CATEGORIES = """
categories:
  - name: Cooking
    from_playlists: [Recipes, Dinners]
  - name: Guitar
    videos: [gtr000000009]
    from_playlists: [Guitar]
keep_playlists: [Watch later]
"""


def small_library(videos_per_playlist: int = 10) -> dict[str, Any]:
    """Three playlists to fold into two categories, one to keep, one deleted and one
    private video: about 3 * videos_per_playlist writes."""
    n = videos_per_playlist
    return library(
        {
            "Recipes": videos("rcp", n),
            "Dinners": videos("din", n),
            "Guitar": videos("gtr", n),
            "Watch later": videos("wtl", 3),
        },
        deleted=(DELETED,),
        private=(PRIVATE,),
    )


def slow_youtube(cli: CliWorld) -> None:
    """Every emulator answer takes 200 ms: a sync of ~120 writes into two playlists then
    takes ~12 s, however fast the client may write, so it is still at work when paused."""
    cli.world.admin.set_faults(latency_ms=200)


def user_environment(**settings: str) -> dict[str, str]:
    """This process's environment without our configuration, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    return {**env, **settings}


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


async def starter(env: dict[str, str], *args: str, cwd: Path, within: float = 60) -> Ran:
    """`python starter.py ARGS` to its end. Async, so a worker in this process keeps running."""
    process = await start_starter(env, *args, cwd=cwd)
    out, err = await asyncio.wait_for(process.communicate(), within)
    assert process.returncode is not None
    return Ran(process.returncode, out.decode(), err.decode())


async def start_starter(
    env: dict[str, str], *args: str, cwd: Path, sigint_ignored: bool = False
) -> asyncio.subprocess.Process:
    """`python starter.py ARGS`, its output piped. `sigint_ignored`: started as a shell without
    job control starts `cmd &` (SIGINT ignored), whatever this process's own SIGINT is."""
    command = [sys.executable, str(ROOT / "starter.py"), *args]
    if sigint_ignored:
        command = ["/bin/sh", "-c", "trap '' INT; exec \"$@\"", "sh", *command]
    # cwd: a folder without `.env`, so nothing but `env` configures the command.
    return await asyncio.create_subprocess_exec(
        *command,
        env=env, cwd=cwd, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


@dataclass
class CliWorld:
    """A sync world (emulator, grant, database, Temporal) and `starter.py` pointed at it."""

    world: SyncWorld
    cwd: Path

    @property
    def env(self) -> dict[str, str]:
        return user_environment(**self.world.environment())

    async def run(self, *args: str, within: float = 60) -> Ran:
        return await starter(self.env, *args, cwd=self.cwd, within=within)

    async def start_sync(self) -> int:
        """`sync --json`; the job's id (tests share one Temporal server: ids differ per test)."""
        started = await self.run("sync", "--json")
        assert started.code == 0, started.err
        job = json.loads(started.out)
        assert job["workflowId"] == f"playlist-sync-{job['jobId']}"
        return int(job["jobId"])

    async def ready_to_sync(self, categories: str = CATEGORIES) -> None:
        """Imported and categorised, through the commands."""
        assert (await self.run("import")).code == 0
        path = self.cwd / "categories.yaml"
        path.write_text(categories)
        applied = await self.run("categories", "apply", str(path))
        assert applied.code == 0, applied.err


@asynccontextmanager
async def cli_world_on(
    client: Client, database_url: str, tmp_path: Path, **options: Any
) -> AsyncIterator[CliWorld]:
    """A sync world (seeded with `options["seed"]`, default small_library()) for the CLI."""
    options.setdefault("seed", small_library())
    async with sync_world(
        client=client, database_url=database_url, data_dir=tmp_path / "data", **options
    ) as world:
        yield CliWorld(world, tmp_path)


@pytest.fixture
async def cli_world(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> AsyncIterator[CliWorld]:
    async with cli_world_on(dev_server_env.client, database_url, tmp_path) as world:
        yield world


@dataclass
class DemoRun:
    """`starter.py demo` in a subprocess on a stack of its own (free ports, fresh data dir)."""

    process: asyncio.subprocess.Process
    env: dict[str, str]
    cwd: Path
    port: int

    async def finished(self, within: float) -> Ran:
        out, err = await asyncio.wait_for(self.process.communicate(), within)
        assert self.process.returncode is not None
        return Ran(self.process.returncode, out.decode(), err.decode())

    async def stop_stack(self) -> Ran:
        return await starter(self.env, "stack", "down", cwd=self.cwd)


DEMO_TEST = "test_demo_runs_the_whole_journey_and_reports"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The demo's test goes last: the demo runs while the other tests do (see demo_run)."""
    items.sort(key=lambda item: item.name == DEMO_TEST)


@pytest.fixture(scope="session", autouse=True)
async def demo_run(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[DemoRun | None]:
    """Starts the demo as soon as the first CLI test runs, when the demo's test is selected.

    The demo spends most of its ~40 s waiting for quota windows, on a stack of its own: run
    beside the other CLI tests, it keeps the whole set well under a minute and a half.
    """
    if not any(
        item.name == "test_demo_runs_the_whole_journey_and_reports"
        for item in request.session.items
    ):
        yield None
        return
    folder = tmp_path_factory.mktemp("demo")
    port = free_port_pair()
    # No DATABASE_URL: the demo starts the embedded Postgres, as on a fresh clone.
    env = user_environment(
        PLAYLIST_SYNC_DATA_DIR=str(folder / "data"), TEMPORAL_ADDRESS=f"127.0.0.1:{port}"
    )
    run = DemoRun(await start_starter(env, "demo", cwd=folder), env, folder, port)
    yield run
    if run.process.returncode is None:
        run.process.kill()
        await run.process.wait()
    await run.stop_stack()
