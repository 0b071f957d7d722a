"""Google's OAuth endpoints for an installed app: consent (auto-approved) and token exchange."""

from __future__ import annotations

import base64
import binascii
import time
from urllib.parse import urlencode, urlsplit

from aiohttp import web

from playlist_sync.emulator.state import STATE_KEY, EmulatorState
from playlist_sync.emulator.tokens import (
    CLIENT_ID,
    CLIENT_SECRET,
    PROJECT_ID,
    OAuthError,
)

AUTH_PATH = "/o/oauth2/auth"
# Google's current consent URL, which newer clients (python-youtube, google-auth) build.
AUTH_V2_PATH = "/o/oauth2/v2/auth"
TOKEN_PATH = "/token"
REVOKE_PATH = "/revoke"
_LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def client_secrets(public_url: str) -> dict[str, dict[str, object]]:
    return {
        "installed": {
            "client_id": CLIENT_ID,
            "project_id": PROJECT_ID,
            "auth_uri": public_url + AUTH_PATH,
            "token_uri": public_url + TOKEN_PATH,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": ["http://localhost"],
        }
    }


async def get_client_secrets(request: web.Request) -> web.Response:
    return web.json_response(client_secrets(request.app[STATE_KEY].public_url))


def _oauth_error(error: OAuthError) -> web.Response:
    return web.json_response(error.body(), status=error.status)


def _is_loopback(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS


async def authorize(request: web.Request) -> web.Response:
    """Consent screen that approves at once: redirects back with a code for the scopes asked."""
    state: EmulatorState = request.app[STATE_KEY]
    query = request.query
    redirect_uri = query.get("redirect_uri", "")
    scopes = frozenset(query.get("scope", "").split())
    try:
        if query.get("client_id") != CLIENT_ID:
            raise OAuthError("invalid_client", "The OAuth client was not found.", 401)
        if not _is_loopback(redirect_uri):
            raise OAuthError("redirect_uri_mismatch", f"Invalid redirect_uri: {redirect_uri!r}")
        if query.get("response_type") != "code":
            raise OAuthError("unsupported_response_type", "Only response_type=code is supported.")
        if not scopes:
            raise OAuthError("invalid_request", "Missing required parameter: scope")
    except OAuthError as error:
        return _oauth_error(error)
    code = state.tokens.issue_code(
        redirect_uri,
        scopes,
        query.get("code_challenge"),
        query.get("code_challenge_method", "plain"),
        time.time(),
        # Google's hint for which account signs in: here, another account's channel id.
        account=query.get("login_hint") or None,
    )
    answer = {"code": code, "scope": " ".join(sorted(scopes))}
    if "state" in query:
        answer = {"state": query["state"], **answer}
    separator = "&" if "?" in redirect_uri else "?"
    raise web.HTTPFound(redirect_uri + separator + urlencode(answer))


def _client_credentials(request: web.Request, form: dict[str, str]) -> tuple[str, str | None]:
    """Client id and secret from HTTP Basic auth (requests-oauthlib) or the form (google-auth)."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise OAuthError("invalid_client", "Unauthorized", 401) from None
        return client_id, secret
    return form.get("client_id", ""), form.get("client_secret")


async def token(request: web.Request) -> web.Response:
    state: EmulatorState = request.app[STATE_KEY]
    form = {key: str(value) for key, value in (await request.post()).items()}
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    try:
        client_id, secret = _client_credentials(request, form)
        if client_id != CLIENT_ID:
            raise OAuthError("invalid_client", "The OAuth client was not found.", 401)
        if secret is not None and secret != CLIENT_SECRET:
            raise OAuthError("invalid_client", "Unauthorized", 401)
        grant_type = form.get("grant_type", "")
        if grant_type == "authorization_code":
            answer = state.tokens.exchange_code(
                form.get("code", ""),
                form.get("redirect_uri"),
                form.get("code_verifier"),
                time.time(),
            )
        elif grant_type == "refresh_token":
            answer = state.tokens.refresh(form.get("refresh_token", ""), time.time())
        else:
            raise OAuthError("unsupported_grant_type", f"Invalid grant_type: {grant_type}")
    except OAuthError as error:
        return web.json_response(error.body(), status=error.status, headers=headers)
    return web.json_response(answer, headers=headers)


async def revoke(request: web.Request) -> web.Response:
    """Google's revoke endpoint: `token` in the query or the form; 200 with an empty body."""
    state: EmulatorState = request.app[STATE_KEY]
    form = await request.post()
    token_value = request.query.get("token") or str(form.get("token") or "")
    try:
        state.tokens.revoke(token_value)
    except OAuthError as error:
        return _oauth_error(error)
    return web.json_response({})


def add_oauth_routes(app: web.Application) -> None:
    app.router.add_get("/_emulator/client-secrets", get_client_secrets)
    app.router.add_get(AUTH_PATH, authorize)
    app.router.add_get(AUTH_V2_PATH, authorize)
    app.router.add_post(TOKEN_PATH, token)
    app.router.add_post(REVOKE_PATH, revoke)
