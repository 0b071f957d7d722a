"""`starter.py auth`: the OAuth installed-app flow, ending with the grant saved to disk."""

from __future__ import annotations

import json
import logging
import os
import threading
import urllib.request
import webbrowser
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from google_auth_oauthlib.flow import InstalledAppFlow

from playlist_sync.youtube.credentials import FORCE_SSL_SCOPE, save_grant

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_PROMPT = (
    "Open this URL in a browser to let playlist-sync manage your YouTube playlists"
    " (waiting for the redirect):\n{url}"
)
# These libraries log whole token responses at DEBUG ("Obtained token {...}"); a user who
# turns on debug logging must not find a refresh token in the output.
_TOKEN_LOGGERS = ("requests_oauthlib", "oauthlib")


class AuthorizationError(ValueError):
    """The flow could not produce a usable grant; the message is one line for the CLI."""


class _AppFlow(InstalledAppFlow):
    """InstalledAppFlow that also hands the authorisation URL to a callback.

    run_local_server builds the URL after its redirect server is listening and before it
    waits, so a callback here can complete the consent step without a browser (tests, demo).
    """

    on_url: Callable[[str], object] | None = None

    def authorization_url(self, **kwargs: Any) -> tuple[str, str]:
        url, state = super().authorization_url(**kwargs)
        if self.on_url is not None:
            self.on_url(url)
        return url, state


def authorize(
    client_secrets_file: Path,
    data_dir: Path,
    *,
    open_browser: bool = True,
    port: int = 0,
    on_url: Callable[[str], object] | None = None,
    timeout_seconds: float | None = None,
) -> list[str]:
    """Run the consent flow, save the grant under `data_dir`, return the granted scopes."""
    client = _read_client_secrets(Path(client_secrets_file))
    for name in _TOKEN_LOGGERS:
        if logging.getLogger(name).getEffectiveLevel() < logging.INFO:
            logging.getLogger(name).setLevel(logging.INFO)
    flow = _AppFlow.from_client_secrets_file(str(client_secrets_file), scopes=[FORCE_SSL_SCOPE])
    flow.on_url = on_url
    if open_browser and not _browser_available():
        open_browser = False  # headless: the printed URL is the way
    try:
        with _oauthlib_environment(client["token_uri"]):
            credentials = flow.run_local_server(
                port=port,
                open_browser=open_browser,
                authorization_prompt_message=None if on_url else _PROMPT,
                timeout_seconds=timeout_seconds,
                # Consent every time, so Google returns a refresh token even on a re-auth.
                prompt="consent",
                access_type="offline",
            )
    except AuthorizationError:
        raise
    except Exception as error:
        raise AuthorizationError(f"authorisation failed: {_one_line(error)}") from None
    granted = list(credentials.granted_scopes or [FORCE_SSL_SCOPE])
    if FORCE_SSL_SCOPE not in granted:
        raise AuthorizationError(
            "the grant lacks the youtube.force-ssl scope: run `starter.py auth` again and allow"
            " playlist-sync to manage your YouTube account"
        )
    if not credentials.refresh_token:
        raise AuthorizationError("the authorisation server returned no refresh token")
    save_grant(
        data_dir,
        refresh_token=credentials.refresh_token,
        client_id=client["client_id"],
        client_secret=client["client_secret"],
        token_uri=client["token_uri"],
        scopes=granted,
    )
    return granted


def approve_in_background(url: str, *, timeout: float = 30.0) -> Future[int]:
    """Play the user's browser: open `url` and follow its redirect to the local server.

    Only useful against the emulator, whose consent page approves at once. Runs in a thread
    because the flow is blocked waiting for exactly that redirect.
    """
    result: Future[int] = Future()
    # No proxies: the consent page and the redirect target are both on this machine.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def approve() -> None:
        try:
            with opener.open(url, timeout=timeout) as response:
                result.set_result(response.status)
        except BaseException as error:
            result.set_exception(error)

    threading.Thread(target=approve, name="oauth-approve", daemon=True).start()
    return result


def _read_client_secrets(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AuthorizationError(f"client secrets file not found: {path}") from None
    except (OSError, ValueError) as error:
        raise AuthorizationError(
            f"{path} is not a client secrets JSON file ({type(error).__name__})"
        ) from None
    client = (data.get("installed") or data.get("web")) if isinstance(data, dict) else None
    needed = ("client_id", "client_secret", "auth_uri", "token_uri")
    if not isinstance(client, dict) or not all(isinstance(client.get(k), str) for k in needed):
        raise AuthorizationError(
            f"{path} is not an OAuth client secrets file: download the JSON of an OAuth client"
            " of type Desktop app from the Google Cloud console"
        )
    return {key: client[key] for key in needed}


def _browser_available() -> bool:
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


@contextmanager
def _oauthlib_environment(token_uri: str) -> Iterator[None]:
    """oauthlib's switches, set for the flow only.

    Plain http is allowed only for a token endpoint on this machine (the emulator), never for
    Google. A narrower grant than asked is accepted here and then refused with our own message.
    """
    changes = {"OAUTHLIB_RELAX_TOKEN_SCOPE": "1"}
    parsed = urlparse(token_uri)
    if parsed.scheme == "http" and parsed.hostname in _LOOPBACK:
        changes["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    saved = {name: os.environ.get(name) for name in changes}
    os.environ.update(changes)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
