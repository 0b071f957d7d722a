"""`sync`, `status`, `pause`, `resume` and `cancel`: what a user sees at each step of a sync."""

from __future__ import annotations

import asyncio
import json
import re
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from playlist_sync.stack.binaries import temporal_cli
from tests.cli.conftest import (
    DELETED,
    CliWorld,
    Ran,
    cli_world_on,
    slow_youtube,
    small_library,
    start_starter,
)

# SyncJobRecord's keys (the seed's camelCase), plus what `status --json` adds.
STATUS_KEYS = {
    "id",
    "stage",
    "currentStageProgress",
    "currentStageTotal",
    "stageResults",
    "errors",
    "quotaUsedThisSync",
    "pauseReason",
    "previewData",
    "startedAt",
    "completedAt",
    "lastResumedAt",
    "backupSnapshotId",
    "workflowId",
    "nextResumeAt",
}


@pytest.fixture
async def quota_starved(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> AsyncIterator[CliWorld]:
    """Quota windows of 3 s with room for 12 writes: a sync of ~33 writes pauses twice."""
    async with cli_world_on(
        dev_server_env.client, database_url, tmp_path, daily_quota=600, quota_reset="every:3s"
    ) as world:
        yield world


async def test_sync_follow_shows_the_quota_pauses_and_ends_with_the_sync(
    quota_starved: CliWorld,
) -> None:
    cli = quota_starved
    await cli.ready_to_sync()
    async with cli.world.worker():
        # recreate: enough writes (~33) to pause twice; reuse needs 12 here.
        ran = await cli.run("sync", "--strategy", "recreate", "--follow", within=90)
    assert ran.code == 0, ran.err
    lines = ran.out.splitlines()
    n = int(lines[0].split()[2])
    assert lines[0] == f"Started sync {n} (workflow playlist-sync-{n})."
    assert (
        "Web UI: http://" in ran.out
        and f"/namespaces/default/workflows/playlist-sync-{n}" in ran.out
    )
    # Without a terminal, each change is a line: stages, quota pauses with the resume time.
    assert any("dding videos: " in line for line in lines), ran.out
    assert any("Paused in" in line and "it goes on by itself at" in line for line in lines), ran.out
    # It ends with the demo's report: the playlists now, what it did, skipped, cost, waited.
    report = ran.out[ran.out.index("Your playlists now") :]
    for expected in (
        f"Sync {n} completed: 2 playlists created and 0 old ones adopted, 28 videos added,"
        " moved or removed (28 added, 0 moved, 0 removed), 3 old playlists deleted"
        " (backed up first).",
        "Skipped 2 unavailable videos (deleted or private), 0 failed.",
        f"  {DELETED}: skipped in 'Cooking': deleted",
    ):
        assert expected in report, f"{expected!r} not in:\n{report}"
    assert re.search(r"It paused for quota \d+ times? and resumed by itself", report), report
    assert re.search(r"│ Cooking +│ +19 │ its category", report), report
    assert re.search(r"│ Watch later +│ +3 │ kept as it was", report), report

    job = json.loads((await cli.run("status", "--json")).out)
    assert set(job) >= STATUS_KEYS
    assert job["id"] == n and job["stage"] == "completed"
    assert job["workflowId"] == f"playlist-sync-{n}"
    assert job["stageResults"]["add_videos"] == {"succeeded": 28, "failed": 0, "skipped": 2}

    # Following a finished sync returns at once (--json: one line per state seen);
    # signalling it is refused.
    again, as_json, paused = await asyncio.gather(
        cli.run("status", str(n), "--follow"),
        cli.run("status", str(n), "--follow", "--json"),
        cli.run("pause", str(n)),
    )
    assert again.code == 0 and f"Sync {n} completed: 2 playlists created" in again.out
    assert as_json.code == 0 and [json.loads(line) for line in as_json.out.splitlines()] == [job]
    assert paused.code == 2 and paused.err_lines == [f"error: sync {n} already completed"]


async def test_status_without_a_sync(cli_world: CliWorld) -> None:
    ran = await asyncio.gather(
        *(
            cli_world.run(*args)
            for args in (("status",), ("status", "--follow"), ("pause",), ("status", "7"))
        )
    )
    no_sync = "error: no sync yet: `starter.py sync` starts one\n"
    assert [(r.code, r.err) for r in ran] == [
        (2, no_sync),
        (2, no_sync),
        (2, no_sync),
        (2, "error: no sync 7\n"),
    ]


async def test_pause_resume_cancel_say_what_happened(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    seed = small_library(videos_per_playlist=40)
    async with cli_world_on(dev_server_env.client, database_url, tmp_path, seed=seed) as cli:
        await cli.ready_to_sync()
        slow_youtube(cli)
        async with cli.world.worker():
            n = await cli.start_sync()
            second = await cli.run("sync", "--json")
            assert second.code == 2 and second.out == ""
            assert second.err_lines == [
                f"error: sync {n} is still active (workflow playlist-sync-{n});"
                f" wait for it, or `starter.py cancel {n}`"
            ]

            paused = await cli.run("pause")
            assert paused.code == 0, paused.err
            # The Update answers once the writes in flight have landed, with the state then.
            assert paused.out.startswith(f"paused sync {n} (paused in "), paused.out
            assert paused.out.strip().endswith(
                ": the writes in flight have landed; nothing is written until"
                f" `starter.py resume {n}`"
            )
            again, status = await asyncio.gather(cli.run("pause", str(n)), cli.run("status"))
            assert again.code == 2
            assert again.err_lines == [
                f"error: sync {n} is already paused; `starter.py resume {n}` goes on"
            ]
            assert f"paused by you; `starter.py resume {n}` goes on" in status.out

            # Started as this process starts it, then with SIGINT ignored: what a shell
            # without job control does to `cmd &` (a script's `make test &` passes it on
            # to every `starter.py` the tests run).
            await _interrupted_follow_leaves_the_sync_running(cli, n, sigint_ignored=False)
            await _interrupted_follow_leaves_the_sync_running(cli, n, sigint_ignored=True)
            await _the_temporal_cli_shows_and_steers_the_sync(cli, n)

            resumed = await cli.run("resume", "--json")
            assert resumed.code == 0, resumed
            state = json.loads(resumed.out)
            assert set(state) >= STATUS_KEYS - {"previewData"}
            assert state["id"] == n and state["pauseReason"] is None, state
            not_paused = await cli.run("resume")
            assert not_paused.code == 2 and not_paused.err_lines == [
                f"error: sync {n} is not paused"
            ]

            cancelled = await cli.run("cancel", str(n))
            assert cancelled.code == 0, cancelled.err
            assert cancelled.out.startswith(f"cancelled sync {n} (ended in "), cancelled.out
            assert "what it did stays on YouTube" in cancelled.out
            refusals = await asyncio.gather(
                cli.run("cancel", str(n)), cli.run("resume", str(n)), cli.run("pause")
            )
            assert [(r.code, r.err_lines) for r in refusals] == [
                (2, [f"error: sync {n} was already cancelled"]),
                (2, [f"error: sync {n} was already cancelled"]),
                (2, [f"error: no active sync (the latest, sync {n}, was already cancelled)"]),
            ]
        job = json.loads((await cli.run("status", "--json")).out)
        assert job["stage"] == "failed" and job["cancelledAt"] is not None
        follow = await cli.run("status", "--follow")
        assert follow.code == 1
        # The user's cancel is how the sync ended, told in its report, not an error.
        assert follow.err == ""
        assert re.search(rf"Sync {n} was cancelled by you during \w+", follow.out), follow.out
        status = (await cli.run("status")).out
        assert f"Sync {n} (playlist-sync-{n}): Cancelled during" in status, status
        assert "  errors: none" in status, status


async def temporal(cli: CliWorld, *args: str) -> Ran:
    """The `temporal` CLI (the one in .venv) against the test's Temporal server."""
    process = await asyncio.create_subprocess_exec(
        temporal_cli(), *args, "--address", cli.world.settings.temporal_address,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return Ran(process.returncode, out.decode(), err.decode())


async def _the_temporal_cli_shows_and_steers_the_sync(cli: CliWorld, n: int) -> None:
    """`temporal workflow metadata` tells where the paused sync is; the Updates take no
    arguments, so `temporal workflow update execute --name ...` works as `starter.py` does."""
    workflow = ("--workflow-id", f"playlist-sync-{n}")
    metadata = await temporal(cli, "workflow", "metadata", *workflow)
    assert metadata.code == 0, metadata.err
    # Paused where the `pause` found it: still making the playlists, or adding videos.
    assert re.search(r"\*\*Paused in (creating playlists|adding videos)\*\*", metadata.out)
    assert re.search(
        r"pause +pause writing; answers once the writes in flight have landed", metadata.out
    )
    assert "paused by the user" in metadata.out and "units used by this job" in metadata.out
    assert "used in this window" in metadata.out, metadata.out
    described = await temporal(cli, "workflow", "describe", *workflow)
    assert f"Sync {n} (reuse): 2 categories" in described.out, described.out

    update = ("workflow", "update", "execute", *workflow, "--name")
    refused = await temporal(cli, *update, "pause")
    assert refused.code != 0 and f"sync {n} is already paused" in refused.err, refused
    resumed = await temporal(cli, *update, "resume", "--output", "json")
    assert resumed.code == 0, resumed
    assert json.loads(resumed.out)["result"]["pauseReason"] is None, resumed.out
    paused = await temporal(cli, *update, "pause", "--output", "json")
    assert paused.code == 0, paused
    assert json.loads(paused.out)["result"]["pauseReason"] == "user_paused", paused.out


async def _interrupted_follow_leaves_the_sync_running(
    cli: CliWorld, n: int, *, sigint_ignored: bool
) -> None:
    process = await start_starter(
        cli.env, "status", "--follow", cwd=cli.cwd, sigint_ignored=sigint_ignored
    )
    assert process.stdout is not None
    first = await asyncio.wait_for(process.stdout.readline(), 30)
    assert first.startswith(f"sync {n}: Paused in".encode()), first
    process.send_signal(signal.SIGINT)
    _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 130
    hint = f"Sync {n} keeps running; follow it again with `starter.py status {n} --follow`."
    assert hint in err.decode()
    assert (await cli.world.job(n))["completed_at"] is None
