"""No OAuth token leaves the token store: not into Temporal, the logs, the CLI or Postgres."""

from __future__ import annotations

import asyncio
import json
import stat
import sys
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.youtube.credentials import token_path
from playlist_sync.youtube.oauth_flow import approve_in_background
from tests.faults.checks import assert_youtube_matches, database_dump
from tests.faults.processes import WorkerProcesses
from tests.faults.starter_runs import Ran, starter, user_environment
from tests.sync.conftest import CATEGORIES
from tests.sync.world import ROOT, SyncWorld, categorised_world

# worker.py as a user debugging it would run it: every logger at DEBUG (google-auth,
# googleapiclient, oauthlib, asyncpg and Temporal's included).
DEBUG_WORKER = """
import logging, runpy, sys
configure = logging.basicConfig
logging.basicConfig = lambda **kw: configure(**{**kw, "level": logging.DEBUG})
sys.argv = ["worker.py"]
runpy.run_path("worker.py", run_name="__main__")
"""


async def cli_auth(world: SyncWorld, cwd: Path) -> Ran:
    """`starter.py auth --client-secrets FILE`, approving in the emulator's consent page."""
    secrets = world.settings.data_dir / "client_secrets.json"
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "starter.py"), "auth", "--client-secrets", str(secrets),
        env=user_environment(world.environment()), cwd=cwd, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    lines = []
    while True:
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        assert line, "auth ended without showing the authorisation URL"
        lines.append(line)
        if line.startswith("http"):
            approve_in_background(line.strip())
            break
    out, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, err.decode()
    return Ran(("auth",), 0, "".join(lines) + out.decode(), err.decode())


async def histories(world: SyncWorld, workflow_id: str) -> list[str]:
    """Every run's history (a long sync continues as new), as JSON text."""
    texts = []
    async for execution in world.client.list_workflows(f"WorkflowId = '{workflow_id}'"):
        handle = world.client.get_workflow_handle(workflow_id, run_id=execution.run_id)
        texts.append((await handle.fetch_history()).to_json())
    return texts


def fragments(token: str) -> list[str]:
    """The token and a piece of its random part, so a truncated copy is caught too."""
    middle = len(token) // 2
    return [token, token[middle - 8 : middle + 8]]


async def test_no_token_in_temporal_logs_cli_output_or_database(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    # Access tokens that live two seconds: the sync uses many, each a chance to leak.
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, seed, token_ttl=2, categories=CATEGORIES, strategy=Strategy.RECREATE
    ) as world:  # fmt: skip
        env = world.environment()
        places: dict[str, str] = {}
        ran = [await cli_auth(world, tmp_path)]
        with WorkerProcesses(world, tmp_path / "worker.log", ["-c", DEBUG_WORKER]) as workers:
            workers.start()
            for args in (("import",), ("preview", "--json"), ("preview",)):
                ran.append(await starter(env, *args, cwd=tmp_path))
            ran.append(await starter(env, "sync", "--json", cwd=tmp_path))
            started = json.loads(ran[-1].out)
            handle = world.client.get_workflow_handle(started["workflowId"])
            assert (await handle.result())["stage"] == "completed"
            for args in (("status", "--json"), ("status",), ("resume",)):
                ran.append(await starter(env, *args, cwd=tmp_path))
        assert_youtube_matches(world)

        assert [r.args for r in ran if r.code != 0] == [("resume",)]  # a finished sync
        for r in ran:
            places[f"starter.py {' '.join(r.args)}"] = r.out + r.err
        for number, text in enumerate(await histories(world, started["workflowId"])):
            places[f"history of run {number}"] = text
        description = await handle.describe()
        places["search attributes"] = repr(description.typed_search_attributes) + repr(
            description.search_attributes
        )
        places["memo"] = json.dumps(await description.memo())
        places["worker log"] = (tmp_path / "worker.log").read_text()
        for table, rows in (await database_dump(world.pool)).items():
            places[f"table {table}"] = rows

        tokens = world.admin.state()["tokens"]
        assert len(tokens["access"]) > 5 and len(tokens["refresh"]) == 2  # two grants
        assert "DEBUG" in places["worker log"]  # the log was as talkative as it gets
        leaks = [
            f"{kind} token in {place}"
            for kind, issued in tokens.items()
            for token in issued
            for place, text in places.items()
            if any(fragment in text for fragment in fragments(token))
        ]
        assert not leaks, sorted(set(leaks))
        # The search finds what is there: the store holds the latest refresh token.
        grant = token_path(world.settings.data_dir)
        assert any(f in grant.read_text() for f in fragments(tokens["refresh"][-1]))

        # The grant itself: readable by its owner only, in a folder only its owner enters.
        assert stat.S_IMODE(grant.stat().st_mode) == 0o600
        assert stat.S_IMODE(grant.parent.stat().st_mode) == 0o700
