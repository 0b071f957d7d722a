"""A process's memory and CPU, read from /proc/<pid>/stat and /proc/<pid>/status."""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Usage:
    seconds: float
    rss_mb: float  # mean of the samples
    peak_rss_mb: float  # VmHWM: the most the process ever held, start-up and syncing included
    cpu_seconds: float  # user + system, over the whole period
    cpu_percent: float  # of one core
    threads: int


def _cpu_seconds(pid: int) -> float:
    # Fields after the command name (which may hold spaces): utime and stime are 14 and 15.
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _status(pid: int) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {key: value.strip() for key, _, value in (line.partition(":") for line in lines)}


def _mb(value: str) -> float:
    return int(value.split()[0]) / 1024  # "123456 kB"


async def watch(pid: int, seconds: float, interval: float = 0.5) -> Usage:
    rss: list[float] = []
    began, cpu_began = time.monotonic(), _cpu_seconds(pid)
    while time.monotonic() - began < seconds:
        rss.append(_mb(_status(pid)["VmRSS"]))
        await asyncio.sleep(interval)
    elapsed, cpu = time.monotonic() - began, _cpu_seconds(pid) - cpu_began
    status = _status(pid)
    return Usage(
        seconds=elapsed,
        rss_mb=statistics.mean(rss),
        peak_rss_mb=_mb(status["VmHWM"]),
        cpu_seconds=cpu,
        cpu_percent=100 * cpu / elapsed,
        threads=int(status["Threads"]),
    )
