"""The account a sync writes to must be the one its library was imported from (the import
stores its channel, and each sync step checks it).

`auth` may have been run as another Google account since the import; a sync would then back
up, fill and delete that account's playlists by another library's plan. One `channels.list`
(1 unit) per step tells.
"""

from __future__ import annotations

from typing import Protocol

import asyncpg

from playlist_sync.youtube.errors import AUTH_HINT, AuthRequired
from playlist_sync.youtube.resources import Channel


class ChannelReader(Protocol):
    async def my_channel(self) -> Channel: ...


async def check_account(youtube: ChannelReader, pool: asyncpg.Pool) -> None:
    """Raise AuthRequired (the sync pauses for auth) when the grant is another channel's."""
    imported = await pool.fetchrow("SELECT channel_id, title FROM library_channel")
    if imported is None:
        return  # imported before the channel was kept: nothing to compare with
    channel = await youtube.my_channel()
    if channel.id != imported["channel_id"]:
        raise AuthRequired(
            f"the authorised YouTube account is the channel {channel.title!r} ({channel.id}),"
            f" but the library was imported from {imported['title']!r}"
            f" ({imported['channel_id']}); nothing was written: {AUTH_HINT} as"
            f" {imported['title']!r}, then `starter.py resume`",
            reason="wrongChannel",
        )


async def store_channel(conn: asyncpg.Connection, channel: Channel) -> None:
    await conn.execute(
        """INSERT INTO library_channel (channel_id, title) VALUES ($1, $2)
           ON CONFLICT (singleton) DO UPDATE
               SET channel_id = EXCLUDED.channel_id, title = EXCLUDED.title,
                   imported_at = now()""",
        channel.id,
        channel.title,
    )
