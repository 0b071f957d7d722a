"""A blocking client of `/_emulator/*`, for demos, tests and checks (stdlib only)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from enum import Enum
from typing import Any


class Unchanged(Enum):
    """`set_faults(playlist_creates_per_window=...)` left out: None there means "no limit"."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


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
        ambiguous_rate: float | None = None,
        list_lag_ms: int | None = None,
        slow_write_rate: float | None = None,
        slow_write_ms: int | None = None,
        playlist_creates_per_window: int | Unchanged | None = UNCHANGED,
        seed: int | None = None,
    ) -> dict[str, Any]:
        """Changes the knobs given (see the contract's `POST /_emulator/faults`)."""
        patch: dict[str, Any] = {
            "errorRate": error_rate,
            "latencyMs": latency_ms,
            "timeoutRate": timeout_rate,
            "ambiguousRate": ambiguous_rate,
            "listLagMs": list_lag_ms,
            "slowWriteRate": slow_write_rate,
            "slowWriteMs": slow_write_ms,
            "seed": seed,
        }
        body = {k: v for k, v in patch.items() if v is not None}
        if playlist_creates_per_window is not UNCHANGED:
            body["playlistCreatesPerWindow"] = playlist_creates_per_window
        return self._call("POST", "/_emulator/faults", body)

    def reset(self) -> dict[str, Any]:
        return self._call("POST", "/_emulator/reset", {})

    def revoke(self) -> dict[str, Any]:
        return self._call("POST", "/_emulator/revoke", {})

    def watch(self, videos: list[str]) -> dict[str, Any]:
        """Watches `videos` from now on: `watched()` lists each moment one was in no playlist."""
        return self._call("POST", "/_emulator/watch", {"videos": videos})

    def watched(self) -> dict[str, Any]:
        return self._call("GET", "/_emulator/watch")

    def user_edit(self, edit: str, playlist_id: str, **fields: Any) -> dict[str, Any]:
        """An edit by the account's owner in YouTube's app (uncharged, never faulted):
        removeVideo, addVideo, moveVideo (video_id, position), renamePlaylist (title),
        deletePlaylist. EmulatorAdminError (409) when YouTube's app would refuse it."""
        names = {"video_id": "videoId", "position": "position", "title": "title"}
        body = {"edit": edit, "playlistId": playlist_id}
        body.update({names[k]: v for k, v in fields.items() if v is not None})
        return self._call("POST", "/_emulator/user-edit", body)

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
