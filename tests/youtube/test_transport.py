"""The transport sends a request at most once, whatever httplib2 would like to do."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from google.oauth2.credentials import Credentials

from playlist_sync.youtube.client import YouTubeClient
from playlist_sync.youtube.credentials import CredentialsProvider
from playlist_sync.youtube.errors import Transient
from playlist_sync.youtube.quota_ledger import QuotaLedger
from playlist_sync.youtube.rate_limiter import RateLimiter
from tests.youtube.conftest import RESET


class _Hangup:
    """A server that reads each request and closes cleanly (FIN) without answering.

    On a clean close httplib2 believes the connection was stale and sends the request again;
    for a write that is a duplicate the caller never hears about.
    """

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.requests = 0
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._hang_up, args=(conn,), daemon=True).start()

    def _hang_up(self, conn: socket.socket) -> None:
        with conn:
            if conn.recv(65536):
                self.requests += 1


@pytest.fixture
def hangup() -> Iterator[_Hangup]:
    server = _Hangup()
    yield server
    server.listener.close()


def client_at(url: str, pool: asyncpg.Pool, folder: Path) -> YouTubeClient:
    """A client whose token needs no OAuth: these servers never look at it."""
    provider = CredentialsProvider(folder)
    provider.access_credentials = lambda: Credentials(token="test-token")  # type: ignore[method-assign]
    return YouTubeClient(
        ledger=QuotaLedger(pool, 10_000, RESET),
        credentials=provider,
        api_url=url,
        limiter=RateLimiter(None),
        timeout=5,
        retry_delay=0.01,
    )


async def test_a_clean_hangup_is_not_resent(
    hangup: _Hangup, db_pool: asyncpg.Pool, tmp_path: Path
) -> None:
    youtube = client_at(hangup.url, db_pool, tmp_path)
    with pytest.raises(Transient):
        await youtube.add_video_to_playlist("PLx", "vid")
    assert hangup.requests == 1
    with pytest.raises(Transient):
        await youtube.delete_youtube_playlist("PLx")
    assert hangup.requests == 2
    units = await db_pool.fetch("SELECT units FROM quota_events ORDER BY id")
    assert [r["units"] for r in units] == [50, 50]  # it may have happened: YouTube charged it


async def test_a_refused_connection_costs_nothing(db_pool: asyncpg.Pool, tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        closed_port = placeholder.getsockname()[1]
    youtube = client_at(f"http://127.0.0.1:{closed_port}", db_pool, tmp_path)
    with pytest.raises(Transient):
        await youtube.create_youtube_playlist("Cooking", "")
    with pytest.raises(Transient):
        await youtube.my_channel()  # a read: tried read_attempts times
    rows = await db_pool.fetch("SELECT units, outcome FROM quota_events ORDER BY id")
    assert len(rows) == 1 + youtube.read_attempts
    assert all(r["units"] == 0 and r["outcome"].startswith("Transient") for r in rows)
