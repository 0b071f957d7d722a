"""`starter.py schedule ...` as a user runs it: create, list, pause, unpause, trigger, delete;
bad input refused in one line with nothing changed; a run waiting for approval shown as such;
and the schedule still there after a restart of the stack."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from playlist_sync.schedule.schedule_control import SCHEDULE_ID
from playlist_sync.stack.binaries import temporal_cli
from tests.cli.conftest import CliWorld, cli_world_on, starter, user_environment
from tests.ports import free_port_pair


@pytest.fixture
async def cli(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> AsyncIterator[CliWorld]:
    """A CLI world; the schedule (one id for everyone, as the contract names it) is deleted
    after the test, whatever it did."""
    async with cli_world_on(dev_server_env.client, database_url, tmp_path) as world:
        try:
            yield world
        finally:
            await world.run("schedule", "delete")


async def listed(cli: CliWorld) -> Any:
    ran = await cli.run("schedule", "list", "--json")
    assert ran.code == 0, ran.err
    return json.loads(ran.out)


async def test_bad_input_is_one_line_exit_2_and_changes_nothing(cli: CliWorld) -> None:
    for action in ("pause", "unpause", "trigger", "delete"):
        ran = await cli.run("schedule", action)
        assert ran.code == 2 and ran.out == ""
        assert ran.err_lines == [
            "error: no schedule yet: `starter.py schedule create --every 6h` makes one"
        ]
    assert await listed(cli) is None
    for args in (
        ["--every", "0"],
        ["--every", "0s"],
        ["--every", "-5m"],
        ["--every=-1h"],
        ["--every", "soon"],
        ["--every", "6h", "--max-delete", "101"],
        ["--every", "6h", "--max-delete", "-1"],
    ):
        ran = await cli.run("schedule", "create", *args)
        assert ran.code == 2, (args, ran)
        assert len(ran.err_lines) == 1 and ran.err.startswith("error: --"), (args, ran.err)
    assert await listed(cli) is None

    created = await cli.run("schedule", "create", "--every", "6h")
    assert created.code == 0, created.err
    again = await cli.run("schedule", "create", "--every", "1h", "--max-delete", "10")
    assert again.code == 2
    assert again.err_lines == [
        f"error: the schedule {SCHEDULE_ID} exists already (`starter.py schedule list` shows"
        " it); to replace it, `starter.py schedule delete`, then create it again"
    ]
    schedule = await listed(cli)
    assert schedule["every"] == "6h" and schedule["maxDelete"] == 50

    ran = await cli.run("sync", "--max-delete", "250")
    assert ran.code == 2
    assert ran.err_lines == ["error: --max-delete 250: give a percentage from 0 to 100"]
    assert await cli.world.pool.fetchval("SELECT count(*) FROM sync_jobs") == 0


async def test_create_list_pause_unpause_trigger_and_approve_a_waiting_run(cli: CliWorld) -> None:
    await cli.ready_to_sync()
    created = await cli.run("schedule", "create", "--every", "6h", "--max-delete", "10")
    assert created.code == 0, created.err
    assert f"/namespaces/default/schedules/{SCHEDULE_ID}" in created.out

    schedule = await listed(cli)
    assert schedule["scheduleId"] == SCHEDULE_ID
    assert (schedule["every"], schedule["paused"], schedule["maxDelete"]) == ("6h", False, 10)
    assert schedule["nextRunAt"] is not None and schedule["recentRuns"] == []

    # What Temporal's own CLI (and the Web UI's Schedules page) shows of it.
    described = await asyncio.create_subprocess_exec(
        str(temporal_cli()), "schedule", "describe", "--schedule-id", SCHEDULE_ID,
        "--address", cli.world.settings.temporal_address, "-o", "json",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(described.communicate(), 30)
    assert described.returncode == 0, err
    assert "PlaylistSyncScheduledRun" in out.decode()

    assert (await cli.run("schedule", "pause")).out == f"paused schedule {SCHEDULE_ID}\n"
    paused = await listed(cli)
    assert paused["paused"] is True and paused["nextRunAt"] is None

    async with cli.world.worker():
        # The first sync deletes "Dinners" (one of four playlists, 25%): past --max-delete 10.
        assert (await cli.run("schedule", "trigger")).code == 0
        run = await _run_until(cli, lambda r: r["outcome"] == "waiting_for_approval")
        job_id = run["jobId"]
        again = await cli.run("schedule", "trigger")
        assert "a run is still at work: this one is skipped" in again.out, again.out
        text = (await cli.run("schedule", "list")).out
        assert f"waiting for approval: sync {job_id}'s plan" in text, text
        assert f"`starter.py resume {job_id}` approves it" in text
        status = (await cli.run("status", str(job_id))).out
        assert "waiting for your approval" in status and "deletes 1 of 4 playlists" in status

        resumed = await cli.run("resume", str(job_id))
        assert resumed.code == 0, resumed.err
        assert resumed.out.startswith(f"approved sync {job_id}'s plan"), resumed.out
        run = await _run_until(cli, lambda r: r["outcome"] == "synced", within=90)
        assert (
            run["writes"] > 0
            and f"sync {job_id} made {run['writes']} write{'s' * (run['writes'] != 1)}"
            == run["message"]
        )

    assert (await cli.run("schedule", "unpause")).code == 0
    assert (await listed(cli))["paused"] is False
    assert (await cli.run("schedule", "delete")).code == 0
    assert await listed(cli) is None


async def _run_until(cli: CliWorld, condition: Any, within: float = 60) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        runs = (await listed(cli))["recentRuns"]
        if runs and condition(runs[-1]):
            return dict(runs[-1])
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"the run never got there: {runs}")
        await asyncio.sleep(0.3)


async def test_the_schedule_survives_a_restart_of_the_stack(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port_pair()
    env = user_environment(
        DATABASE_URL=database_url,
        PLAYLIST_SYNC_DATA_DIR=str(tmp_path / "data"),
        TEMPORAL_ADDRESS=f"127.0.0.1:{port}",
    )
    env.pop("TEMPORAL_TASK_QUEUE", None)

    async def run(*args: str) -> Any:
        ran = await starter(env, *args, cwd=tmp_path, within=120)
        assert ran.code == 0, (args, ran.err)
        return ran

    try:
        await run("stack", "up")
        await run("schedule", "create", "--every", "1d", "--max-delete", "30")
        await run("stack", "down")
        await run("stack", "up")
        schedule = json.loads((await run("schedule", "list", "--json")).out)
        assert (schedule["every"], schedule["maxDelete"], schedule["paused"]) == ("1d", 30, False)
    finally:
        with contextlib.suppress(AssertionError):
            await run("stack", "down")
