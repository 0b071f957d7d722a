"""List responses: `maxResults`, opaque page tokens, `pageInfo`, as the Data API pages them."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from playlist_sync.emulator.errors import ApiError

T = TypeVar("T")
DEFAULT_MAX_RESULTS = 5
MAX_RESULTS_LIMIT = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    entries: Sequence[T]
    offset: int
    total: int
    next_token: str | None
    prev_token: str | None


def max_results(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_MAX_RESULTS
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_RESULTS_LIMIT:
        message = f"Invalid value '{raw}'. Values must be within the range: [0, 50]"
        raise ApiError(400, "invalid", message, "global", location="maxResults")
    return value


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _offset(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        kind, _, number = text.partition(":")
        if kind == "offset" and number.isdigit():
            return int(number)
    except (binascii.Error, UnicodeDecodeError):
        pass
    raise ApiError(
        400,
        "invalidPageToken",
        "The request specifies an invalid page token.",
        "youtube.parameter",
        location="pageToken",
    )


def page_of(entries: Sequence[T], size: int, token: str | None) -> Page[T]:
    offset = _offset(token) if token else 0
    end = offset + size
    # With maxResults=0 a next token would point at the same page forever.
    next_token = _token(end) if size > 0 and end < len(entries) else None
    prev_token = _token(max(0, offset - size)) if offset > 0 else None
    return Page(entries[offset:end], offset, len(entries), next_token, prev_token)


def list_response(
    kind: str, resources: list[dict[str, Any]], page: Page[Any], per_page: int
) -> dict[str, Any]:
    etag_source = "".join(str(resource.get("etag")) for resource in resources) + kind
    etag = base64.urlsafe_b64encode(hashlib.sha1(etag_source.encode()).digest()).decode()
    response: dict[str, Any] = {"kind": kind, "etag": etag.rstrip("=")}
    if page.next_token is not None:
        response["nextPageToken"] = page.next_token
    if page.prev_token is not None:
        response["prevPageToken"] = page.prev_token
    response["pageInfo"] = {"totalResults": page.total, "resultsPerPage": per_page}
    response["items"] = resources
    return response
