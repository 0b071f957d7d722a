"""The sync against a model of what must hold, on the real stack (Temporal dev server, Postgres,
the emulator over HTTP, worker.py in its own process) with YouTube's ambiguous answers and
lagging lists on: a small random library (tests/model/library_shapes.py), the steps and
invariants of tests/model/job_machine.py, and at the end, resumed, the sync ends within a
bound, completed, with YouTube exactly the categories (the user's edits allowed for:
tests/model/oracle.py)."""

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
from tests.model.oracle import category_mismatches, leftover_playlists


class SyncModel(JobMachine):
    @initialize(shape=shapes(), faults_seed=st.integers(0, 2**16))
    def start_sync(self, shape: Shape, faults_seed: int) -> None:
        self.steps_passed = False
        self.shape = shape
        say(f"sync example: {shape.describe()}")
        folder = Path(tempfile.mkdtemp(prefix="sync-", dir=self.stack.tmp))
        self.model = self.loop.run(ModelWorld.open(self.stack, shape, folder))
        world = self.model.world
        self.library = [v for v in shape.videos() if v not in world.hidden]
        # Every video a category wants is in some playlist at the backup: it must stay in one.
        world.admin.watch(sorted(shape.wanted_videos()))
        world.admin.set_faults(
            ambiguous_rate=AMBIGUOUS_RATE, list_lag_ms=LIST_LAG_MS, seed=faults_seed
        )
        _, handle = self.loop.run(
            world.start(
                writes_per_batch=2,
                heartbeat_seconds=HEARTBEAT_SECONDS,
                lag_allowance_seconds=LAG_ALLOWANCE_SECONDS,
                retry_delay_seconds=0.2,
                max_retry_delay_seconds=2.0,
            )
        )
        self.job = Job(self.model, handle)
        self.ended = not self.loop.run(self.job.update("pause"))
        self.steps_passed = True

    async def finish_and_check(self) -> None:
        assert self.model is not None and self.job is not None and self.shape is not None
        world = self.model.world
        result = await self.job.finish(END_WITHIN)
        say(f"  ended {result.stage}: {[e.message for e in result.errors]}")
        await self._check_now()
        rows = await world.pool.fetch("SELECT name, youtube_playlist_id FROM categories")
        playlist_of = {row["name"]: row["youtube_playlist_id"] for row in rows}
        kept = {p["id"] for p in self.shape.seed()["playlists"] if p["title"] in self.shape.kept}
        state = world.admin.state()
        broken = category_mismatches(
            state, self.shape.wanted(), playlist_of, self.edits, world.hidden
        )
        allowed = {*filter(None, playlist_of.values()), *kept}
        broken += leftover_playlists(state, allowed, self.edits)
        if result.stage != "completed":
            broken.append(f"the sync ended {result.stage}")
        if broken:
            broken.append(f"the sync's errors: {[e.message for e in result.errors]}")
        self.assert_none(broken)


@pytest.mark.timeout(TIMEOUT)
def test_sync_keeps_its_guarantees_whatever_the_user_and_youtube_do(
    dev_server_env: WorkflowEnvironment,
    postgres_server_url: str,
    migrated_template: str,
    tmp_path: Path,
) -> None:
    SyncModel.stack = Stack(
        dev_server_env.client.service_client.config.target_host,
        postgres_server_url,
        migrated_template,
        tmp_path,
    )
    run_model(SyncModel, model_settings(seeded_examples=3, seeded_steps=6), min_steps=3)
