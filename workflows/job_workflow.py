"""What the sync and the restore workflows share beside their processes: the write gate, the
steps they run (those that may write count as in flight until they land, for `pause`), the
bodies of `pause`, `resume` and `cancel`, and how a job ends. Workflow code: deterministic.

Each workflow declares its own Updates, Signals and query, so that their answers are typed by
the workflow's job record: an Update declared here would answer a TypeVar, which a client
decodes into a plain dict.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Generic, NoReturn, TypeVar

from pydantic import BaseModel
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from playlist_sync.models import PauseReason
    from playlist_sync.pause_state import PauseState
    from playlist_sync.temporal_client import SYNC_STAGE

from workflows.steps import NeedsUser, run_bookkeeping, run_step
from workflows.write_gate import WriteGate

StageT = TypeVar("StageT", bound=str)
RecordT = TypeVar("RecordT")


class JobWorkflow(ABC, Generic[StageT, RecordT]):
    _state: PauseState

    def __init__(self, state: PauseState, *, subject: str, resume_hint: str = "") -> None:
        self._state = state
        self._gate = WriteGate(
            state,
            mirror=self._mirror,
            quota_remaining=self._quota_remaining,
            subject=subject,
            resume_hint=resume_hint,
        )
        # One mirror at a time: a signal's mirror and the process's may otherwise overtake.
        self._mirror_lock = asyncio.Lock()
        # The row shows the job's end: a `cancel` answers then.
        self._ended = False
        self._stage_attribute: StageT | None = None

    # -- what each workflow says of itself ---------------------------------------------------

    @abstractmethod
    async def _mirror(self, stage: StageT | None = None) -> None:
        """Write the state to the job's row (and the search attribute, current details)."""

    @abstractmethod
    async def _quota_remaining(self) -> int:
        """The quota left in this window, as the ledger counts it."""

    @abstractmethod
    def _visible_stage(self) -> StageT: ...

    @abstractmethod
    def _record(self, stage: StageT) -> RecordT: ...

    @abstractmethod
    def _raise_error(self, message: str) -> None:
        """An error of the job itself (not of an item): kept, and mirrored to Postgres."""

    @abstractmethod
    def _summary(self, activity: Callable[..., Any], arg: Any) -> str:
        """What a step does, as the Web UI's timeline shows it."""

    @property
    @abstractmethod
    def _heartbeat(self) -> timedelta: ...

    # -- the bodies of the Updates: each answers once its request has taken effect -----------

    async def _pause_and_answer(self) -> RecordT:
        await self._gate.pause()
        await self._gate.writes_landed()
        return self._record(self._visible_stage())

    async def _resume_and_answer(self) -> RecordT:
        await self._gate.resume()
        await self._gate.resume_answered()
        return self._record(self._visible_stage())

    async def _cancel_and_answer(self) -> RecordT:
        await self._gate.cancel()
        await workflow.wait_condition(lambda: self._ended)
        return self._record(self._visible_stage())

    # -- steps ---------------------------------------------------------------------------------

    async def _writing(self, activity: Callable[..., Any], arg: Any) -> Any | NeedsUser:
        """A step that may write to YouTube: in flight until it lands (`pause` answers after);
        NeedsUser pauses the job for `starter.py auth`."""
        resumes = self._gate.resumes_received
        answer = await self._gate.count_write(
            run_step(activity, arg, heartbeat=self._heartbeat, summary=self._summary(activity, arg))
        )
        # A step that started before the user's resume failed on the old grant: the next step
        # tries the new one, rather than pause for a resume that already came.
        if isinstance(answer, NeedsUser) and not self._gate.resumed_since(resumes):
            self._state.pause_reason = PauseReason.AUTH_REQUIRED
            self._raise_error(answer.message)
        return answer

    async def _bookkeeping(self, activity: Callable[..., Any], arg: Any) -> Any:
        """A step that reads or writes only Postgres."""
        return await run_bookkeeping(
            activity, arg, heartbeat=self._heartbeat, summary=self._summary(activity, arg)
        )

    # -- rolling over and ending -------------------------------------------------------------

    async def _roll_over(self, carried: BaseModel) -> NoReturn:
        """Continue-as-new with the ids and counts (the rest is in Postgres), once the handlers
        running now have answered. Only called with writes allowed: no handler then waits on
        the run (a `cancel` answers once the job has ended, a `pause` once writes have landed)."""
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(carried)

    async def _finish(self, stage: StageT) -> RecordT:
        s = self._state
        s.completed_at = workflow.now()
        s.pause_reason = None
        s.next_resume_at = None
        await self._mirror(stage)
        self._ended = True
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._record(stage)

    async def _end_cancelled(self, stage: StageT, message: str) -> RecordT:
        self._state.cancelled = True
        self._raise_error(message)
        return await self._finish(stage)

    def _show_stage(self, shown: StageT) -> None:
        """The SyncStage search attribute (the Web UI's list filters on it)."""
        if shown != self._stage_attribute:
            workflow.upsert_search_attributes([SYNC_STAGE.value_set(str(shown))])
            self._stage_attribute = shown
