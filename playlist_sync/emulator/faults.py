"""Injected trouble: transient 5xx, latency, lost answers, and YouTube's answers you cannot trust.

`errorRate` fails a request before it does anything; `ambiguousRate` and `slowWriteRate` act
after a write is applied (an error answer, or an answer held back), as YouTube was seen to.
"""

from __future__ import annotations

import random
import socket
import struct
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from playlist_sync.emulator.errors import ApiError, backend_error, operation_aborted

# YouTube refuses an 11th new playlist in a day (Google's issue tracker 255216949).
DEFAULT_PLAYLIST_CREATES_PER_WINDOW = 10
_MAX_DELAY_MS = 600_000


class FaultSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    errorRate: float = Field(default=0.0, ge=0.0, le=1.0)
    latencyMs: int = Field(default=0, ge=0, le=_MAX_DELAY_MS)
    timeoutRate: float = Field(default=0.0, ge=0.0, le=1.0)
    ambiguousRate: float = Field(default=0.0, ge=0.0, le=1.0)
    listLagMs: int = Field(default=0, ge=0, le=_MAX_DELAY_MS)
    slowWriteRate: float = Field(default=0.0, ge=0.0, le=1.0)
    slowWriteMs: int = Field(default=0, ge=0, le=_MAX_DELAY_MS)
    playlistCreatesPerWindow: int | None = Field(default=DEFAULT_PLAYLIST_CREATES_PER_WINDOW, ge=0)


class FaultUpdate(BaseModel):
    """`POST /_emulator/faults`: only the fields given change; `seed` makes draws repeatable.

    A null means "unchanged", except for `playlistCreatesPerWindow`, where it means no limit.
    """

    model_config = ConfigDict(extra="forbid")

    errorRate: float | None = Field(default=None, ge=0.0, le=1.0)
    latencyMs: int | None = Field(default=None, ge=0, le=_MAX_DELAY_MS)
    timeoutRate: float | None = Field(default=None, ge=0.0, le=1.0)
    ambiguousRate: float | None = Field(default=None, ge=0.0, le=1.0)
    listLagMs: int | None = Field(default=None, ge=0, le=_MAX_DELAY_MS)
    slowWriteRate: float | None = Field(default=None, ge=0.0, le=1.0)
    slowWriteMs: int | None = Field(default=None, ge=0, le=_MAX_DELAY_MS)
    playlistCreatesPerWindow: int | None = Field(default=None, ge=0)
    seed: int | None = None

    def changes(self) -> dict[str, Any]:
        given = self.model_dump(exclude_unset=True, exclude={"seed"})
        return {
            key: value
            for key, value in given.items()
            if value is not None or key == "playlistCreatesPerWindow"
        }


class Faults:
    def __init__(self) -> None:
        self.settings = FaultSettings()
        self._rng = random.Random()

    def update(self, patch: FaultUpdate) -> None:
        self.settings = self.settings.model_copy(update=patch.changes())
        if patch.seed is not None:
            self._rng.seed(patch.seed)

    @property
    def latency_seconds(self) -> float:
        return self.settings.latencyMs / 1000

    @property
    def list_lag_seconds(self) -> float:
        return self.settings.listLagMs / 1000

    @property
    def playlist_creates_per_window(self) -> int | None:
        return self.settings.playlistCreatesPerWindow

    def injected_error(self) -> ApiError | None:
        """A 500 or 503 for `errorRate` of the requests, drawn before anything else happens."""
        if not self._hit(self.settings.errorRate):
            return None
        return backend_error(self._rng.choice((500, 503)))

    def ambiguous_answer(self, method_name: str) -> ApiError | None:
        """For `ambiguousRate` of the applied writes, the error that replaces their answer.

        Item inserts were seen to answer 409 ABORTED as well as 5xx after landing.
        """
        if not self._hit(self.settings.ambiguousRate):
            return None
        codes = (500, 503, 409) if method_name == "playlistItems.insert" else (500, 503)
        code = self._rng.choice(codes)
        return operation_aborted() if code == 409 else backend_error(code)

    def answer_hold_seconds(self) -> float:
        """How long an applied write's answer is held back (0 for most)."""
        if self.settings.slowWriteMs <= 0 or not self._hit(self.settings.slowWriteRate):
            return 0.0
        return self.settings.slowWriteMs / 1000

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
