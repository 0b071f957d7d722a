"""The ledger's side of one YouTube call: its units are reserved before it is sent (and, for a
new playlist, one of the window's creations), and settled by its answer so that the ledger
keeps matching YouTube's own count: a failure YouTube does not charge gives its units back."""

from __future__ import annotations

import http.client
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httplib2
from google.auth.exceptions import GoogleAuthError
from googleapiclient.errors import HttpError

from playlist_sync.quota_windows import quota_refusal
from playlist_sync.youtube.costs import READ_COST, WRITE_COST
from playlist_sync.youtube.errors import (
    PlaylistCreationLimited,
    QuotaExceeded,
    ResponseLost,
    YouTubeError,
)
from playlist_sync.youtube.quota_ledger import QuotaLedger

# What the network stack and google-auth raise; anything else is a bug and stays untranslated.
CALL_FAILURES = (
    HttpError,
    OSError,
    http.client.HTTPException,
    httplib2.HttpLib2Error,
    GoogleAuthError,
    ResponseLost,
    YouTubeError,
)
# Failures that prove the request never reached YouTube, so YouTube charged nothing.
_NEVER_SENT = (ConnectionRefusedError, httplib2.ServerNotFoundError)

Service = Any  # googleapiclient's Resource, which is untyped


@dataclass(frozen=True)
class Call:
    operation: str  # the API method, e.g. "playlistItems.insert": the ledger's `operation`
    write: bool
    details: dict[str, Any]
    request: Callable[[Service], Any]  # builds the googleapiclient HttpRequest

    @property
    def cost(self) -> int:
        return WRITE_COST if self.write else READ_COST

    @property
    def creates_playlist(self) -> bool:
        return self.operation == "playlists.insert"

    def describe(self) -> str:
        shown = ", ".join(f"{k}={v}" for k, v in self.details.items() if not isinstance(v, list))
        return f"{self.operation} ({shown})" if shown else self.operation


async def reserve(
    ledger: QuotaLedger, call: Call, charged_at: datetime, sync_job_id: int | None
) -> int:
    """Reserve the call's units (QuotaExceeded when the window has no room) and, for a new
    playlist, one of the window's creations (PlaylistCreationLimited); the ledger's event id."""
    event_id = await ledger.reserve(
        call.cost, call.operation, call.details, sync_job_id=sync_job_id, at=charged_at
    )
    if call.creates_playlist:
        try:
            await ledger.reserve_creation(charged_at)
        except PlaylistCreationLimited as limited:
            await ledger.release(event_id, limited.outcome)
            raise
    return event_id


async def settle_failure(
    ledger: QuotaLedger,
    call: Call,
    charged_at: datetime,
    event_id: int,
    failure: BaseException,
    error: YouTubeError,
) -> None:
    """A failed call's units and creation slot, and what its refusal says of the window."""
    quota_refused = False
    if isinstance(error, PlaylistCreationLimited):
        # One refusal per window, whatever the number of workers: none sends another.
        await ledger.refuse_creations(charged_at)
        error.next_reset = ledger.next_reset(charged_at)
    elif isinstance(error, QuotaExceeded):
        quota_refused = True
        # YouTube's count is the one that matters: close the window the call was charged
        # to (not the one its answer arrived in) for every process.
        refusal = quota_refusal(charged_at, ledger.reset)
        if refusal.closes is not None:
            await ledger.mark_exhausted(charged_at)
        error.next_reset = refusal.retry_at
    if call.creates_playlist and _made_nothing(error, failure):
        await ledger.release_creation(charged_at)
    # 401s and quotaExceeded refusals are free on YouTube, and so is a request that never
    # left: give their units back so the ledger keeps matching YouTube's own count.
    if error.status == 401 or quota_refused or isinstance(failure, _NEVER_SENT):
        await ledger.release(event_id, error.outcome)
    else:
        await ledger.record_outcome(event_id, error.outcome)


def _made_nothing(error: YouTubeError, failure: BaseException) -> bool:
    """The write certainly did not happen: never sent, or refused with a 4xx (not a 409
    conflict, nor the 429 that may come after the playlist was made)."""
    if isinstance(failure, _NEVER_SENT):
        return True
    return error.status is not None and 400 <= error.status < 500 and error.status not in (409, 429)
