"""Which YouTube errors end an item, which are worth another try, and which need the user.

The sync's and the restore's steps answer a YouTube error the same way, by these rules.
"""

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
    """Not the item's own failure: the step raises it, and Temporal retries the activity or
    the workflow pauses for the user."""
    return worth_retrying(error) or needs_user(error)
