"""`starter.py stack up` starts real detached services, twice safely, and `down` stops them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import asyncpg

from tests.ports import free_port_pair

ROOT = Path(__file__).resolve().parents[2]


def _starter(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "starter.py"), *args],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


async def test_stack_up_twice_status_and_down(tmp_path: Path) -> None:
    port = free_port_pair()
    env = {
        **os.environ,
        "PLAYLIST_SYNC_DATA_DIR": str(tmp_path / "data"),
        "TEMPORAL_ADDRESS": f"127.0.0.1:{port}",
    }
    env.pop("DATABASE_URL", None)
    try:
        first = _starter(env, "stack", "up")
        assert first.returncode == 0, first.stderr
        second = _starter(env, "stack", "up")
        assert second.returncode == 0, second.stderr

        status = json.loads(_starter(env, "stack", "status", "--json").stdout)
        assert status["running"] is True
        assert status["temporalAddress"] == f"127.0.0.1:{port}"
        assert status["temporalUiUrl"] == f"http://127.0.0.1:{port + 1000}"

        # Detached: the services answer after the commands that started them have exited.
        conn = await asyncpg.connect(status["databaseUrl"])
        assert await conn.fetchval("SELECT count(*) FROM schema_migrations") >= 1
        await conn.close()
        with socket.create_connection(("127.0.0.1", port + 1000), timeout=5):
            pass
        assert (tmp_path / "data" / "temporal" / "temporal.db").exists()
    finally:
        down = _starter(env, "stack", "down")
    assert down.returncode == 0, down.stderr
    assert "temporal" in down.stdout and "postgres" in down.stdout
    after = json.loads(_starter(env, "stack", "status", "--json").stdout)
    assert after["running"] is False
