"""Ports for the Temporal dev servers that tests start themselves (their own, `starter.py demo`,
`stack up`): the gRPC port P and the Web UI's P + 1000.

Both are picked below the kernel's ephemeral range. A port picked there (the usual bind to port
0) can be taken by any outgoing connection between the check and the server's own bind, or
while a test has stopped the server to start it again on the same port: under a busy suite the
dev server then died with "bind: address already in use"."""

from __future__ import annotations

import random
import socket
from pathlib import Path

# Above the well-known and registered services a developer's machine usually runs.
_LOWEST = 20000


def free_port_pair() -> int:
    """A port P such that P and P + 1000 are both free now and outside the ephemeral range."""
    top = _ephemeral_ports_start() - 1000
    for _ in range(200):
        port = random.randrange(_LOWEST, top)
        if _free(port) and _free(port + 1000):
            return port
    raise RuntimeError(f"no free port pair between {_LOWEST} and {top}")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _ephemeral_ports_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default; macOS starts at 49152
