"""OAuth grants as Google's token service keeps them: codes, access and refresh tokens, scopes.

Every token ever issued is remembered (revoked or expired ones too) so that `/_emulator/state`
can list them and a check can prove that none leaked into logs or the database.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

CLIENT_ID = "playlist-sync-emulator.apps.googleusercontent.com"
CLIENT_SECRET = "emulator-client-secret"
PROJECT_ID = "playlist-sync-emulator"

_SCOPE_ROOT = "https://www.googleapis.com/auth/"
READONLY_SCOPE = _SCOPE_ROOT + "youtube.readonly"
WRITE_SCOPES = frozenset(
    _SCOPE_ROOT + name for name in ("youtube", "youtube.force-ssl", "youtubepartner")
)
READ_SCOPES = WRITE_SCOPES | {READONLY_SCOPE}
CODE_TTL_SECONDS = 600


class OAuthError(Exception):
    """An answer of Google's token endpoint other than success."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def expired_or_revoked() -> OAuthError:
    return OAuthError("invalid_grant", "Token has been expired or revoked.")


@dataclass(frozen=True)
class Grant:
    """What an access token lets its bearer do."""

    scopes: frozenset[str]
    # The channel id of another Google account than the library's (`login_hint` at consent);
    # None: the library's own channel.
    account: str | None = None

    @property
    def can_read(self) -> bool:
        return bool(self.scopes & READ_SCOPES)

    @property
    def can_write(self) -> bool:
        return bool(self.scopes & WRITE_SCOPES)


FULL_GRANT = Grant(WRITE_SCOPES)


@dataclass
class _Code:
    scopes: frozenset[str]
    redirect_uri: str
    challenge: str | None
    challenge_method: str
    expires_at: float
    account: str | None = None


@dataclass
class _Token:
    scopes: frozenset[str]
    expires_at: float | None
    revoked: bool = False
    # The refresh token a grant grew from: revoking any token of it revokes them all.
    grant: str = ""
    account: str | None = None

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and self.expires_at <= now


class TokenStore:
    def __init__(self, ttl_seconds: int, refresh_ttl_seconds: int | None = None) -> None:
        self.ttl_seconds = ttl_seconds
        # Apps in Google's "testing" publishing status get refresh tokens that die (7 days).
        self.refresh_ttl_seconds = refresh_ttl_seconds
        self._codes: dict[str, _Code] = {}
        self._access: dict[str, _Token] = {}
        self._refresh: dict[str, _Token] = {}

    def issue_code(
        self,
        redirect_uri: str,
        scopes: frozenset[str],
        challenge: str | None,
        challenge_method: str,
        now: float,
        account: str | None = None,
    ) -> str:
        code = "4/0" + secrets.token_urlsafe(32)
        self._codes[code] = _Code(
            scopes, redirect_uri, challenge, challenge_method, now + CODE_TTL_SECONDS, account
        )
        return code

    def exchange_code(
        self, code: str, redirect_uri: str | None, verifier: str | None, now: float
    ) -> dict[str, Any]:
        # A code is spent by its first exchange, successful or not, as with Google.
        pending = self._codes.pop(code, None)
        if pending is None or pending.expires_at < now:
            raise OAuthError("invalid_grant", "Malformed auth code.")
        if redirect_uri is not None and redirect_uri != pending.redirect_uri:
            raise OAuthError("redirect_uri_mismatch", "Bad Request")
        if pending.challenge is not None and not _verifier_matches(pending, verifier):
            raise OAuthError("invalid_grant", "Invalid code verifier.")
        refresh_token = "1//0" + secrets.token_urlsafe(48)
        lifetime = self.refresh_ttl_seconds
        self._refresh[refresh_token] = _Token(
            pending.scopes,
            None if lifetime is None else now + lifetime,
            grant=refresh_token,
            account=pending.account,
        )
        answer = self._new_access(pending.scopes, now, refresh_token, pending.account)
        answer["refresh_token"] = refresh_token
        if lifetime is not None:
            answer["refresh_token_expires_in"] = lifetime
        return answer

    def refresh(self, refresh_token: str, now: float) -> dict[str, Any]:
        grant = self._refresh.get(refresh_token)
        if grant is None or grant.revoked or grant.expired(now):
            raise expired_or_revoked()
        return self._new_access(grant.scopes, now, refresh_token, grant.account)

    def revoke(self, token: str) -> None:
        """Google's `/revoke`: the token and every token of its grant stop working."""
        found = self._access.get(token) or self._refresh.get(token)
        if found is None or found.revoked:
            raise OAuthError("invalid_token", "Token expired or revoked")
        for other in (*self._access.values(), *self._refresh.values()):
            if other is found or (found.grant and other.grant == found.grant):
                other.revoked = True

    def grant_for(self, access_token: str, now: float) -> Grant | None:
        """The token's grant, or None if it is unknown, expired or revoked."""
        token = self._access.get(access_token)
        if token is None or token.revoked:
            return None
        if token.expired(now):
            return None
        return Grant(token.scopes, token.account)

    def revoke_all(self) -> dict[str, int]:
        for token in (*self._access.values(), *self._refresh.values()):
            token.revoked = True
        self._codes.clear()
        return {"access": len(self._access), "refresh": len(self._refresh)}

    def issued(self) -> dict[str, list[str]]:
        return {"access": list(self._access), "refresh": list(self._refresh)}

    def _new_access(
        self, scopes: frozenset[str], now: float, grant: str, account: str | None = None
    ) -> dict[str, Any]:
        access_token = "ya29.a0" + secrets.token_urlsafe(48)
        self._access[access_token] = _Token(
            scopes, now + self.ttl_seconds, grant=grant, account=account
        )
        return {
            "access_token": access_token,
            "expires_in": self.ttl_seconds,
            "scope": " ".join(sorted(scopes)),
            "token_type": "Bearer",
        }


def _verifier_matches(pending: _Code, verifier: str | None) -> bool:
    if not verifier:
        return False
    if pending.challenge_method == "plain":
        expected = verifier
    else:
        digest = hashlib.sha256(verifier.encode()).digest()
        expected = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return secrets.compare_digest(expected, pending.challenge or "")
