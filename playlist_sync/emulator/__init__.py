"""A YouTube Data API v3 emulator that the real google-api-python-client talks to over HTTP."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playlist_sync.emulator.admin_client import EmulatorAdmin, EmulatorAdminError
    from playlist_sync.emulator.seed import SeedError, load_seed_file
    from playlist_sync.emulator.server import (
        EmulatorOptions,
        RunningEmulator,
        ServedEmulator,
        create_app,
        run_emulator,
    )

# Loaded on first use (PEP 562): `starter.py` builds its parser from emulator.__main__, and
# every command would otherwise pay for loading aiohttp at each start.
_EXPORTS = {
    "EmulatorAdmin": "admin_client",
    "EmulatorAdminError": "admin_client",
    "SeedError": "seed",
    "load_seed_file": "seed",
    "EmulatorOptions": "server",
    "RunningEmulator": "server",
    "ServedEmulator": "server",
    "create_app": "server",
    "run_emulator": "server",
}

__all__ = [
    "EmulatorAdmin",
    "EmulatorAdminError",
    "EmulatorOptions",
    "RunningEmulator",
    "SeedError",
    "ServedEmulator",
    "create_app",
    "load_seed_file",
    "run_emulator",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
