"""The path of every Data API request: auth, quota, faults, per-playlist locking, latency.

The order matters and mirrors what the app's ledger assumes: a 401 and a refused
`quotaExceeded` are free; everything after the charge (injected 5xx, 4xx, the 429 of too many
new playlists, dropped answers) has been paid for. After a write is applied, its answer may
still be replaced by an error (`ambiguousRate`) or held back (`slowWriteRate`).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from typing import Any

from aiohttp import web

from playlist_sync.emulator.calls import ApiCall, ApiMethod
from playlist_sync.emulator.clock import utc_now
from playlist_sync.emulator.errors import (
    ApiError,
    auth_error,
    backend_error,
    insufficient_permissions,
    other_account,
    parse_error,
    quota_exceeded,
    too_many_playlists,
)
from playlist_sync.emulator.faults import drop_connection
from playlist_sync.emulator.resources import parse_parts
from playlist_sync.emulator.state import STATE_KEY, EmulatorState
from playlist_sync.emulator.tokens import FULL_GRANT, Grant


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return request.query.get("access_token") or request.query.get("oauth_token")


def _authenticate(state: EmulatorState, request: web.Request) -> Grant:
    if state.options.any_token:
        return FULL_GRANT
    token = _bearer(request)
    grant = state.tokens.grant_for(token, time.time()) if token else None
    if grant is None:
        raise auth_error()
    return grant


def _json_body(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise parse_error() from None
    if not isinstance(body, dict):
        raise parse_error()
    return body


def _admit(
    state: EmulatorState, request: web.Request, method: ApiMethod, raw: bytes
) -> tuple[ApiCall, str | None]:
    """Everything decided before any wait: the call, and the playlist it locks (if any)."""
    grant = _authenticate(state, request)
    now = utc_now()
    if not state.quota.try_charge(method.cost, now):
        raise quota_exceeded()
    injected = state.faults.injected_error()
    if injected is not None:
        raise injected
    if not grant.can_read or (method.writes and not grant.can_write):
        raise insufficient_permissions()
    account = grant.account if grant.account != state.library.channel.id else None
    if account is not None and method.name != "channels.list":
        # The emulator holds one library: another account can only say which channel it is.
        raise other_account()
    parts = (
        parse_parts(request.query.getall("part", []), method.parts)
        if method.parts is not None
        else frozenset()
    )
    body = _json_body(raw) if request.method in ("POST", "PUT") else None
    call = ApiCall(request.query, body, parts, now, account=account)
    target = method.target(state.library, call) if method.writes else None
    if target is not None and target in state.busy:
        # YouTube's reported answer to a second write racing into the same playlist.
        raise backend_error(500)
    return call, target


async def serve(request: web.Request, method: ApiMethod) -> web.StreamResponse:
    state = request.app[STATE_KEY]
    state.requests += 1
    raw = await request.read()
    try:
        call, target = _admit(state, request, method, raw)
    except ApiError as error:
        await asyncio.sleep(state.faults.latency_seconds)
        return error.response()
    if target is not None:
        state.busy.add(target)
    try:
        # The playlist stays locked through the latency: that is what makes parallel
        # writes into one playlist collide, as they do on YouTube.
        await asyncio.sleep(state.faults.latency_seconds)
        response, applied = _perform(state, method, call)
    finally:
        if target is not None:
            state.busy.discard(target)
    if applied and method.writes:
        # Drawn in this order, and only for writes that landed, so that a seeded run without
        # these knobs draws exactly what it drew before they existed.
        hold = state.faults.answer_hold_seconds()
        ambiguous = state.faults.ambiguous_answer(method.name)
        if ambiguous is not None:
            response = ambiguous.response()
        if hold > 0:
            # Unlocked already: the write is done, only its answer is late. A second attempt
            # meanwhile writes again, as it would on YouTube.
            await asyncio.sleep(hold)
    if state.faults.drop_response():
        drop_connection(request)
    return response


def _perform(state: EmulatorState, method: ApiMethod, call: ApiCall) -> tuple[web.Response, bool]:
    """The method's answer, and whether it was applied (a write that wrote, or a read)."""
    if method.lags:
        call = dataclasses.replace(call, playlists=state.listed_playlists())
    limit = state.faults.playlist_creates_per_window
    if method.creates_playlist and not state.creations.admits(call.now, limit):
        return too_many_playlists().response(), False
    try:
        result = method.handler(state.library, call)
    except ApiError as error:
        return error.response(), False
    finally:
        if method.writes:
            state.note_writes(method.name)
    if method.creates_playlist:
        state.creations.count(call.now)
    if result is None:
        return web.Response(status=204), True
    return web.json_response(result), True


def method_route(method: ApiMethod) -> Any:
    async def handle(request: web.Request) -> web.StreamResponse:
        return await serve(request, method)

    handle.__name__ = method.name.replace(".", "_")
    return handle
