"""The machine a bench ran on, read from /proc and `platform`: numbers mean little without it."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _os_name() -> str:
    try:
        release = platform.freedesktop_os_release()
        return f"{release.get('PRETTY_NAME', platform.system())}, kernel {platform.release()}"
    except OSError:
        return f"{platform.system()} {platform.release()}"


def describe_machine() -> str:
    return (
        f"{_cpu_model()}, {os.cpu_count()} cores, {_ram_gb():.1f} GB RAM, "
        f"Python {platform.python_version()}, {_os_name()}"
    )
