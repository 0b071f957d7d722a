"""Reading a playlist back when YouTube's lists trail its writes.

A list that does not show a write yet does not prove the write failed: only a list sent at
least the allowed lag after the playlist's last write does. Until then, what is looked for is
looked for again after 1 s, 2 s, 4 s ... (never past that moment), heartbeating meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.errors import PlaylistNotFound
from playlist_sync.youtube.resources import RemotePlaylistItem

FIRST_DELAY = 1.0
# Sleeps are cut into slices this long, each followed by a heartbeat.
_HEARTBEAT_EVERY = 1.0


async def settled_items(
    youtube: SyncYouTube,
    playlist_id: str,
    *,
    last_write: datetime | None,
    lag_allowance: float,
    shows: Callable[[list[RemotePlaylistItem]], bool],
    beat: Callable[[], None],
    read: Callable[[], Awaitable[list[RemotePlaylistItem]]] | None = None,
) -> list[RemotePlaylistItem]:
    """The playlist's items, once they satisfy `shows` or once they were read late enough
    after `last_write` for what they lack to be missing for real. `read`: another read of
    them than the whole playlist (e.g. the items of one video, 1 unit)."""
    read = read or (lambda: youtube.playlist_items(playlist_id))
    allowance = timedelta(seconds=lag_allowance)
    settled_at = last_write + allowance if last_write else None
    # A playlist made moments ago may be missing from the lists too: when it is, it is looked
    # for until the allowance has passed (since the first read: when it was made is unknown).
    found_by = max(settled_at or datetime.now(UTC), datetime.now(UTC) + allowance)
    delay = FIRST_DELAY
    while True:
        sent_at = datetime.now(UTC)
        try:
            items = await read()
        except PlaylistNotFound:
            if sent_at >= found_by:
                raise
            settled_at = found_by
        else:
            if shows(items) or settled_at is None or sent_at >= settled_at:
                return items
        until_settled = (settled_at - datetime.now(UTC)).total_seconds()
        await wait_heartbeating(max(min(delay, until_settled), 0.01), beat)
        delay *= 2


async def wait_heartbeating(seconds: float, beat: Callable[[], None]) -> None:
    """Sleep without blocking the loop, and without going silent long enough to look dead."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (left := deadline - loop.time()) > 0:
        await asyncio.sleep(min(left, _HEARTBEAT_EVERY))
        beat()
