"""`python starter.py ...` run as a user runs it: a subprocess configured by environment
variables, from a folder without a `.env`, with its output captured."""

from __future__ import annotations

import asyncio
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.sync.world import ROOT

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


@dataclass(frozen=True)
class Ran:
    args: tuple[str, ...]
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def user_environment(settings: dict[str, str]) -> dict[str, str]:
    """This process's environment without any playlist-sync variable, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    return {**env, **settings}


async def starter(settings: dict[str, str], *args: str, cwd: Path, within: float = 60) -> Ran:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "starter.py"),
        *args,
        env=user_environment(settings),
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), within)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return Ran(args, process.returncode, out.decode(), err.decode())
