"""Failing examples the model found, kept as they were printed (each a run of the machine's own
steps), so that each one stays fixed once it is: Hypothesis does not replay an example of a
seed that a later change of the strategies no longer draws."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.model.budget import TIMEOUT
from tests.model.driver import Stack
from tests.model.library_shapes import Shape, video_id
from tests.model.test_sync_model import SyncModel


def _v(*numbers: int) -> list[str]:
    return [video_id(n) for n in numbers]


@pytest.mark.timeout(TIMEOUT)
def test_the_user_removes_a_video_from_the_playlist_a_category_adopts(
    dev_server_env: WorkflowEnvironment,
    postgres_server_url: str,
    migrated_template: str,
    tmp_path: Path,
) -> None:
    """Seed 3 of `make model-test` (main at 5d96e9e): 'Topic 1' adopts 'Shelf 1'; after the
    backup, before any batch, the user removes one of its videos that the category keeps
    (mdl000000003). The sync never ended: add_videos_to_playlist retried without end
    (attempt 8 after 90 s, its last failure "Failure exceeds size limit.")."""
    SyncModel.stack = Stack(
        dev_server_env.client.service_client.config.target_host,
        postgres_server_url,
        migrated_template,
        tmp_path,
    )
    machine = SyncModel()
    try:
        machine.start_sync(
            shape=Shape(
                playlists={
                    "Shelf 1": _v(0, 7, 8, 3, 5),
                    "Shelf 2": _v(6, 0),
                    "Shelf 3": _v(2, 7, 8, 3),
                },
                categories={"Topic 1": _v(7, 3, 0)},
                kept=(),
                deleted=(),
            ),
            faults_seed=19286,
        )
        machine.nothing_twice_nothing_lost_quota_accounted()
        assert machine.model is not None
        shelf_1 = "PLseed" + "0" * 26
        machine.model.world.admin.user_edit("removeVideo", shelf_1, video_id=video_id(3))
        machine.edits.note("removeVideo", shelf_1, "Shelf 1", video_id(3))
        machine.nothing_twice_nothing_lost_quota_accounted()
    finally:
        machine.teardown()
