"""A blocking client of `/_emulator/*`, for demos, tests and checks (stdlib only)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


class EmulatorAdminError(RuntimeError):
    """The emulator refused an admin request; the message is its one-line reason."""


class EmulatorAdmin:
    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def state(self) -> dict[str, Any]:
        return self._call("GET", "/_emulator/state")

    def seed(self, library: dict[str, Any]) -> dict[str, Any]:
        return self._call("POST", "/_emulator/seed", library)

    def set_faults(
        self,
        *,
        error_rate: float | None = None,
        latency_ms: int | None = None,
        timeout_rate: float | None = None,
        seed: int | None = None,
    ) -> dict[str, Any]:
        patch = {
            "errorRate": error_rate,
            "latencyMs": latency_ms,
            "timeoutRate": timeout_rate,
            "seed": seed,
        }
        return self._call(
            "POST", "/_emulator/faults", {k: v for k, v in patch.items() if v is not None}
        )

    def reset(self) -> dict[str, Any]:
        return self._call("POST", "/_emulator/reset", {})

    def revoke(self) -> dict[str, Any]:
        return self._call("POST", "/_emulator/revoke", {})

    def client_secrets(self) -> dict[str, Any]:
        return self._call("GET", "/_emulator/client-secrets")

    def _call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer: dict[str, Any] = json.loads(response.read())
                return answer
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            try:
                detail = json.loads(detail)["error"]
            except (ValueError, KeyError, TypeError):
                pass
            raise EmulatorAdminError(f"{method} {path}: {error.code} {detail}") from None
