"""The state that decides whether a long-running writer (a sync, a restore) may write now.

Both workflows carry it (inside their own state) across continue-as-new.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from playlist_sync.models import PauseReason

# The pauses a durable timer ends, at the next quota window.
SLEEPS_UNTIL_RESET = (PauseReason.QUOTA_EXHAUSTED, PauseReason.PLAYLIST_CREATION_LIMIT)


class PauseState(BaseModel):
    consecutive_failures: int = 0
    pause_reason: PauseReason | None = None
    user_paused: bool = False
    cancel_requested: bool = False
    cancelled: bool = False
    next_resume_at: datetime | None = None
    # Which of SLEEPS_UNTIL_RESET the timer to `next_resume_at` is for (None: the quota, as
    # in states carried before the playlist-creation limit).
    sleeping_for: PauseReason | None = None
    last_resumed_at: datetime | None = None
    completed_at: datetime | None = None

    def writes_allowed(self) -> bool:
        return not (self.cancel_requested or self.user_paused or self.pause_reason is not None)

    def is_paused(self) -> bool:
        return self.user_paused or self.pause_reason is not None

    def note_batch(
        self,
        *,
        done: int,
        skipped: int,
        trailing_failures: int,
        failures_before_pause: int,
        quota_exhausted: bool,
        next_reset: datetime | None,
    ) -> None:
        """What one batch's outcome means for writing on."""
        if done or skipped:
            self.consecutive_failures = trailing_failures
        else:
            self.consecutive_failures += trailing_failures
        if self.consecutive_failures >= failures_before_pause:
            self.pause_reason = self.pause_reason or PauseReason.ERRORS_COLLECTED
        if quota_exhausted:
            self.note_quota_exhausted(next_reset)

    def note_quota_exhausted(
        self, next_reset: datetime | None, reason: PauseReason = PauseReason.QUOTA_EXHAUSTED
    ) -> None:
        self.pause_reason = self.pause_reason or reason
        self.sleeping_for = self.sleeping_for or reason
        if next_reset is not None and (
            self.next_resume_at is None or next_reset < self.next_resume_at
        ):
            self.next_resume_at = next_reset
