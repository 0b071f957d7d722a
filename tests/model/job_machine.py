"""The steps and the invariants a sync and a restore share (Hypothesis collects inherited rules):
the job writes a batch (resume, at least one write, pause: the pause answers once no write is
in flight), the worker is SIGKILLed mid-batch, the user edits YouTube between batches, the job
is cancelled. After every step: no playlist holds a video twice, no watched video was put in
no playlist by the job's own write (the emulator's watch sees every write, not a poll), and
the app's quota ledger equals YouTube's count (after a kill: above it only by the calls the
kill interrupted). Each machine says how its job starts and what YouTube must be at the end."""

from __future__ import annotations

from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from tests.faults.checks import interrupted_units
from tests.model import user_on_youtube as user
from tests.model.budget import END_WITHIN, say
from tests.model.driver import Job, LoopThread, ModelWorld, Stack, until
from tests.model.library_shapes import Shape
from tests.model.oracle import UserEdits, duplicates, gaps_the_job_opened

PICK = st.integers(0, 1000)


class JobMachine(RuleBasedStateMachine):
    stack: ClassVar[Stack]
    # The restore's end is the snapshot, which a video the user added or a renamed title
    # would make ambiguous: its model only removes and moves.
    user_adds_and_renames: ClassVar[bool] = True

    def __init__(self) -> None:
        super().__init__()
        self.loop = LoopThread()
        self.model: ModelWorld | None = None
        self.job: Job | None = None
        self.shape: Shape | None = None
        self.library: list[str] = []
        self.edits = UserEdits()
        self.ended = False
        self.cancelled = False
        self.batches = 0
        # False while a step runs: teardown checks the end only after steps that passed.
        self.steps_passed = True

    @property
    def running(self) -> bool:
        return self.job is not None and not self.ended

    def _units(self) -> int:
        return self.model.world.emulator_units() if self.model else 0

    def _step(self, name: str, coroutine: Any) -> None:
        assert self.job is not None
        self.steps_passed = False
        say(f"  {name} (YouTube counted {self._units()} units so far)")
        self.loop.run(coroutine)
        self.ended = self.loop.run(self.job.ended())
        self.steps_passed = True

    # -- the steps --------------------------------------------------------------------------

    @precondition(lambda self: self.running)
    @rule()
    def write_a_batch(self) -> None:
        assert self.job is not None
        self._step("write a batch", self.job.write_a_batch())
        self.batches += 1

    # Hypothesis tries rules with fewer arguments first: with one, a kill (the costly step, a
    # heartbeat timeout and a new worker process) comes after the plain batch.
    @precondition(lambda self: self.running)
    @rule(after_writes=st.integers(1, 3))
    def kill_the_worker_mid_batch(self, after_writes: int) -> None:
        assert self.job is not None and self.model is not None
        job, model = self.job, self.model

        async def killed() -> None:
            world = model.world
            before = world.emulator_units()
            if await job.update("resume"):
                await until(lambda: world.emulator_units() >= before + 50 * after_writes, 20)
            model.kill_worker()
            if not await job.ended():
                await job.update("pause")

        self._step("kill the worker mid-batch", killed())
        self.batches += 1

    @precondition(lambda self: self.running)
    @rule(which=PICK, item=PICK)
    def user_removes_a_video(self, which: int, item: int) -> None:
        assert self.model is not None
        user.remove_video(self.model.world.admin, self.edits, which, item)

    @precondition(lambda self: self.running and self.user_adds_and_renames)
    @rule(which=PICK, video=PICK, position=PICK)
    def user_adds_a_video(self, which: int, video: int, position: int) -> None:
        assert self.model is not None
        user.add_video(self.model.world.admin, self.edits, self.library, which, video, position)

    @precondition(lambda self: self.running)
    @rule(which=PICK, item=PICK, position=PICK)
    def user_moves_a_video(self, which: int, item: int, position: int) -> None:
        assert self.model is not None
        user.move_video(self.model.world.admin, self.edits, which, item, position)

    @precondition(lambda self: self.running and self.user_adds_and_renames)
    @rule(which=PICK)
    def user_renames_a_playlist(self, which: int) -> None:
        assert self.model is not None
        user.rename_playlist(self.model.world.admin, self.edits, which)

    # A cancel right at the start proves little: after some writes, it can land mid-move. And
    # most runs should reach their end, which is where YouTube is checked in full: a user who
    # thinks of cancelling cancels one time in four.
    @precondition(lambda self: self.running and self.batches >= 1)
    @rule(hesitation=st.integers(0, 3))
    def cancel(self, hesitation: int) -> None:
        assert self.job is not None
        if hesitation == 0:
            self._step("cancel", self.job.update("cancel"))
            self.cancelled = True

    @precondition(lambda self: not self.running)
    @rule()
    def nothing_left_to_steer(self) -> None:
        """The job ended (completed, or cancelled): the end is checked at teardown."""

    # -- what holds after every step ----------------------------------------------------------

    @invariant()
    def nothing_twice_nothing_lost_quota_accounted(self) -> None:
        if self.model is not None:
            self.loop.run(self._check_now())

    async def _check_now(self) -> None:
        assert self.model is not None and self.shape is not None
        world = self.model.world
        state = world.admin.state()
        titles = {p["id"]: p["title"] for p in state["playlists"]}
        for playlist in self.shape.seed()["playlists"]:
            titles.setdefault(playlist["id"], playlist["title"])
        broken = duplicates(state) + gaps_the_job_opened(world.admin.watched(), titles)
        ledger, youtube = await world.ledger_units(), world.emulator_units()
        if self.model.kills == 0 and ledger != youtube:
            broken.append(f"the ledger counts {ledger} units, YouTube {youtube}")
        if self.model.kills and not youtube <= ledger <= youtube + await interrupted_units(world):
            broken.append(f"after kills the ledger counts {ledger} units, YouTube {youtube}")
        self.assert_none(broken)

    def assert_none(self, broken: list[str]) -> None:
        assert self.shape is not None
        assert not broken, "\n".join(
            [*broken, f"library: {self.shape.describe()}", f"user edits: {self.edits.log}"]
        )

    # -- the end ---------------------------------------------------------------------------

    def teardown(self) -> None:
        try:
            if self.model is not None and self.steps_passed and not self.cancelled:
                say(f"  user edits: {self.edits.log}")
                self.loop.run(self.finish_and_check(), within=END_WITHIN + 120)
        finally:
            if self.model is not None:
                self.loop.run(self.model.close())
            self.loop.close()

    async def finish_and_check(self) -> None:
        """Resume the job for the last time; it ends within END_WITHIN, and YouTube is right."""
        raise NotImplementedError
