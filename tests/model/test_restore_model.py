"""The restore against the same model: a small random library is synced to the end (no faults),
then its backup is restored (the restore workflow as the code has it, started as `starter.py
restore` starts it, in small batches) with YouTube's ambiguous answers and lagging lists on,
under the steps and invariants of tests/model/job_machine.py (the user removes and moves
videos). At the end, resumed, the restore ends within a bound, completed, with YouTube exactly
the snapshot (contract, "Restore"): each of its playlists once, its available videos in order,
and the sync's own playlists gone."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import initialize
from temporalio.testing import WorkflowEnvironment

from tests.model.budget import (
    AMBIGUOUS_RATE,
    END_WITHIN,
    HEARTBEAT_SECONDS,
    LAG_ALLOWANCE_SECONDS,
    LIST_LAG_MS,
    TIMEOUT,
    model_settings,
    run_model,
    say,
)
from tests.model.driver import Job, ModelWorld, Stack
from tests.model.job_machine import JobMachine
from tests.model.library_shapes import Shape, shapes
from tests.model.oracle import snapshot_mismatches
from tests.restore.conftest import backed_up, plan, restore


class RestoreModel(JobMachine):
    user_adds_and_renames = False

    @initialize(shape=shapes(), faults_seed=st.integers(0, 2**16))
    def sync_then_start_the_restore(self, shape: Shape, faults_seed: int) -> None:
        self.steps_passed = False
        self.shape = shape
        say(f"restore example: {shape.describe()}")
        folder = Path(tempfile.mkdtemp(prefix="restore-", dir=self.stack.tmp))
        model = self.model = self.loop.run(ModelWorld.open(self.stack, shape, folder))
        world = model.world
        self.library = [v for v in shape.videos() if v not in world.hidden]

        async def synced() -> int:
            _, handle = await world.start()
            result = await Job(model, handle).finish(END_WITHIN)
            assert result.stage == "completed", f"the sync before the restore: {result}"
            assert result.backup_snapshot_id is not None
            return result.backup_snapshot_id

        snapshot_id = self.loop.run(synced())
        backup = self.loop.run(backed_up(world, snapshot_id))
        self.snapshot = {title: list(p["items"]) for title, p in backup.items()}
        self.snapshot_ids = {title: p["id"] for title, p in backup.items()}
        # Every available video of the snapshot that is in a playlist now must stay in one.
        world.admin.watch(sorted(self.library))
        world.admin.set_faults(
            ambiguous_rate=AMBIGUOUS_RATE, list_lag_ms=LIST_LAG_MS, seed=faults_seed
        )
        if not self.loop.run(plan(world, snapshot_id)).playlists:
            say("  the restore has nothing to do")
            self.steps_passed = True
            return
        _, handle = self.loop.run(
            restore(
                world,
                snapshot_id,
                writes_per_batch=1,
                heartbeat_seconds=HEARTBEAT_SECONDS,
                lag_allowance_seconds=LAG_ALLOWANCE_SECONDS,
                retry_delay_seconds=0.2,
                max_retry_delay_seconds=2.0,
            )
        )
        self.job = Job(model, handle)
        self.ended = not self.loop.run(self.job.update("pause"))
        self.steps_passed = True

    async def finish_and_check(self) -> None:
        assert self.model is not None and self.shape is not None
        world = self.model.world
        broken = []
        errors: list[str] = []
        if self.job is not None:
            result = await self.job.finish(END_WITHIN)
            say(f"  ended {result.stage}: {[e.message for e in result.errors]}")
            if result.stage != "completed":
                broken.append(f"the restore ended {result.stage}")
            errors = [e.message for e in result.errors]
        await self._check_now()
        state = world.admin.state()
        broken += snapshot_mismatches(
            state, self.snapshot, self.snapshot_ids, self.edits, world.hidden
        )
        if broken and self.job is not None:
            broken.append(f"the restore's errors: {errors}")
        self.assert_none(broken)


@pytest.mark.timeout(TIMEOUT)
def test_restore_brings_the_snapshot_back_whatever_the_user_and_youtube_do(
    dev_server_env: WorkflowEnvironment,
    postgres_server_url: str,
    migrated_template: str,
    tmp_path: Path,
) -> None:
    RestoreModel.stack = Stack(
        dev_server_env.client.service_client.config.target_host,
        postgres_server_url,
        migrated_template,
        tmp_path,
    )
    run_model(RestoreModel, model_settings(seeded_examples=1, seeded_steps=4), min_steps=2)
