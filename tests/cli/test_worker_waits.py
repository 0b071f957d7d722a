"""`stack down` under a running `worker.py`: the worker waits and retries quietly, says in one
line what it waits for, and one line when it is back; no tracebacks fill its log."""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

from tests.cli.conftest import ROOT, starter, user_environment
from tests.ports import free_port_pair


async def _log_line(log: Path, *texts: str, within: float = 60) -> str:
    """The first line of the log holding every one of `texts`."""
    async with asyncio.timeout(within):
        while True:
            for line in log.read_text().splitlines():
                if all(text in line for text in texts):
                    return line
            await asyncio.sleep(0.2)


async def test_a_worker_that_loses_its_stack_waits_quietly_and_says_so(tmp_path: Path) -> None:
    port = free_port_pair()
    address = f"127.0.0.1:{port}"
    # A data dir others may enter: run as root, pgserver runs Postgres as the user pgserver,
    # whose pg_ctl cannot reach into pytest's private tmp_path to stop it.
    data = Path(tempfile.mkdtemp(prefix="worker-waits-"))
    data.chmod(0o755)
    # No DATABASE_URL: the embedded Postgres, which `stack down` stops too.
    env = user_environment(
        PLAYLIST_SYNC_DATA_DIR=str(data / "data"),
        TEMPORAL_ADDRESS=address,
        TEMPORAL_TASK_QUEUE="worker-waits",
    )
    up = await starter(env, "stack", "up", cwd=tmp_path)
    assert up.code == 0, up.err
    log = tmp_path / "worker.log"
    with open(log, "ab") as out:
        worker = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "worker.py"), env=env, stdout=out, stderr=out, cwd=tmp_path
        )
    try:
        await _log_line(log, "worker polling worker-waits")
        down = await starter(env, "stack", "down", cwd=tmp_path)
        assert down.code == 0, down.err
        await _log_line(log, "waiting for", "Postgres (not reachable)")
        await _log_line(log, "waiting for", f"Temporal at {address} (not reachable)")

        up = await starter(env, "stack", "up", cwd=tmp_path)
        assert up.code == 0, up.err
        await _log_line(log, "Postgres is back; the worker goes on")
        await _log_line(log, f"Temporal at {address} is back; the worker goes on")
        assert worker.returncode is None, log.read_text()
    finally:
        worker.terminate()
        await asyncio.wait_for(worker.wait(), 10)
        await starter(env, "stack", "down", cwd=tmp_path)
        shutil.rmtree(data, ignore_errors=True)
    text = log.read_text()
    assert "Traceback" not in text, text
    assert "retried" not in text, text
    waiting = [line for line in text.splitlines() if "waiting for" in line]
    assert 1 <= len(waiting) <= 2, text
