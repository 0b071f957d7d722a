"""classify(): every failure the API, the network or google-auth can raise, to a typed error."""

from __future__ import annotations

import http.client
import json
import ssl

import httplib2
import pytest
from google.auth import exceptions as auth_exceptions
from googleapiclient.errors import HttpError

from playlist_sync.youtube.errors import (
    AuthRequired,
    Forbidden,
    InvalidInput,
    PlaylistCreationLimited,
    PlaylistFull,
    PlaylistNotFound,
    QuotaExceeded,
    RateLimited,
    ResponseLost,
    Transient,
    VideoUnavailable,
    YouTubeError,
    classify,
)


def http_error(status: int, reason: str | None, message: str = "Something.\nMore.") -> HttpError:
    body: dict[str, object] = {"code": status, "message": message}
    if reason is not None:
        body["errors"] = [{"message": message, "domain": "youtube.api", "reason": reason}]
    content = json.dumps({"error": body}).encode()
    return HttpError(httplib2.Response({"status": status}), content, uri="https://x/youtube/v3/y")


@pytest.mark.parametrize(
    ("status", "reason", "kind"),
    [
        (403, "quotaExceeded", QuotaExceeded),
        (403, "dailyLimitExceeded", QuotaExceeded),
        (403, "rateLimitExceeded", RateLimited),
        (403, "userRateLimitExceeded", RateLimited),
        (429, "rateLimitExceeded", RateLimited),
        (429, None, RateLimited),
        (404, "playlistNotFound", PlaylistNotFound),
        (404, "videoNotFound", VideoUnavailable),
        (400, "failedPrecondition", VideoUnavailable),
        (403, "playlistContainsMaximumNumberOfVideos", PlaylistFull),
        (400, "invalidPlaylistSnippet", InvalidInput),
        (400, "playlistTitleRequired", InvalidInput),
        (400, "invalidPlaylistItemPosition", InvalidInput),
        (400, "manualSortRequired", InvalidInput),
        (400, "playlistOperationUnsupported", InvalidInput),
        (400, "maxPlaylistExceeded", InvalidInput),
        (400, None, InvalidInput),
        (401, "authError", AuthRequired),
        (403, "forbidden", Forbidden),
        (403, "insufficientPermissions", Forbidden),
        (403, "playlistForbidden", Forbidden),
        (403, "playlistItemsNotAccessible", Forbidden),
        (409, "aborted", Transient),
        (500, "backendError", Transient),
        (503, "backendError", Transient),
        (502, None, Transient),
    ],
)
def test_api_errors(status: int, reason: str | None, kind: type[YouTubeError]) -> None:
    error = classify(http_error(status, reason), "playlists.insert (title=A)")
    assert type(error) is kind
    assert (error.status, error.reason) == (status, reason)
    assert "\n" not in str(error) and str(error).startswith("playlists.insert (title=A): ")
    assert error.outcome == " ".join(str(p) for p in (kind.__name__, status, reason) if p)


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("RATE_LIMIT_EXCEEDED", "Vous créez trop de playlists. Veuillez patienter."),
        ("RATE_LIMIT_EXCEEDED", "You are creating too many playlists. Please wait a while."),
        (None, "Resource has been exhausted."),
    ],
)
def test_a_429_to_a_new_playlist_is_the_creation_limit_in_any_wording(
    reason: str | None, message: str
) -> None:
    error = classify(http_error(429, reason, message), "playlists.insert", "playlists.insert")
    assert type(error) is PlaylistCreationLimited
    # The same answer to any other call is a plain rate limit (retried after a pause).
    if "too many" not in message:
        other = classify(
            http_error(429, reason, message), "playlistItems.insert", "playlistItems.insert"
        )
        assert type(other) is RateLimited


def test_auth_messages_tell_the_user_what_to_run() -> None:
    assert "starter.py auth" in str(classify(http_error(401, "authError")))
    refresh = auth_exceptions.RefreshError(
        "invalid_grant: Token has been expired or revoked.",
        {"error": "invalid_grant", "error_description": "Token has been expired or revoked."},
    )
    error = classify(refresh)
    assert isinstance(error, AuthRequired) and error.reason == "invalid_grant"
    assert "starter.py auth" in str(error)


def test_a_token_endpoint_hiccup_is_transient_not_a_lost_grant() -> None:
    hiccup = auth_exceptions.RefreshError("temporarily_unavailable", retryable=True)
    assert isinstance(classify(hiccup), Transient)
    assert isinstance(classify(auth_exceptions.TransportError("reset")), Transient)


@pytest.mark.parametrize(
    "failure",
    [
        TimeoutError("timed out"),
        TimeoutError(110, "Connection timed out"),
        ConnectionResetError(104, "Connection reset by peer"),
        ConnectionAbortedError(103, "Software caused connection abort"),
        ConnectionRefusedError(111, "Connection refused"),
        http.client.RemoteDisconnected("Remote end closed connection without response"),
        http.client.IncompleteRead(b""),
        ssl.SSLError(1, "bad record mac"),
        httplib2.ServerNotFoundError("Unable to find the server at x"),
        ResponseLost("the connection dropped before YouTube answered POST"),
        OSError(101, "Network is unreachable"),
    ],
)
def test_network_failures_are_transient(failure: BaseException) -> None:
    error = classify(failure, "playlists.insert")
    assert type(error) is Transient and "\n" not in str(error)


def test_typed_errors_pass_through_and_unknown_ones_stay_visible() -> None:
    full = PlaylistFull("full")
    assert classify(full) is full
    unknown = classify(KeyError("id"))
    assert type(unknown) is YouTubeError and "KeyError" in str(unknown)


def test_a_body_that_is_not_json_still_classifies() -> None:
    error = classify(HttpError(httplib2.Response({"status": 502}), b"<html>Bad gateway</html>"))
    assert type(error) is Transient and error.reason is None
