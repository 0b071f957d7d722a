"""`starter.py emulator` in the foreground, and the demo's sandbox set up twice in a row."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

import asyncpg
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from playlist_sync.demo import sandbox
from playlist_sync.emulator import EmulatorAdmin
from playlist_sync.emulator.seed import load_seed_file
from playlist_sync.temporal_client import data_converter
from tests.cli.conftest import (
    ROOT,
    small_library,
    start_starter,
    starter,
    user_environment,
)
from tests.ports import free_port_pair


async def test_emulator_serves_in_the_foreground_until_ctrl_c(tmp_path: Path) -> None:
    seed = tmp_path / "library.json"
    seed.write_text(json.dumps(small_library()))
    port = free_port_pair()
    args = ("emulator", "--port", str(port), "--seed", str(seed), "--daily-quota", "500")
    process = await start_starter(user_environment(), *args, cwd=tmp_path)
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 30)
    assert line.decode().strip() == f"YouTube emulator listening on http://127.0.0.1:{port}"
    state = await asyncio.to_thread(EmulatorAdmin(f"http://127.0.0.1:{port}").state)
    assert len(state["playlists"]) == 4 and state["quota"]["dailyLimit"] == 500
    process.send_signal(signal.SIGINT)
    await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0

    bad = await starter(
        user_environment(), "emulator", "--port", "1", "--quota-reset", "hourly", cwd=tmp_path
    )
    assert bad.code == 2 and len(bad.err_lines) == 1
    assert bad.err.startswith("error: --quota-reset: expected 'pacific-midnight' or 'every:<N>s'")


async def test_the_demo_sandbox_is_set_up_afresh_each_time(
    database_url: str, dev_server_env: WorkflowEnvironment
) -> None:
    """`make demo` twice in a row: the second run finds the first one's leftovers."""
    demo_url = await sandbox.fresh_database(database_url)
    interrupted = await asyncpg.connect(demo_url)  # a demo killed mid-run holds connections
    await interrupted.execute("CREATE TABLE leftover (id int)")
    assert await sandbox.fresh_database(database_url) == demo_url
    conn = await asyncpg.connect(demo_url)
    assert await conn.fetchval("SELECT to_regclass('leftover')") is None
    await conn.close()
    assert interrupted.is_closed() or not await _alive(interrupted)

    target = dev_server_env.client.service_client.config.target_host
    client = await Client.connect(
        target, namespace=sandbox.NAMESPACE, data_converter=data_converter
    )
    await sandbox.ensure_namespace(client)
    await sandbox.ensure_namespace(client)
    leftover = await client.start_workflow(
        "PlaylistSync", id="playlist-sync-1", task_queue="nobody-polls"
    )
    # Visibility is eventually consistent: a leftover is listed a moment after it started,
    # as a real one (from a demo interrupted minutes ago) already is.
    await _until_listed(client, f"WorkflowId = '{leftover.id}' AND ExecutionStatus = 'Running'")
    assert await sandbox.end_leftover_syncs(client) == 1
    assert (await leftover.describe()).status == WorkflowExecutionStatus.TERMINATED
    # Listed a moment longer as running, it is not terminated twice.
    assert await sandbox.end_leftover_syncs(client) == 0


async def _until_listed(client: Client, query: str) -> None:
    while True:
        async for _ in client.list_workflows(query):
            return
        await asyncio.sleep(0.05)


async def _alive(conn: asyncpg.Connection) -> bool:
    try:
        await asyncio.wait_for(conn.fetchval("SELECT 1"), 5)
    except (asyncpg.PostgresError, asyncpg.InterfaceError, ConnectionError, OSError):
        return False
    return True


def test_the_readme_documents_the_seed_with_an_example_the_emulator_loads() -> None:
    example = ROOT / "examples" / "library.json"
    seed = load_seed_file(example)
    assert {v.status for v in seed.videos} == {"public", "unlisted", "private", "deleted"}
    assert any(v.channelId == seed.channel.id for v in seed.videos)
    assert any(not p.manualSort for p in seed.playlists)
    readme = (ROOT / "README.md").read_text()
    assert f"```json\n{example.read_text()}```" in readme
