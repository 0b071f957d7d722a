"""`/_emulator/*`: the control panel demos and checks use; never charged, never faulted."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from playlist_sync.emulator.faults import FaultUpdate
from playlist_sync.emulator.seed import LibrarySeed, SeedError, parse_seed
from playlist_sync.emulator.state import STATE_KEY
from playlist_sync.emulator.user_edits import EditRefused, UserEdit, apply_user_edit


def _refusal(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400)


async def _json(request: web.Request) -> Any:
    raw = await request.read()
    if not raw.strip():
        return {}
    return json.loads(raw)


async def post_seed(request: web.Request) -> web.Response:
    try:
        seed = parse_seed(await _json(request))
    except json.JSONDecodeError as error:
        return _refusal(f"invalid seed: not JSON ({error})")
    except SeedError as error:
        return _refusal(str(error))
    state = request.app[STATE_KEY]
    state.load(seed)
    return web.json_response(
        {"channel": seed.channel.id, "videos": len(seed.videos), "playlists": len(seed.playlists)}
    )


async def get_state(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE_KEY].snapshot())


async def post_faults(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    try:
        patch = FaultUpdate.model_validate(await _json(request))
    except json.JSONDecodeError as error:
        return _refusal(f"invalid faults: not JSON ({error})")
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return _refusal(f"invalid faults: {where}: {first['msg']}")
    state.set_faults(patch)
    return web.json_response(state.faults.snapshot())


async def post_reset(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    state.load(LibrarySeed())
    return web.json_response(state.snapshot())


async def post_revoke(request: web.Request) -> web.Response:
    revoked = request.app[STATE_KEY].tokens.revoke_all()
    return web.json_response({"revoked": revoked})


async def post_watch(request: web.Request) -> web.Response:
    """Watches these videos from now on (replacing any earlier watch and its gaps)."""
    try:
        body = await _json(request)
    except json.JSONDecodeError as error:
        return _refusal(f"invalid watch: not JSON ({error})")
    videos = body.get("videos") if isinstance(body, dict) else None
    if not isinstance(videos, list) or not all(isinstance(v, str) for v in videos):
        return _refusal('invalid watch: expected {"videos": [video ids]}')
    state = request.app[STATE_KEY]
    state.begin_watch(videos)
    return web.json_response(state.watch.snapshot(state.library))


async def get_watch(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    return web.json_response(state.watch.snapshot(state.library))


async def post_user_edit(request: web.Request) -> web.Response:
    try:
        edit = UserEdit.model_validate(await _json(request))
    except json.JSONDecodeError as error:
        return _refusal(f"invalid edit: not JSON ({error})")
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        return _refusal(f"invalid edit: {where}: {first['msg']}")
    try:
        return web.json_response(apply_user_edit(request.app[STATE_KEY], edit))
    except EditRefused as refusal:
        return web.json_response({"error": f"edit refused: {refusal}"}, status=409)


def add_admin_routes(app: web.Application) -> None:
    app.router.add_post("/_emulator/seed", post_seed)
    app.router.add_get("/_emulator/state", get_state)
    app.router.add_post("/_emulator/faults", post_faults)
    app.router.add_post("/_emulator/reset", post_reset)
    app.router.add_post("/_emulator/revoke", post_revoke)
    app.router.add_post("/_emulator/watch", post_watch)
    app.router.add_get("/_emulator/watch", get_watch)
    app.router.add_post("/_emulator/user-edit", post_user_edit)
