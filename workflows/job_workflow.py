"""One engine for every job (the sync, the restore): the loop that runs a job's stages batch by
batch, the write gate it waits on between batches, the steps it runs (those that may write count
as in flight until they land, for `pause`), the `pause`, `resume` and `cancel` Updates and
Signals and the `progress` query, and how a job ends. Workflow code: deterministic.

Each workflow says what its stages are, what a stage plans before its first write and what one
round of writes is; everything else is here. The handlers are declared once, here: the SDK
collects a @workflow.defn class's inherited handlers. They answer the workflow's job record (a
SyncProgress, a RestoreJobRecord), which a client asks for by name with `result_type=`, e.g.
`handle.execute_update("pause", result_type=SyncProgress)`; the method itself (a
`PlaylistSyncWorkflow.pause_update`) would answer a plain dict, its type being a TypeVar here.
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
from workflows.write_gate import Hold, WriteGate

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

    # -- the loop: every job's stages, batch by batch ----------------------------------------

    async def _run_stages(self) -> RecordT:
        for stage in self._stages_left():
            done = await self._begin(stage)
            while not done:
                # Between batches, nothing in flight: where the job waits, or rolls over.
                match self._gate.hold():
                    case Hold.CANCELLED:
                        message = self._cancel_message(stage)
                        return await self._end_cancelled(self._ended_stage(cancelled=True), message)
                    case Hold.UNTIL_RESET:
                        # The quota window is spent: a durable timer to the reset (00:00 PT).
                        await self._gate.sleep_until_reset()
                    case Hold.UNTIL_RESUME:
                        # Paused by the user, after failures in a row, or for `auth`.
                        await self._gate.wait_for_resume()
                    case None if workflow.info().is_continue_as_new_suggested():
                        # A long history: go on in a new run with the ids and counts.
                        await self._roll_over(self._carried())
                    case None:
                        done = await self._write(stage)
        return await self._finish(self._ended_stage(cancelled=False))

    # -- what each workflow says of itself ---------------------------------------------------

    @abstractmethod
    def _stages_left(self) -> list[StageT]:
        """The stages still to run, the current one first."""

    @abstractmethod
    async def _begin(self, stage: StageT) -> bool:
        """Enter a stage: what it reads and plans before its first write; True when it has
        nothing to write."""

    @abstractmethod
    async def _write(self, stage: StageT) -> bool:
        """One round of the stage's writes; True once the stage has nothing left to write."""

    @abstractmethod
    def _carried(self) -> BaseModel:
        """The input of the run that continues this one as new: the ids and the state."""

    @abstractmethod
    def _cancel_message(self, stage: StageT) -> str: ...

    @abstractmethod
    def _ended_stage(self, *, cancelled: bool) -> StageT: ...

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

    # -- pause, resume, cancel: Updates, which refuse what cannot take effect and answer with
    # the job's state once the request has taken effect; and Signals of the same names, for
    # scripts and for jobs started before the Updates (their histories replay on them).

    @workflow.update(
        name="pause", description="pause writing; answers once the writes in flight have landed"
    )
    async def pause_update(self) -> RecordT:
        await self._gate.pause()
        await self._gate.writes_landed()
        return self._record(self._visible_stage())

    @pause_update.validator
    def validate_pause(self) -> None:
        self._gate.check_pause()

    @workflow.update(
        name="resume",
        description="resume a paused job; answers once writes go on, or when the quota window is still spent",
    )
    async def resume_update(self) -> RecordT:
        await self._gate.resume()
        await self._gate.resume_answered()
        return self._record(self._visible_stage())

    @resume_update.validator
    def validate_resume(self) -> None:
        self._gate.check_resume()

    @workflow.update(
        name="cancel",
        description="stop for good; answers once the job has ended (the writes in flight land first)",
    )
    async def cancel_update(self) -> RecordT:
        await self._gate.cancel()
        await workflow.wait_condition(lambda: self._ended)
        return self._record(self._visible_stage())

    @cancel_update.validator
    def validate_cancel(self) -> None:
        self._gate.check_cancel()

    @workflow.signal(description="the Update's body, unanswered (scripts; older jobs)")
    async def pause(self) -> None:
        await self._gate.pause()

    @workflow.signal(description="the Update's body, unanswered (scripts; older jobs)")
    async def resume(self) -> None:
        await self._gate.resume()

    @workflow.signal(description="the Update's body, unanswered (scripts; older jobs)")
    async def cancel(self) -> None:
        await self._gate.cancel()

    @workflow.query(description="the job's state now, as the Updates answer it")
    def progress(self) -> RecordT:
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
