"""The embedded PostgreSQL (pgserver) that runs from a folder in the data dir."""

from __future__ import annotations

import logging
import os
import subprocess
import time
import warnings
from pathlib import Path

# pgserver logs every pg_ctl call at INFO and warns about XDG_RUNTIME_DIR; neither helps a user.
logging.getLogger("pgserver").setLevel(logging.WARNING)
warnings.filterwarnings("ignore", module="platformdirs")


def pgdata_dir(data_dir: Path) -> Path:
    return data_dir.resolve() / "postgres"


def is_running(pgdata: Path) -> bool:
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    return info is not None and info.is_running()


def ensure_running(pgdata: Path) -> str:
    """Start the server if it is not running (idempotent); returns the URI of its `postgres` db."""
    import pgserver

    pgdata.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process, as `stack up` promises.
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    return server.get_uri()


def stop(pgdata: Path) -> bool:
    """Stop the server if it runs; returns whether it was running."""
    from pgserver import pg_ctl  # type: ignore[attr-defined]

    if not is_running(pgdata):
        return False
    user = "pgserver" if os.geteuid() == 0 else None
    for mode in ("fast", "immediate"):
        try:
            pg_ctl(["-m", mode, "-w", "-t", "30", "stop"], pgdata=pgdata, user=user)
        except subprocess.CalledProcessError:
            # pg_ctl also fails when the server was already on its way down: look again.
            time.sleep(0.5)
        if not is_running(pgdata):
            return True
    raise RuntimeError(f"could not stop the embedded Postgres in {pgdata}")
