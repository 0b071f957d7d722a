"""A playlist (a sync's category, a restore's playlist) whose batches keep ending in failures another try may get past (an insert that
did not land after a 5xx or 429, a playlist that does not match yet) waits 1 s, 2 s, 4 s ...
(the job's options) on a durable timer before its next batch, rather than being relaunched at
once forever. Workflow code: deterministic."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Protocol

from temporalio import workflow

# Added after syncs had started: their histories replay without the timers.
from workflows.recorded_histories import backs_off_after_failures


class BackoffOptions(Protocol):
    @property
    def retry_delay_seconds(self) -> float: ...

    @property
    def max_retry_delay_seconds(self) -> float: ...


class RetriedOutcome(Protocol):
    @property
    def retry_later(self) -> bool: ...

    @property
    def done(self) -> int: ...


class RetryBackoff:
    def __init__(self, options: BackoffOptions) -> None:
        self._options = options
        # Batches in a row that each category ended with `retry_later`.
        self._failures_in_a_row: dict[int, int] = {}

    def note(self, category_id: int, outcome: RetriedOutcome) -> None:
        if outcome.retry_later:
            # In a row: a batch that added something before it failed starts the count
            # again, so that errors spread over a long playlist never add up to minutes.
            before = 0 if outcome.done else self._failures_in_a_row.get(category_id, 0)
            self._failures_in_a_row[category_id] = before + 1
        else:
            self._failures_in_a_row.pop(category_id, None)

    async def wait(self, category_id: int, writes_allowed: Callable[[], bool]) -> bool:
        """Before the category's next batch; False when writes were held meanwhile (pause,
        cancel): the batch is not started."""
        failures = self._failures_in_a_row.get(category_id, 0)
        if not failures or not backs_off_after_failures():
            return True
        o = self._options
        delay = min(o.retry_delay_seconds * 2 ** (failures - 1), o.max_retry_delay_seconds)
        try:
            await workflow.wait_condition(
                lambda: not writes_allowed(),
                timeout=timedelta(seconds=delay),
                timeout_summary="retry after a failure",
            )
        except TimeoutError:
            return True
        return False
