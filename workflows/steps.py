"""Running one step (an activity) of a long-running writer, and several playlists' batches at
once. Shared by the sync and restore workflows (workflow code: deterministic, no I/O)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from workflows.write_gate import WriteGate

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


async def run_step(
    activity: Callable[..., Any],
    arg: Any,
    *,
    heartbeat: timedelta,
    on_needs_user: Callable[[str], None],
    bookkeeping: bool = False,
    summary: str | None = None,
) -> Any:
    """Run one activity; when only the user can fix its failure, say so and return None.
    `summary` is what the Web UI's timeline shows of it."""
    try:
        return await workflow.execute_activity_method(
            activity,
            arg,
            start_to_close_timeout=timedelta(minutes=10),
            # A killed worker's batch is retried on another after at most this long.
            heartbeat_timeout=heartbeat,
            retry_policy=_BOOKKEEPING_RETRY if bookkeeping else _STEP_RETRY,
            summary=summary,
        )
    except ActivityError as error:
        cause = error.cause
        if isinstance(cause, ApplicationError) and cause.type in NEEDS_USER:
            on_needs_user(cause.message)
            return None
        raise


class BatchOutcome(Protocol):
    remaining: int
    held: bool


Outcome = TypeVar("Outcome", bound=BatchOutcome)


async def run_batches_in_parallel(
    pending: list[int],
    *,
    start: Callable[[int], Awaitable[Outcome | None]],
    on_outcome: Callable[[Outcome], None],
    after_batch: Callable[[], Awaitable[None]],
    gate: WriteGate,
    parallelism: int,
) -> bool:
    """Batches for each pending playlist until none is left, several playlists at once but one
    batch per playlist (YouTube answers parallel inserts into one playlist with backendError).
    Removes finished ids from `pending`; False when the user cancelled."""
    running: dict[asyncio.Task[Outcome | None], int] = {}
    waiting = list(pending)
    while pending:
        # Start a batch for each free slot while nothing holds the writes back; when the
        # server suggests continue-as-new, let the running batches land and roll over.
        launch = gate.writes_allowed() and not workflow.info().is_continue_as_new_suggested()
        while launch and waiting and len(running) < max(1, parallelism):
            item = waiting.pop(0)
            running[asyncio.ensure_future(start(item))] = item
        if not running:
            # Everything in flight has landed: now pause, sleep or stop as asked.
            if not await gate.open():
                return False
            waiting = list(pending)
            continue
        done, _ = await workflow.wait(list(running), return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            item = running.pop(task)
            outcome = task.result()
            if outcome is not None:
                on_outcome(outcome)
            if outcome is not None and outcome.remaining == 0 and not outcome.held:
                pending.remove(item)
            else:
                # Keep on with the playlist it was on: fewer playlists half-filled.
                waiting.insert(0, item)
        await after_batch()
    return True


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
