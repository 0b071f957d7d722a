"""When a long-running writer may write: pause, resume, cancel and the sleep until the quota
resets. Shared by the sync and restore workflows (workflow code: deterministic, no I/O).

Between batches, with nothing in flight, the workflow asks `hold()` what holds the writes back
(the user's cancel, a spent quota window, a pause) and waits for it where its `run()` says so:
`sleep_until_reset()` on a durable timer, `wait_for_resume()` until the user's `resume`.

`pause`, `resume` and `cancel` arrive as Updates (validated first: a request that cannot take
effect is refused with its reason, before anything is written to the history) or, from scripts
and syncs started before the Updates, as Signals of the same names; both run the same bodies
below. The Updates answer once the request has taken effect: a `pause` once the writes in flight
have landed, a `cancel` once the workflow has stopped writing for good.

A request is never lost, whenever it arrives. Every wait below mirrors the state to Postgres
first (an activity), so a person who sees "paused" in the row may answer while that mirror
still runs: the signal's handler runs during the `await`. So a `resume` acts on the state in its
handler (it clears the pauses a resume ends), and a `resume` that should wake a quota sleep early
is counted; the sleep compares the count with the last one it acted on. Nothing is cleared after
an `await`. (Histories recorded before this, without the `resume-never-lost` marker, replay the
old flag that was cleared after the mirror.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from enum import Enum
from typing import TypeVar

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from playlist_sync.models import PauseReason
    from playlist_sync.pause_state import SLEEPS_UNTIL_RESET, PauseState
    from playlist_sync.youtube.costs import WRITE_COST

from workflows.current_details import reset_summary
from workflows.recorded_histories import (
    ResumeFlag,
    mirrors_resume_in_quota_sleep,
    resumes_counted,
)

# The pauses only the user ends, with `resume` (after `auth` for AUTH_REQUIRED).
_ENDED_BY_RESUME = (
    PauseReason.USER_PAUSED,
    PauseReason.AUTH_REQUIRED,
    PauseReason.ERRORS_COLLECTED,
    # Only ever set on syncs started with a deletion guard (no earlier history holds it).
    PauseReason.NEEDS_APPROVAL,
)

T = TypeVar("T")


class RequestRefused(ApplicationError):
    """A validator's refusal of `pause`, `resume` or `cancel`: the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message, type="RequestRefused", non_retryable=True)


class Hold(Enum):
    """What holds a job's writes back, between batches."""

    # The user cancelled: the job ends; what is done stays.
    CANCELLED = "cancelled"
    # The quota window (or YouTube's limit on new playlists) is spent: until the next reset.
    UNTIL_RESET = "until_reset"
    # Paused by the user, by failures in a row, or for `starter.py auth`: until `resume`.
    UNTIL_RESUME = "until_resume"


class WriteGate:
    def __init__(
        self,
        state: PauseState,
        *,
        mirror: Callable[[], Awaitable[None]],
        quota_remaining: Callable[[], Awaitable[int]],
        subject: str,
        resume_hint: str = "",
    ) -> None:
        self._state = state
        # How refusals name the job ("sync 7") and say what goes on after a pause.
        self._subject = subject
        self._resume_hint = resume_hint
        # Steps that may write to YouTube, in flight now: a `pause` answers once none is.
        self._writes_in_flight = 0
        self._mirror = mirror
        self._quota_remaining = quota_remaining
        # `resume`s received while writes were held, and how many of them the gate has acted on.
        self._resumes_received = 0
        self._resumes_acted_on = 0
        # ... and how many of them it has answered: gone on, or found the quota still spent.
        self._resumes_answered = 0
        # Only for histories recorded before the count: the old flag.
        self._old_flag = ResumeFlag()

    def writes_allowed(self) -> bool:
        return self._state.writes_allowed()

    def hold(self) -> Hold | None:
        """What holds the writes back now; None when they may go on."""
        s = self._state
        if s.writes_allowed():
            return None
        if s.cancel_requested:
            return Hold.CANCELLED
        if s.pause_reason in SLEEPS_UNTIL_RESET and not s.user_paused:
            return Hold.UNTIL_RESET
        return Hold.UNTIL_RESUME

    async def sleep_until_reset(self) -> None:
        """A durable timer to the quota reset: no retry loop burns quota or CPU meanwhile. An
        early `resume` wakes it to look at the quota, and it goes on if one write fits."""
        s = self._state
        s.next_resume_at = s.next_resume_at or workflow.now() + timedelta(hours=1)
        counted = resumes_counted()
        await self._mirror()
        while True:
            if not counted:
                self._old_flag.requested = False
            try:
                await workflow.wait_condition(
                    lambda: self._resume_pending(counted) or s.cancel_requested,
                    # The reset may be a few ms away: a short timer rather than none keeps
                    # the commands the same whichever way the clock falls.
                    timeout=max(s.next_resume_at - workflow.now(), timedelta(milliseconds=50)),
                    timeout_summary=reset_summary(s.next_resume_at),
                )
            except TimeoutError:
                break
            if s.cancel_requested:
                return
            # A resume that arrives while the quota is read asks again: act on it next round.
            self._resumes_acted_on = self._resumes_received
            if await self._quota_remaining() >= WRITE_COST:
                break
            self._resumes_answered = self._resumes_acted_on
        # The reset (or the quota found) answers every resume so far.
        self._resumes_acted_on = self._resumes_answered = self._resumes_received
        if s.pause_reason in SLEEPS_UNTIL_RESET or not counted:
            s.pause_reason = None
        s.next_resume_at = None
        s.sleeping_for = None
        s.last_resumed_at = workflow.now()
        if not s.user_paused:
            await self._mirror()

    def until_reset(self) -> timedelta | None:
        """How long until the quota reset, when only that holds the writes back (None when
        something else does, or nothing): batches in flight need not hold the others past it."""
        s = self._state
        if self.hold() is not Hold.UNTIL_RESET or s.next_resume_at is None:
            return None
        return max(s.next_resume_at - workflow.now(), timedelta(milliseconds=50))

    async def reset_passed(self) -> None:
        """The reset came while a batch was still in flight (a slow answer): writes go on, as
        after the sleep to it, without waiting for that batch."""
        self._woken()
        if not self._state.user_paused:
            await self._mirror()

    def _woken(self) -> None:
        s = self._state
        # The reset answers every resume so far.
        self._resumes_acted_on = self._resumes_answered = self._resumes_received
        if s.pause_reason in SLEEPS_UNTIL_RESET:
            s.pause_reason = None
        s.next_resume_at = None
        s.sleeping_for = None
        s.last_resumed_at = workflow.now()

    async def wait_for_resume(self) -> None:
        """Until the user's `resume` (or `cancel`): the pause is in the row while it waits."""
        s = self._state
        if s.user_paused:
            s.pause_reason = PauseReason.USER_PAUSED
        if not resumes_counted():
            await self._old_flag.wait_for_resume(s, self._mirror)
            return
        await self._mirror()
        await workflow.wait_condition(lambda: not self._held_for_user() or s.cancel_requested)
        if s.cancel_requested:
            return
        self._resumes_acted_on = self._resumes_answered = self._resumes_received
        await self._mirror()

    @property
    def resumes_received(self) -> int:
        return self._resumes_received

    def resumed_since(self, resumes_received: int) -> bool:
        """Whether a `resume` came after the moment `resumes_received` was read: a step that
        started before it ran on the state the user has since put right (a new grant)."""
        return self._resumes_received > resumes_received

    def _held_for_user(self) -> bool:
        s = self._state
        return s.user_paused or s.pause_reason in _ENDED_BY_RESUME

    def _resume_pending(self, counted: bool) -> bool:
        if counted:
            return self._resumes_received > self._resumes_acted_on
        return self._old_flag.requested

    async def count_write(self, step: Awaitable[T]) -> T:
        """Run a step that may write to YouTube, counted as in flight until it has landed."""
        self._writes_in_flight += 1
        try:
            return await step
        finally:
            self._writes_in_flight -= 1

    # The validators of the `pause`, `resume` and `cancel` Updates: they read, never change,
    # the state, and refuse (RequestRefused) what cannot take effect.

    def check_pause(self) -> None:
        s = self._check_still_running()
        if s.user_paused:
            raise RequestRefused(f"{self._subject} is already paused{self._resume_hint}")

    def check_resume(self) -> None:
        s = self._check_still_running()
        if not s.is_paused():
            raise RequestRefused(f"{self._subject} is not paused")

    def check_cancel(self) -> None:
        self._check_still_running()

    def _check_still_running(self) -> PauseState:
        s = self._state
        if s.completed_at is not None:
            raise RequestRefused(f"{self._subject} has already ended")
        if s.cancel_requested:
            raise RequestRefused(f"{self._subject} is being cancelled")
        return s

    # What the Updates wait for after the bodies below, before they answer.

    async def writes_landed(self) -> None:
        """Until no step that may write is in flight; with writes held, nothing more is sent."""
        await workflow.wait_condition(lambda: self._writes_in_flight == 0)

    async def resume_answered(self) -> None:
        """Until writes may go on, or the gate has answered the resumes so far: asleep on the
        quota timer, it reads the quota first, and may go back to sleep until the reset."""
        s = self._state
        asked = self._resumes_received
        await workflow.wait_condition(
            lambda: s.writes_allowed() or self._resumes_answered >= asked or s.cancel_requested
        )

    # The bodies of `pause`, `resume` and `cancel` (Updates and Signals alike).

    async def pause(self) -> None:
        s = self._state
        if s.user_paused or s.completed_at is not None:
            return
        s.user_paused = True
        # Mirrored at once: activities read it before each write, so the write in flight is
        # the last one until `resume`.
        s.pause_reason = PauseReason.USER_PAUSED
        await self._mirror()

    async def resume(self) -> None:
        s = self._state
        was_paused_by_user = s.user_paused
        held = not s.writes_allowed()
        s.user_paused = False
        counted = resumes_counted()
        if s.pause_reason in (_ENDED_BY_RESUME if counted else (PauseReason.USER_PAUSED,)):
            # Still asleep until the reset if the quota was spent meanwhile.
            s.pause_reason = (
                (s.sleeping_for or PauseReason.QUOTA_EXHAUSTED) if s.next_resume_at else None
            )
        if held and counted:
            self._resumes_received += 1
            s.consecutive_failures = 0
            if s.writes_allowed():
                s.last_resumed_at = workflow.now()
        self._old_flag.requested = True
        # Resumed during a quota sleep, the sync stays asleep but is no longer "paused by the
        # user": say so in Postgres now, not at the reset hours later.
        if was_paused_by_user and s.next_resume_at and mirrors_resume_in_quota_sleep():
            await self._mirror()

    async def cancel(self) -> None:
        s = self._state
        if s.cancel_requested or s.completed_at is not None:
            return
        s.cancel_requested = True
        await self._mirror()
