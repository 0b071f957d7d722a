"""A YouTube Data API v3 emulator that the real google-api-python-client talks to over HTTP."""

from playlist_sync.emulator.admin_client import EmulatorAdmin, EmulatorAdminError
from playlist_sync.emulator.seed import SeedError, load_seed_file
from playlist_sync.emulator.server import (
    EmulatorOptions,
    RunningEmulator,
    ServedEmulator,
    create_app,
    run_emulator,
)

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
