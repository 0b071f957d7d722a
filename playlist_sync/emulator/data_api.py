"""The Data API v3 routes, as google-api-python-client addresses them."""

from __future__ import annotations

from aiohttp import web

from playlist_sync.emulator.calls import ApiMethod
from playlist_sync.emulator.catalog_methods import CATALOG_METHODS
from playlist_sync.emulator.errors import method_not_found
from playlist_sync.emulator.gateway import method_route
from playlist_sync.emulator.item_methods import ITEM_METHODS
from playlist_sync.emulator.playlist_methods import PLAYLIST_METHODS

API_ROOT = "/youtube/v3"

METHODS: dict[tuple[str, str], ApiMethod] = {
    **PLAYLIST_METHODS,
    **ITEM_METHODS,
    **CATALOG_METHODS,
}


async def _unknown_method(request: web.Request) -> web.Response:
    return method_not_found().response()


def add_data_api_routes(app: web.Application) -> None:
    for (http_method, collection), method in METHODS.items():
        app.router.add_route(http_method, f"{API_ROOT}/{collection}", method_route(method))
    # Registered last: only paths and verbs the emulator does not play end up here.
    app.router.add_route("*", API_ROOT + "/{tail:.*}", _unknown_method)
