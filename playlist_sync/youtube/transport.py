"""The HTTP plumbing under the client: one parsed discovery document, one connection per call.

httplib2 objects are not thread-safe, so every call gets a fresh `Http` (and so a fresh
connection); the service object built from the discovery document is shared, because
parsing the document is the expensive part and building a request does not touch the wire.
"""

from __future__ import annotations

import functools
from typing import Any

import google_auth_httplib2
import httplib2
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import Resource, build

from playlist_sync.youtube.errors import ResponseLost


@functools.cache
def youtube_service(api_url: str | None) -> Resource:
    """The youtube v3 service for `api_url` (None: Google), built once per process and URL."""
    options = {"api_endpoint": api_url.rstrip("/") + "/"} if api_url else None
    # The placeholder Http is never used: every request is executed with its own `http=`.
    return build(
        "youtube",
        "v3",
        http=httplib2.Http(),
        static_discovery=True,
        client_options=options,
        cache_discovery=False,
    )


class SendOnceHttp(httplib2.Http):
    """An httplib2.Http that never sends a request twice.

    httplib2 re-sends a request when the connection drops before the answer ("the connection
    was stale"), even with RETRIES = 1. With a fresh connection per call it never is stale,
    so that re-send only ever duplicates: a playlist created twice, a video added twice. The
    second send is refused here and the call fails as a lost response, for the caller to
    reconcile by reading YouTube's state.
    """

    def _conn_request(
        self, conn: Any, request_uri: str, method: str, body: Any, headers: Any
    ) -> Any:
        connect, send = conn.connect, conn.request
        sent = sending = False

        def refuse_resend() -> None:
            conn.close()
            raise ResponseLost(f"the connection dropped before YouTube answered {method}")

        def connect_until_sent() -> Any:
            # httplib2 reconnects right before it re-sends: stop there, not after a handshake.
            # (http.client may connect from inside the one send; that is allowed.)
            if sent and not sending:
                refuse_resend()
            return connect()

        def send_once(*args: Any, **kwargs: Any) -> Any:
            nonlocal sent, sending
            if sent:
                refuse_resend()
            # Counted as sent from the first byte: a send that failed half-way may have
            # delivered the whole request.
            sent = sending = True
            try:
                return send(*args, **kwargs)
            finally:
                sending = False

        conn.connect, conn.request = connect_until_sent, send_once
        try:
            return super()._conn_request(conn, request_uri, method, body, headers)
        finally:
            conn.connect, conn.request = connect, send


def authorized_http(
    credentials: Credentials, timeout: float
) -> google_auth_httplib2.AuthorizedHttp:
    """An Http for one call, carrying its access token and no power to refresh it.

    refresh_status_codes=() because a refresh-and-resend on 401 would bypass both the
    credentials lock and the quota ledger; the client handles 401 itself.
    """
    return google_auth_httplib2.AuthorizedHttp(
        credentials, http=SendOnceHttp(timeout=timeout), refresh_status_codes=()
    )
