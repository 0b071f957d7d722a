"""What can go wrong talking to YouTube, as a few typed errors the sync can act on.

The workflow names these classes in `non_retryable_error_types` (Temporal matches the class
name), so the names are part of the contract: rename none of them.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
from datetime import datetime

import httplib2
from google.auth import exceptions as auth_exceptions
from googleapiclient.errors import HttpError

AUTH_HINT = "run `starter.py auth --client-secrets FILE` again"


class YouTubeError(Exception):
    """Base class; `str()` is a one-line message fit for the CLI and the sync's error list."""

    def __init__(self, message: str, *, status: int | None = None, reason: str | None = None):
        # One line, always: these messages end up in `sync_jobs.errors` and on stderr.
        super().__init__(" ".join(message.split()))
        self.status = status
        self.reason = reason

    @property
    def message(self) -> str:
        return str(self)

    @property
    def outcome(self) -> str:
        """How the quota ledger records the call that failed, e.g. `PlaylistNotFound 404`."""
        return " ".join(
            str(part) for part in (type(self).__name__, self.status, self.reason) if part
        )


class QuotaExceeded(YouTubeError):
    """The window's budget is spent (the API said so, or the ledger refused): wait for the reset."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        reason: str | None = None,
        next_reset: datetime | None = None,
    ):
        super().__init__(message, status=status, reason=reason)
        self.next_reset = next_reset


class PlaylistCreationLimited(QuotaExceeded):
    """No new playlist in this quota window: YouTube answered 429 "You are creating too many
    playlists", or the window's allowance (YOUTUBE_PLAYLIST_CREATES_PER_DAY) is used.

    A QuotaExceeded, so that every writer sleeps until `next_reset`; never retried within the
    window (users who kept retrying lost their channel). A 429'd insert may still have made
    the playlist: look for it before making it again.
    """


class RateLimited(YouTubeError):
    """Too many requests too fast: retry later, with backoff."""


class PlaylistNotFound(YouTubeError):
    """The playlist does not exist (any more), or is not this user's."""


class VideoUnavailable(YouTubeError):
    """The video is deleted, private or otherwise cannot be added."""


class PlaylistFull(YouTubeError):
    """The playlist holds the maximum number of videos (5,000)."""


class InvalidInput(YouTubeError):
    """YouTube rejected what we sent (bad title, bad position, unsupported operation...)."""


class AuthRequired(YouTubeError):
    """No usable OAuth grant: only the user can fix this, by authorising again."""


class Forbidden(YouTubeError):
    """The grant may not do this (another user's playlist, a read-only token...)."""


class Transient(YouTubeError):
    """Server errors, conflicts, timeouts and dropped connections: worth another try.

    A write that failed this way may still have happened; check before writing again.
    """


class ResponseLost(Exception):
    """The connection dropped after the request was sent, so the answer never arrived."""


_QUOTA = {"quotaExceeded", "dailyLimitExceeded"}
_RATE = {"rateLimitExceeded", "userRateLimitExceeded"}
# YouTube's 429 for the daily limit on new playlists ("You are creating too many playlists...",
# reason RATE_LIMIT_EXCEEDED, status RESOURCE_EXHAUSTED). Its text is English only for some.
_TOO_MANY_PLAYLISTS = "too many playlists"
_PLAYLIST_INSERT = "playlists.insert"


def classify(exc: BaseException, context: str = "", operation: str | None = None) -> YouTubeError:
    """The typed error for an exception raised while calling YouTube (or refreshing a token);
    `operation` is the API method called ("playlists.insert"), where known."""
    if isinstance(exc, YouTubeError):
        return exc
    prefix = f"{context}: " if context else ""
    if isinstance(exc, HttpError):
        return _classify_http(exc, prefix, operation)
    if isinstance(exc, auth_exceptions.RefreshError):
        return _classify_refresh(exc, prefix)
    if isinstance(exc, auth_exceptions.TransportError):
        return Transient(f"{prefix}cannot reach the token endpoint: {_first_line(exc)}")
    if isinstance(exc, ResponseLost):
        return Transient(f"{prefix}{exc}")
    if isinstance(exc, TimeoutError | socket.timeout):
        return Transient(f"{prefix}YouTube did not answer in time")
    if isinstance(exc, httplib2.ServerNotFoundError):
        return Transient(f"{prefix}{_first_line(exc)}")
    if isinstance(exc, ssl.SSLError):
        return Transient(f"{prefix}TLS error talking to YouTube: {_first_line(exc)}")
    if isinstance(exc, ConnectionError | http.client.HTTPException):
        # Resets, aborts, refusals and a connection closed before the answer (RemoteDisconnected).
        return Transient(f"{prefix}connection to YouTube failed: {type(exc).__name__}")
    if isinstance(exc, OSError | httplib2.HttpLib2Error):
        return Transient(f"{prefix}network error talking to YouTube: {_first_line(exc)}")
    # Not a failure we know: the base class is retried by Temporal but named in the message.
    return YouTubeError(f"{prefix}unexpected {type(exc).__name__}: {_first_line(exc)}")


def _classify_http(exc: HttpError, prefix: str, operation: str | None) -> YouTubeError:
    status = int(exc.resp.status)
    reason, api_message = _error_body(exc)
    message = f"{prefix}YouTube answered {status} {reason or ''}".rstrip()
    if api_message:
        message = f"{message}: {api_message}"
    kind = _http_error_class(status, reason, api_message, operation)
    if kind is AuthRequired:
        message = f"{message}; {AUTH_HINT}"
    return kind(message, status=status, reason=reason)


def _http_error_class(
    status: int, reason: str | None, api_message: str, operation: str | None
) -> type[YouTubeError]:
    if status == 401:
        return AuthRequired
    if status == 403 and reason in _QUOTA:
        return QuotaExceeded
    # Any 429 to a new playlist is taken for the creation limit, whatever its wording or
    # language: retried within the day, that limit has cost users their channel, while a
    # plain rate limit mistaken for it costs only a wait for the next window.
    if status == 429 and (
        operation == _PLAYLIST_INSERT or _TOO_MANY_PLAYLISTS in api_message.lower()
    ):
        return PlaylistCreationLimited
    if status == 429 or (status == 403 and reason in _RATE):
        return RateLimited
    if status == 403 and reason == "playlistContainsMaximumNumberOfVideos":
        return PlaylistFull
    if status == 403:
        # forbidden, insufficientPermissions, playlistForbidden, playlistItemsNotAccessible...:
        # this grant may not do this to this object.
        return Forbidden
    if status == 404 and reason == "playlistNotFound":
        return PlaylistNotFound
    # Reported: a private or unavailable video is refused with 400 failedPrecondition.
    if (status, reason) in ((404, "videoNotFound"), (400, "failedPrecondition")):
        return VideoUnavailable
    if status == 409 or status >= 500:
        return Transient
    return InvalidInput


def _error_body(exc: HttpError) -> tuple[str | None, str]:
    """(errors[0].reason, error.message) of Google's error JSON, tolerating any other body."""
    try:
        error = json.loads(exc.content.decode("utf-8"))["error"]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None, ""
    if not isinstance(error, dict):
        return None, ""
    reason = None
    errors = error.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        reason = errors[0].get("reason")
    message = error.get("message")
    return (str(reason) if reason else None), " ".join(str(message or "").split())


def _classify_refresh(exc: auth_exceptions.RefreshError, prefix: str) -> YouTubeError:
    data = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], dict) else {}
    error = str(data.get("error") or "")
    if exc.retryable and error != "invalid_grant":
        return Transient(f"{prefix}token refresh failed for now: {_first_line(exc)}")
    return AuthRequired(
        f"{prefix}the YouTube authorisation was revoked or has expired ({error or 'refresh failed'});"
        f" {AUTH_HINT}",
        reason=error or None,
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
