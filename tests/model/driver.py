"""How the model drives the real stack: an event loop of its own (Hypothesis's state machines
are synchronous), one world per example (emulator, fresh database, OAuth grant, worker.py in a
process of its own so that it can be SIGKILLed), and a job steered by its Updates."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
from collections.abc import Callable, Coroutine
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.service import RPCError

from playlist_sync.db.connection import ensure_database, with_database
from playlist_sync.temporal_client import data_converter
from tests.faults.processes import WorkerProcesses
from tests.model.library_shapes import Shape
from tests.sync.world import SyncWorld, sync_world

T = TypeVar("T")
_examples = itertools.count()
# Job ids of the model's databases start far above the ones tests/conftest.py hands out, so
# that workflow ids never collide on the shared dev server.
_JOB_IDS_FROM = 500_000


@dataclass(frozen=True)
class Stack:
    """What the session's fixtures started: the examples share them."""

    temporal_address: str
    postgres_url: str
    template: str
    tmp: Path


class LoopThread:
    """An event loop in a thread of its own, for the synchronous rules to run coroutines on."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], within: float = 300) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(within)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


async def fresh_database(stack: Stack) -> str:
    number = next(_examples)
    name = f"model_{number}"
    await ensure_database(stack.postgres_url, name, template=stack.template)
    url = with_database(stack.postgres_url, name)
    conn = await asyncpg.connect(url)
    try:
        for sequence in ("sync_jobs_id_seq", "restore_jobs_id_seq"):
            await conn.execute(
                f"ALTER SEQUENCE {sequence} RESTART WITH {_JOB_IDS_FROM + number * 1000 + 1}"
            )
    finally:
        await conn.close()
    return url


@dataclass
class ModelWorld:
    """One example's world, with its worker processes and what it still has to close."""

    world: SyncWorld
    workers: WorkerProcesses
    exits: AsyncExitStack
    kills: int = 0
    handles: list[WorkflowHandle[Any, Any]] = field(default_factory=list)

    @classmethod
    async def open(cls, stack: Stack, shape: Shape, folder: Path) -> ModelWorld:
        exits = AsyncExitStack()
        client = await Client.connect(stack.temporal_address, data_converter=data_converter)
        world = await exits.enter_async_context(
            sync_world(
                seed=shape.seed(),
                client=client,
                database_url=await fresh_database(stack),
                data_dir=folder / "data",
            )
        )
        await world.import_library()
        await world.apply(shape.categories_yaml(), folder)
        workers = exits.enter_context(WorkerProcesses(world, folder / "workers.log"))
        workers.start()
        return cls(world, workers, exits)

    def kill_worker(self) -> None:
        """SIGKILL the worker (no chance to finish its write in flight) and start another."""
        for process in list(self.workers.running):
            self.workers.kill(process)
        self.workers.start()
        self.kills += 1

    async def close(self) -> None:
        for handle in self.handles:
            with contextlib.suppress(RPCError):
                if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
                    await handle.terminate("the model's example is over")
        await self.exits.aclose()


async def until(condition: Callable[[], bool], within: float) -> bool:
    """Polls `condition` until it holds (True) or `within` seconds have passed (False)."""
    deadline = asyncio.get_running_loop().time() + within
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


class Job:
    """A sync or a restore, steered as a user does: pause (answers once no write is in flight),
    resume, cancel; and let run for one batch of writes at a time."""

    def __init__(self, model: ModelWorld, handle: WorkflowHandle[Any, Any]) -> None:
        self.model = model
        self.handle = handle
        self.refusals: list[str] = []
        # Times the job paused itself after failures in a row and the model resumed it.
        self.resumed_after_errors = 0
        model.handles.append(handle)

    async def update(self, name: str, within: float = 90) -> bool:
        """The Update's answer arrived (False: refused, e.g. a pause of a job that ended)."""
        try:
            await asyncio.wait_for(self.handle.execute_update(name), within)
        except WorkflowUpdateFailedError as refused:
            self.refusals.append(f"{name}: {refused.cause}")
            return False
        except RPCError as refused:
            if await self.ended():
                return False
            raise AssertionError(f"{name} failed: {refused}") from None
        except TimeoutError:
            raise AssertionError(f"no answer to {name} within {within:.0f} s") from None
        return True

    async def where(self) -> str:
        """Where the job is, for a failure's message: stage, pause, last errors."""
        state = await self.handle.query("progress")
        errors = [e.get("message") for e in state.get("errors", [])][-4:]
        pending = [
            f"{a.activity_type.name} attempt {a.attempt}"
            + (
                f" (last failure: {a.last_failure.message[:300]})"
                if a.HasField("last_failure")
                else ""
            )
            for a in (await self.handle.describe()).raw_description.pending_activities
        ]
        return (
            f"stage {state.get('stage')}, pause {state.get('pauseReason', state.get('pause_reason'))},"
            f" last errors {errors}; in flight: {pending or 'nothing'}"
        )

    async def ended(self) -> bool:
        status = (await self.handle.describe()).status
        return status != WorkflowExecutionStatus.RUNNING

    async def write_a_batch(self, within: float = 20) -> None:
        """Resume, wait until YouTube was sent at least one more write (or the job ended), then
        pause. A job that writes nothing in `within` seconds is paused again all the same (it
        may be waiting out the lag allowance); only the end of the run is bounded strictly."""
        world = self.model.world
        before = world.emulator_units()
        if not await self.update("resume"):
            return
        deadline = asyncio.get_running_loop().time() + within
        while world.emulator_units() < before + 50 and not await self.ended():
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.05)
        if not await self.ended():
            await self.update("pause")

    async def finish(self, within: float) -> Any:
        """Resume, and the job's result within `within` seconds (resuming again whenever it
        pauses itself, e.g. after failures in a row): never a hang."""
        deadline = asyncio.get_running_loop().time() + within
        await self.update("resume")
        while not await self.ended():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(
                    f"the job did not end within {within:.0f} s: {await self.where()}"
                )
            with contextlib.suppress(RPCError):
                state = await self.handle.query("progress")
                reason = state.get("pauseReason", state.get("pause_reason"))
                if reason == "errors_collected":
                    # What a user does after reading the errors: resume once more.
                    self.resumed_after_errors += 1
                    await self.update("resume")
            await asyncio.sleep(0.2)
        return await self.handle.result()
