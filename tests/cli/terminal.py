"""`starter.py` on a pseudo-terminal, as a person at a keyboard runs it: stdin and stdout are
a terminal, so the commands that ask before writing do ask."""

from __future__ import annotations

import asyncio
import os
import re
import select
import sys
from pathlib import Path

from tests.cli.conftest import ROOT

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal:
    def __init__(self, process: asyncio.subprocess.Process, master: int) -> None:
        self.process = process
        self._master = master
        self._seen = ""

    @classmethod
    async def run(cls, env: dict[str, str], *args: str, cwd: Path) -> Terminal:
        master, slave = os.openpty()
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "starter.py"), *args,
            env=env, cwd=cwd, stdin=slave, stdout=slave, stderr=slave,
        )  # fmt: skip
        os.close(slave)
        return cls(process, master)

    @property
    def screen(self) -> str:
        """What the terminal showed so far, without colours, lines ending in \\n."""
        return _ANSI.sub("", self._seen).replace("\r\n", "\n")

    async def wait_for(self, text: str, within: float = 60) -> str:
        deadline = asyncio.get_running_loop().time() + within
        while text not in self.screen:
            left = deadline - asyncio.get_running_loop().time()
            read = await asyncio.to_thread(self._read, min(max(left, 0), 1.0))
            if read is False or left <= 0:
                raise AssertionError(f"{text!r} never shown; the terminal:\n{self.screen}")
        return self.screen

    def type(self, line: str) -> None:
        os.write(self._master, f"{line}\n".encode())

    async def finished(self, within: float = 60) -> int:
        """Reads to the end of the output; the exit code."""
        deadline = asyncio.get_running_loop().time() + within
        while await asyncio.to_thread(self._read, 1.0) is not False:
            if asyncio.get_running_loop().time() > deadline:
                self.process.kill()  # leave nothing running behind a failed test
                raise AssertionError(f"still running; the terminal:\n{self.screen}")
        code = await asyncio.wait_for(self.process.wait(), within)
        os.close(self._master)
        return code

    def _read(self, timeout: float) -> bool | None:
        """True: read some; None: nothing yet; False: the other side closed."""
        ready, _, _ = select.select([self._master], [], [], timeout)
        if not ready:
            return None
        try:
            chunk = os.read(self._master, 65536)
        except OSError:  # EIO: every process holding the terminal has ended
            return False
        if not chunk:
            return False
        self._seen += chunk.decode(errors="replace")
        return True
