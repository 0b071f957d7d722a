"""Which YouTube errors end an item, which are worth another try, and which need the user."""

from __future__ import annotations

from playlist_sync.youtube.errors import (
    AuthRequired,
    Forbidden,
    RateLimited,
    Transient,
    YouTubeError,
)


def worth_retrying(error: YouTubeError) -> bool:
    """The call may succeed later; a write that failed this way may also have happened."""
    return isinstance(error, Transient | RateLimited)


def needs_user(error: YouTubeError) -> bool:
    """No retry helps: the grant is gone or too weak, and only `starter.py auth` fixes it."""
    return isinstance(error, AuthRequired) or (
        isinstance(error, Forbidden) and error.reason == "insufficientPermissions"
    )


def ends_the_step(error: YouTubeError) -> bool:
    return worth_retrying(error) or needs_user(error)
