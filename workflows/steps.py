"""Running one step (an activity) of a long-running writer, and several playlists' batches at
once. Shared by the sync and restore workflows (workflow code: deterministic, no I/O)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

from workflows.recorded_histories import goes_on_at_reset_beside_slow_batches

# Errors a workflow keeps for its `progress` query and its current details; all of them are
# in the job's row.
RECENT_ERRORS_KEPT = 20

# Failures no retry gets past: only the user can fix them (`starter.py auth`).
NEEDS_USER = ["AuthRequired"]

_STEP_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=30),
    non_retryable_error_types=NEEDS_USER,
)
# Bookkeeping (the Postgres mirror, the quota left) retries until Postgres is back.
_BOOKKEEPING_RETRY = RetryPolicy(maximum_interval=timedelta(seconds=30))


@dataclass(frozen=True)
class NeedsUser:
    """A step's answer when only the user can get past its failure (`starter.py auth`): the
    job pauses for them instead of retrying."""

    message: str


async def run_step(
    activity: Callable[..., Any],
    arg: Any,
    *,
    heartbeat: timedelta,
    summary: str,
) -> Any | NeedsUser:
    """Run one step that may write to YouTube, retried while another try may get past its
    failure. `summary` is what the Web UI's timeline shows of it."""
    try:
        return await _execute(activity, arg, heartbeat, _STEP_RETRY, summary)
    except ActivityError as error:
        cause = error.cause
        if isinstance(cause, ApplicationError) and cause.type in NEEDS_USER:
            return NeedsUser(cause.message)
        raise


async def run_bookkeeping(
    activity: Callable[..., Any], arg: Any, *, heartbeat: timedelta, summary: str
) -> Any:
    """Run one step that only reads or writes Postgres: retried until Postgres is back."""
    return await _execute(activity, arg, heartbeat, _BOOKKEEPING_RETRY, summary)


async def _execute(
    activity: Callable[..., Any],
    arg: Any,
    heartbeat: timedelta,
    retry_policy: RetryPolicy,
    summary: str,
) -> Any:
    return await workflow.execute_activity_method(
        activity,
        arg,
        start_to_close_timeout=timedelta(minutes=10),
        # A killed worker's batch is retried on another after at most this long.
        heartbeat_timeout=heartbeat,
        retry_policy=retry_policy,
        summary=summary,
    )


class BatchOutcome(Protocol):
    remaining: int
    held: bool


Outcome = TypeVar("Outcome", bound=BatchOutcome)


async def run_batches_in_parallel(
    pending: list[int],
    *,
    start: Callable[[int], Awaitable[Outcome | NeedsUser | None]],
    on_outcome: Callable[[Outcome], None],
    after_batch: Callable[[], Awaitable[None]],
    writes_allowed: Callable[[], bool],
    parallelism: int,
    sets_aside_waiting: bool = False,
    reset: QuotaResetWake | None = None,
) -> None:
    """Batches for each pending playlist, several playlists at once but one batch per playlist
    (YouTube answers parallel inserts into one playlist with backendError). Removes finished
    ids from `pending`. Returns when none is left, or, once the batches in flight have landed,
    when writes are held (pause, quota, cancel) or the history should roll over. `start`
    answers None when it did not run (writes were held while it waited to retry).

    `sets_aside_waiting`: a playlist whose removals wait for other playlists is set aside, and
    taken up again only after another playlist got videos; returns when only such playlists
    are left (their other playlists may be new ones that YouTube's creation limit holds).

    `reset`: while writes wait only for the quota's reset and batches are still in flight (an
    answer held for a minute), the reset is waited for beside them; at it, the other playlists'
    batches go on, and the slow one holds only its own playlist."""
    running: dict[asyncio.Task[Outcome | NeedsUser | None], int] = {}
    waiting = list(pending)
    aside: list[int] = []
    progressed = False
    while pending:
        # Start a batch for each free slot while nothing holds the writes back; when the
        # server suggests continue-as-new, let the running batches land and roll over.
        launch = writes_allowed() and not workflow.info().is_continue_as_new_suggested()
        if launch and not waiting and not running and aside and progressed:
            waiting, aside, progressed = aside, [], False
        while launch and waiting and len(running) < max(1, parallelism):
            item = waiting.pop(0)
            running[asyncio.ensure_future(start(item))] = item
        if not running:
            return  # everything in flight has landed: the workflow pauses, sleeps or rolls over
        until_reset = reset.until_reset() if reset is not None and not launch else None
        if reset is not None and until_reset is not None and goes_on_at_reset_beside_slow_batches():
            try:
                await workflow.wait_condition(
                    lambda: any(task.done() for task in running),
                    timeout=until_reset,
                    timeout_summary="the quota resets: the other playlists' batches go on",
                )
            except TimeoutError:
                await reset.reset_passed()
                continue
            done = [task for task in running if task.done()]
        else:
            done, _ = await workflow.wait(list(running), return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            item = running.pop(task)
            outcome = task.result()
            if outcome is not None and not isinstance(outcome, NeedsUser):
                on_outcome(outcome)
                progressed = progressed or getattr(outcome, "done", 0) > 0
                if outcome.remaining == 0 and not outcome.held:
                    pending.remove(item)
                    progressed = True  # verified: its read shows what it holds
                    continue
            if sets_aside_waiting and getattr(outcome, "waits_for_other_playlists", False):
                aside.append(item)
            elif getattr(outcome, "waits_for_other_playlists", False):
                # Its removals wait until other playlists hold their videos: those go first.
                # (A field older histories' outcomes lack: they replay on the line below.)
                waiting.append(item)
            else:
                # Keep on with the playlist it was on: fewer playlists half-filled.
                waiting.insert(0, item)
        await after_batch()


class QuotaResetWake(Protocol):
    """The write gate, as the batches see it: when the quota resets, and going on at it."""

    def until_reset(self) -> timedelta | None: ...

    async def reset_passed(self) -> None: ...


CountsT = TypeVar("CountsT", bound=BaseModel)


def latest_counts(known: CountsT, reported: CountsT) -> CountsT:
    """Merge two readings of counts that only ever grow (added, skipped, failed...).

    Batches running in parallel each read the job's totals from Postgres when they end, but
    their results can reach the workflow out of order: the larger reading is the newer one.
    """
    merged = {
        name: max(getattr(known, name), getattr(reported, name))
        for name in type(known).model_fields
    }
    return type(known)(**merged)
