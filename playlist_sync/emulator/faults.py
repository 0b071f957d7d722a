"""Injected trouble: transient 5xx answers, latency, and writes whose answer is lost."""

from __future__ import annotations

import random
import socket
import struct
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from playlist_sync.emulator.errors import ApiError, backend_error


class FaultSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    errorRate: float = Field(default=0.0, ge=0.0, le=1.0)
    latencyMs: int = Field(default=0, ge=0, le=600_000)
    timeoutRate: float = Field(default=0.0, ge=0.0, le=1.0)


class FaultUpdate(BaseModel):
    """`POST /_emulator/faults`: only the fields given change; `seed` makes draws repeatable."""

    model_config = ConfigDict(extra="forbid")

    errorRate: float | None = Field(default=None, ge=0.0, le=1.0)
    latencyMs: int | None = Field(default=None, ge=0, le=600_000)
    timeoutRate: float | None = Field(default=None, ge=0.0, le=1.0)
    seed: int | None = None


class Faults:
    def __init__(self) -> None:
        self.settings = FaultSettings()
        self._rng = random.Random()

    def update(self, patch: FaultUpdate) -> None:
        changes = patch.model_dump(exclude_none=True, exclude={"seed"})
        self.settings = self.settings.model_copy(update=changes)
        if patch.seed is not None:
            self._rng.seed(patch.seed)

    @property
    def latency_seconds(self) -> float:
        return self.settings.latencyMs / 1000

    def injected_error(self) -> ApiError | None:
        """A 500 or 503 for `errorRate` of the requests, drawn before anything else happens."""
        if not self._hit(self.settings.errorRate):
            return None
        return backend_error(self._rng.choice((500, 503)))

    def drop_response(self) -> bool:
        return self._hit(self.settings.timeoutRate)

    def snapshot(self) -> dict[str, Any]:
        return self.settings.model_dump()

    def _hit(self, rate: float) -> bool:
        # No draw at rate 0, so a seeded sequence is not shifted by requests that cannot fail.
        return rate > 0 and self._rng.random() < rate


def drop_connection(request: web.Request) -> None:
    """Resets the connection without an answer.

    A reset (RST) rather than a clean close (FIN): on a FIN httplib2 silently resends the
    request once, which would turn one lost answer into a duplicate write the client never
    sees. A reset surfaces to the client as ConnectionResetError, with the write done once.
    """
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
