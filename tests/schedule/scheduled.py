"""A schedule of the test's own (its id names the world's task queue, so tests that share the
Temporal server never see each other's), paused so that only the test's triggers run it."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from temporalio.service import RPCError

from playlist_sync.schedule.payloads import RunOutcome
from playlist_sync.schedule.schedule_control import (
    RunView,
    create_schedule,
    delete_schedule,
    describe_schedule,
    trigger_schedule,
)
from playlist_sync.sync.payloads import SyncOptions
from tests.sync.world import TEST_LAG_ALLOWANCE_SECONDS, SyncWorld

HISTORIES = Path(__file__).parent / "histories"


async def record_run_history(world: SyncWorld, run: RunView, name: str) -> None:
    """With PLAYLIST_SYNC_RECORD_HISTORIES=1, save the run's history for the replay test."""
    if os.environ.get("PLAYLIST_SYNC_RECORD_HISTORIES") == "1":
        history = await world.client.get_workflow_handle(run.workflow_id).fetch_history()
        HISTORIES.mkdir(exist_ok=True)
        (HISTORIES / f"{name}.json").write_text(history.to_json())


@dataclass
class ScheduleUnderTest:
    world: SyncWorld
    schedule_id: str

    async def runs(self) -> list[RunView]:
        return (await describe_schedule(self.world.client, self.schedule_id)).runs

    async def trigger(self) -> int:
        """Triggers a run; the number of runs before it (its index in `runs`)."""
        before = len(await self.runs())
        await trigger_schedule(self.world.client, self.schedule_id)
        return before

    async def run_started(self, index: int, within: float = 30) -> RunView:
        return await self._wait(index, lambda run: True, within)

    async def run_ended(self, index: int, within: float = 60) -> RunView:
        return await self._wait(index, lambda run: run.result.outcome != RunOutcome.RUNNING, within)

    async def _wait(self, index: int, done, within: float) -> RunView:  # type: ignore[no-untyped-def]
        deadline = asyncio.get_running_loop().time() + within
        while True:
            runs = await self.runs()
            if len(runs) > index and done(runs[index]):
                return runs[index]
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"run {index} of {self.schedule_id} never got there: {runs}")
            await asyncio.sleep(0.2)


@asynccontextmanager
async def paused_schedule(
    world: SyncWorld, max_delete: int = 50
) -> AsyncIterator[ScheduleUnderTest]:
    schedule_id = f"schedule-{world.task_queue}"
    await create_schedule(
        world.client,
        world.settings,
        every=timedelta(days=1),
        max_delete=max_delete,
        options=SyncOptions(lag_allowance_seconds=TEST_LAG_ALLOWANCE_SECONDS),
        schedule_id=schedule_id,
        paused=True,
    )
    try:
        yield ScheduleUnderTest(world, schedule_id)
    finally:
        with contextlib.suppress(RPCError):
            await delete_schedule(world.client, schedule_id)
