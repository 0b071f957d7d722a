"""When a long-running writer may write: pause, resume, cancel and the sleep until the quota
resets. Shared by the sync and restore workflows (workflow code: deterministic, no I/O).

The workflow lets the batches in flight land, then asks `open()`; that returns once writes may
go on (False if the user cancelled meanwhile).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from playlist_sync.models import PauseReason
    from playlist_sync.pause_state import PauseState

# An early `resume` during a quota sleep wakes it only if at least one write fits again.
_ONE_WRITE = 50


class WriteGate:
    def __init__(
        self,
        state: PauseState,
        *,
        mirror: Callable[[], Awaitable[None]],
        quota_remaining: Callable[[], Awaitable[int]],
        continue_as_new: Callable[[], None],
    ) -> None:
        self._state = state
        self._mirror = mirror
        self._quota_remaining = quota_remaining
        self._continue_as_new = continue_as_new
        self._resume_requested = False

    def writes_allowed(self) -> bool:
        return self._state.writes_allowed()

    async def open(self) -> bool:
        """Wait until writes may go on; False when the user cancelled meanwhile."""
        s = self._state
        while not s.writes_allowed():
            if s.cancel_requested:
                s.cancelled = True
                return False
            if s.pause_reason == PauseReason.QUOTA_EXHAUSTED and not s.user_paused:
                await self._sleep_until_reset()
            else:
                await self._wait_for_resume()
        if workflow.info().is_continue_as_new_suggested():
            await workflow.wait_condition(workflow.all_handlers_finished)
            self._continue_as_new()
        return True

    async def _sleep_until_reset(self) -> None:
        """A durable timer to the quota reset: no retry loop burns quota or CPU meanwhile."""
        s = self._state
        s.next_resume_at = s.next_resume_at or workflow.now() + timedelta(hours=1)
        await self._mirror()
        while True:
            self._resume_requested = False
            try:
                await workflow.wait_condition(
                    lambda: self._resume_requested or s.cancel_requested,
                    # The reset may be a few ms away: a short timer rather than none keeps
                    # the commands the same whichever way the clock falls.
                    timeout=max(s.next_resume_at - workflow.now(), timedelta(milliseconds=50)),
                    timeout_summary="quota window reset",
                )
            except TimeoutError:
                break
            if s.cancel_requested:
                return
            if await self._quota_remaining() >= _ONE_WRITE:
                break
        s.pause_reason = None
        s.next_resume_at = None
        s.last_resumed_at = workflow.now()
        if not s.user_paused:
            await self._mirror()

    async def _wait_for_resume(self) -> None:
        s = self._state
        if s.user_paused:
            s.pause_reason = PauseReason.USER_PAUSED
        await self._mirror()
        self._resume_requested = False
        await workflow.wait_condition(lambda: self._resume_requested or s.cancel_requested)
        if s.cancel_requested:
            return
        s.pause_reason = None
        s.consecutive_failures = 0
        s.last_resumed_at = workflow.now()
        await self._mirror()

    # The bodies of the `pause`, `resume` and `cancel` signals.

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
        s.user_paused = False
        if s.pause_reason == PauseReason.USER_PAUSED:
            s.pause_reason = PauseReason.QUOTA_EXHAUSTED if s.next_resume_at else None
        self._resume_requested = True
        # Resumed during a quota sleep, the sync stays asleep but is no longer "paused by the
        # user": say so in Postgres now, not at the reset hours later. (Histories recorded
        # before this mirror existed replay without it.)
        if (
            was_paused_by_user
            and s.next_resume_at
            and workflow.patched("mirror-resume-in-quota-sleep")
        ):
            await self._mirror()

    async def cancel(self) -> None:
        s = self._state
        if s.cancel_requested or s.completed_at is not None:
            return
        s.cancel_requested = True
        await self._mirror()
