"""A proxy in front of the emulator for playlistItems.insert: it answers every insert of one
video with 503 (writing nothing), as YouTube does to a video it persistently fails on, or holds
back the answers of chosen inserts (the write done, its answer late), and counts the inserts.
Unlike the emulator's random knobs, it picks exactly which calls, whatever the timing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from aiohttp import web

from playlist_sync.emulator.errors import backend_error

_HOP_BY_HOP = {"content-length", "transfer-encoding", "connection", "host", "content-encoding"}


@dataclass
class ItemInserts:
    url: str
    inserts: int = 0  # playlistItems.insert calls that reached the proxy
    failed: int = 0  # ... of them for the failing video


@asynccontextmanager
async def item_inserts(
    emulator_url: str,
    *,
    failing_video: str | None = None,
    held: frozenset[int] = frozenset(),
    hold_seconds: float = 0.0,
) -> AsyncIterator[ItemInserts]:
    """`held`: which inserts (1 = the first) have their answer held back `hold_seconds`."""
    proxy = ItemInserts(url="")
    async with aiohttp.ClientSession() as session:

        async def forward(request: web.Request) -> web.Response:
            body = await request.read()
            hold = 0.0
            if request.method == "POST" and request.path == "/youtube/v3/playlistItems":
                proxy.inserts += 1
                resource = (json.loads(body or b"{}").get("snippet") or {}).get("resourceId")
                if (resource or {}).get("videoId") == failing_video:
                    proxy.failed += 1
                    return backend_error(503).response()
                hold = hold_seconds if proxy.inserts in held else 0.0
            async with session.request(
                request.method,
                emulator_url + request.path_qs,
                data=body,
                headers={k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP},
                allow_redirects=False,
            ) as answer:
                headers = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP_BY_HOP}
                content = await answer.read()
            await asyncio.sleep(hold)
            return web.Response(status=answer.status, body=content, headers=headers)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", forward)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        proxy.url = f"http://127.0.0.1:{port}"
        try:
            yield proxy
        finally:
            await runner.cleanup()
