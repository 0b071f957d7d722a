"""The OAuth grant on disk, and the access token in memory.

The file holds what is needed to mint access tokens (refresh token, client id and secret,
token URI, granted scopes) and never an access token: those live only in this process's
memory. Nothing in this module logs or formats a token.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import google_auth_httplib2
import httplib2
from google.auth import exceptions as auth_exceptions
from google.oauth2.credentials import Credentials

from playlist_sync.youtube.errors import AUTH_HINT, AuthRequired, classify

FORCE_SSL_SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"
TOKEN_FILE = Path("credentials") / "youtube-token.json"


def token_path(data_dir: Path) -> Path:
    return Path(data_dir) / TOKEN_FILE


def save_grant(
    data_dir: Path,
    *,
    refresh_token: str,
    client_id: str,
    client_secret: str,
    token_uri: str,
    scopes: Iterable[str],
) -> Path:
    """Store the grant atomically: 0700 directory, a file that is 0600 from its first byte."""
    path = token_path(data_dir)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # mkdir's mode is filtered by the umask and ignored for an existing directory.
    path.parent.chmod(0o700)
    grant = {
        "refresh_token": refresh_token,
        "client_id": client_id,
        "client_secret": client_secret,
        "token_uri": token_uri,
        "scopes": sorted(set(scopes)),
        "saved_at": datetime.now(UTC).isoformat(),
    }
    # mkstemp creates the file 0600, so the secret is never readable by others, even briefly;
    # the rename makes a reader see the old grant or the new one, never half of one.
    fd, temporary = tempfile.mkstemp(prefix=".youtube-token-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(grant, file, indent=2)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def load_credentials(data_dir: Path) -> Credentials:
    """The stored grant as Credentials without an access token (the first use refreshes).

    Raises AuthRequired when there is no grant, it is unreadable, or it lacks force-ssl.
    """
    path = token_path(data_dir)
    try:
        grant: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AuthRequired(f"no YouTube authorisation in {path.parent}; {AUTH_HINT}") from None
    except (OSError, ValueError) as error:
        raise AuthRequired(f"cannot read {path}: {type(error).__name__}; {AUTH_HINT}") from None
    fields = ("refresh_token", "client_id", "client_secret", "token_uri")
    if not isinstance(grant, dict) or not all(isinstance(grant.get(f), str) for f in fields):
        raise AuthRequired(f"{path} is not a playlist-sync grant; {AUTH_HINT}")
    scopes = [str(scope) for scope in grant.get("scopes") or []]
    if FORCE_SSL_SCOPE not in scopes:
        raise AuthRequired(
            f"the stored grant lacks the youtube.force-ssl scope needed to write; {AUTH_HINT}",
            reason="insufficientScope",
        )
    return Credentials(
        token=None,
        refresh_token=grant["refresh_token"],
        token_uri=grant["token_uri"],
        client_id=grant["client_id"],
        client_secret=grant["client_secret"],
        scopes=scopes,
    )


class CredentialsProvider:
    """Hands each API call a valid access token, refreshing it at most once at a time.

    Calls run in worker threads, so the cache sits behind a thread lock: when the token has
    expired, the first thread refreshes it and the others wait and reuse the new one instead
    of each spending a refresh. The grant file is re-read when it changes, so a worker picks
    up a new `starter.py auth` without a restart.
    """

    def __init__(self, data_dir: Path, *, timeout: float = 30.0):
        self.data_dir = Path(data_dir)
        self.timeout = timeout
        self._lock = threading.Lock()
        self._credentials: Credentials | None = None
        self._file_signature: tuple[int, int, int] | None = None

    def access_credentials(self) -> Credentials:
        """Credentials holding only a current access token, for this one call (blocking).

        The copy has no refresh token and no expiry: nothing downstream (AuthorizedHttp) can
        refresh on its own, outside the lock.
        """
        with self._lock:
            credentials = self._current()
            if not credentials.valid:
                self._refresh(credentials)
            return Credentials(token=credentials.token)

    def invalidate(self, token: str | None) -> None:
        """YouTube refused `token` (401): the next call refreshes, unless someone already did."""
        with self._lock:
            if self._credentials is not None and self._credentials.token == token:
                self._credentials.token = None

    def for_step(self) -> StepGrant:
        """The grant of one activity step: the one stored when its first call is made, for all
        of its calls (see StepGrant)."""
        return StepGrant(self)

    def _current(self) -> Credentials:
        signature = self._signature()
        if self._credentials is None or signature != self._file_signature:
            self._credentials = load_credentials(self.data_dir)
            self._file_signature = signature
        return self._credentials

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            stat = token_path(self.data_dir).stat()
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    def _refresh(self, credentials: Credentials) -> None:
        old_refresh_token = credentials.refresh_token
        request = google_auth_httplib2.Request(httplib2.Http(timeout=self.timeout))
        try:
            credentials.refresh(request)
        except (auth_exceptions.RefreshError, auth_exceptions.TransportError) as error:
            # The next call reloads the file: after `starter.py auth` it holds a new grant.
            self._credentials = None
            raise classify(error, "refreshing the YouTube access token") from None
        rotated = credentials.refresh_token and credentials.refresh_token != old_refresh_token
        # A step's older grant (StepGrant) may refresh after `auth` stored a new one: its
        # rotated token must not overwrite the new grant.
        if rotated and credentials is self._credentials:
            # The server rotated the refresh token; the old one may stop working.
            save_grant(
                self.data_dir,
                refresh_token=credentials.refresh_token,
                client_id=credentials.client_id,
                client_secret=credentials.client_secret,
                token_uri=credentials.token_uri,
                scopes=credentials.scopes or [],
            )
            self._file_signature = self._signature()


class StepGrant:
    """The grant one step reads once, at its first call, and keeps for all of its calls.

    A step checks the account against its grant before it writes (library/account.py). Were
    each call to take the newest stored grant, a `starter.py auth` as another channel in the
    middle of a step would switch its later writes to an account nobody checked. The token
    cache and its lock are the provider's: while the stored grant stays the same, the steps
    share one access token and one refresh.
    """

    def __init__(self, provider: CredentialsProvider) -> None:
        self._provider = provider
        self._credentials: Credentials | None = None

    def access_credentials(self) -> Credentials:
        provider = self._provider
        with provider._lock:
            if self._credentials is None:
                self._credentials = provider._current()
            if not self._credentials.valid:
                provider._refresh(self._credentials)
            return Credentials(token=self._credentials.token)

    def invalidate(self, token: str | None) -> None:
        with self._provider._lock:
            if self._credentials is not None and self._credentials.token == token:
                self._credentials.token = None

    def for_step(self) -> StepGrant:
        return self._provider.for_step()
