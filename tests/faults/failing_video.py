"""A proxy in front of the emulator that answers every insert of one video with 503 (writing
nothing), as YouTube does to a video it persistently fails on, and counts those inserts."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from aiohttp import web

from playlist_sync.emulator.errors import backend_error

_HOP_BY_HOP = {"content-length", "transfer-encoding", "connection", "host", "content-encoding"}


@dataclass
class FailingVideo:
    url: str
    inserts: int = 0  # playlistItems.insert calls for the video that reached the proxy


@asynccontextmanager
async def failing_video(emulator_url: str, video_id: str) -> AsyncIterator[FailingVideo]:
    proxy = FailingVideo(url="")
    async with aiohttp.ClientSession() as session:

        async def forward(request: web.Request) -> web.Response:
            body = await request.read()
            if request.method == "POST" and request.path == "/youtube/v3/playlistItems":
                snippet = (json.loads(body or b"{}").get("snippet") or {}).get("resourceId") or {}
                if snippet.get("videoId") == video_id:
                    proxy.inserts += 1
                    return backend_error(503).response()
            async with session.request(
                request.method,
                emulator_url + request.path_qs,
                data=body,
                headers={k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP},
                allow_redirects=False,
            ) as answer:
                headers = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP_BY_HOP}
                return web.Response(status=answer.status, body=await answer.read(), headers=headers)

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
