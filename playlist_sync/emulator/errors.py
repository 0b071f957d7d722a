"""Google's error bodies, byte for byte in shape, so google-api-python-client parses them.

`HttpError.error_details` reads `error.errors` and the client's retry logic reads
`errors[0].reason`, so every refusal goes through `ApiError` rather than ad-hoc JSON.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

# YouTube's own wording, including the HTML link, which clients have been seen to match on.
QUOTA_MESSAGE = (
    "The request cannot be completed because you have exceeded your "
    '<a href="/youtube/v3/getting-started#quota">quota</a>.'
)
_STATUS_TEXT = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class ApiError(Exception):
    """A Data API refusal: HTTP status plus one entry of Google's `errors` list."""

    def __init__(
        self,
        code: int,
        reason: str,
        message: str,
        domain: str = "youtube.api",
        *,
        location: str | None = None,
        location_type: str | None = None,
        detail_message: str | None = None,
    ) -> None:
        super().__init__(f"{code} {reason}: {message}")
        self.code = code
        self.reason = reason
        self.message = message
        self.domain = domain
        self.location = location
        self.location_type = location_type
        # Google sometimes words the top-level message differently from errors[0].message.
        self.detail_message = detail_message or message

    def body(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "message": self.detail_message,
            "domain": self.domain,
            "reason": self.reason,
        }
        if self.location is not None:
            entry["location"] = self.location
            entry["locationType"] = self.location_type or "parameter"
        error: dict[str, Any] = {"code": self.code, "message": self.message, "errors": [entry]}
        if self.code in _STATUS_TEXT:
            error["status"] = _STATUS_TEXT[self.code]
        return {"error": error}

    def response(self) -> web.Response:
        headers = {}
        if self.code == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/"'
        return web.json_response(self.body(), status=self.code, headers=headers)


def quota_exceeded() -> ApiError:
    return ApiError(403, "quotaExceeded", QUOTA_MESSAGE, "youtube.quota")


def auth_error() -> ApiError:
    return ApiError(
        401,
        "authError",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, "
        "login cookie or other valid authentication credential.",
        "global",
        location="Authorization",
        location_type="header",
        detail_message="Invalid Credentials",
    )


def insufficient_permissions() -> ApiError:
    return ApiError(
        403,
        "insufficientPermissions",
        "Request had insufficient authentication scopes.",
        "global",
        detail_message="Insufficient Permission",
    )


def other_account() -> ApiError:
    return ApiError(
        403,
        "forbidden",
        "The emulator holds one library: another account (login_hint) may only call channels.list.",
        "youtube.common",
    )


def backend_error(code: int = 500) -> ApiError:
    if code == 503:
        return ApiError(503, "backendError", "The service is currently unavailable.", "global")
    return ApiError(code, "backendError", "Internal error encountered.", "global")


def not_found(reason: str, message: str) -> ApiError:
    return ApiError(404, reason, message)


def bad_request(reason: str, message: str, *, location: str | None = None) -> ApiError:
    domain = "youtube.parameter" if location is not None else "youtube.api"
    return ApiError(400, reason, message, domain, location=location)


def required_parameter(name: str) -> ApiError:
    return ApiError(400, "required", f"Required parameter: {name}", "global", location=name)


def parse_error() -> ApiError:
    return ApiError(400, "parseError", "Parse Error", "global")


def method_not_found() -> ApiError:
    return ApiError(404, "notFound", "Method not found.", "global")


def operation_aborted() -> ApiError:
    # As reported for playlistItems.insert under concurrent writes; the item may have landed.
    return ApiError(
        409, "SERVICE_UNAVAILABLE", "The operation was aborted.", "youtube.CoreErrorDomain"
    )


def too_many_playlists() -> ApiError:
    # Word for word what users of playlist tools got back (sigma67/ytmusicapi#19).
    return ApiError(
        429,
        "RATE_LIMIT_EXCEEDED",
        "You are creating too many playlists. Please wait a while before creating further "
        "playlists.",
        "gdata.CoreErrorDomain",
    )


def playlist_item_error(
    code: int, reason: str, message: str, location: str | None = None
) -> ApiError:
    """A playlistItems refusal: YouTube files these under the `youtube.playlistItem` domain."""
    return ApiError(code, reason, message, "youtube.playlistItem", location=location)


def manual_sort_required() -> ApiError:
    return playlist_item_error(
        400,
        "manualSortRequired",
        "The request attempts to set the playlist item's position, but the playlist does not "
        "use manual sorting. (For example, playlist items might be sorted by date or "
        "popularity.)",
    )
