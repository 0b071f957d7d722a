"""The JSON other tools read (`preview --json`, `status --json`, and sync_jobs' jsonb after a
real sync) carries the seed's types key for key, as docs/seed-types.md declares them."""

from __future__ import annotations

import json
from typing import Any

from playlist_sync.models import SyncStage, SyncVideoOperationRecord
from tests.cli.conftest import CliWorld
from tests.seed.seed_types import literals, mismatches, seed_types

SEED = seed_types()
WORK_STAGES = {"backup", "create_playlists", "add_videos", "delete_playlists"}


def assert_seed_shape(document: Any, type_name: str) -> None:
    assert mismatches(document, SEED[type_name], SEED) == [], f"{type_name}: {document}"


def assert_preview(preview: dict[str, Any]) -> None:
    assert_seed_shape(preview, "SyncPreview")
    stages = preview["stages"]
    # Empty lists would let their items' keys go unchecked.
    assert stages["createPlaylists"]["items"] and stages["addVideos"]["byCategory"]
    assert stages["deletePlaylists"]["items"]


def assert_stage_results(results: dict[str, Any]) -> None:
    assert_seed_shape(results, "StageResults")
    # The seed's map is keyed by SyncStage values; a sync that ran has them all.
    assert set(results) <= literals(SEED["SyncStage"])
    assert set(results) == WORK_STAGES


async def test_preview_status_and_jsonb_carry_the_seed_keys(cli_world: CliWorld) -> None:
    cli = cli_world
    await cli.ready_to_sync()
    # recreate: every seed list has items (reuse's own keys stand beside the seed's anyway).
    shown = await cli.run("preview", "--strategy", "recreate", "--json")
    assert shown.code == 0, shown.err
    preview = json.loads(shown.out)
    assert_preview(preview)
    assert [i["categoryName"] for i in preview["stages"]["createPlaylists"]["items"]] == [
        "Cooking",
        "Guitar",
    ]

    async with cli.world.worker():
        synced = await cli.run("sync", "--strategy", "recreate", "--follow", within=120)
    assert synced.code == 0, synced.err

    status = await cli.run("status", "--json")
    assert status.code == 0, status.err
    job = json.loads(status.out)
    assert_seed_shape(job, "SyncJobRecord")
    assert job["stage"] == SyncStage.COMPLETED
    assert_stage_results(job["stageResults"])
    assert job["stageResults"]["add_videos"] == {"succeeded": 28, "failed": 0, "skipped": 2}
    assert_preview(job["previewData"])

    row = await cli.world.pool.fetchrow(
        "SELECT preview_data, stage_results, errors FROM sync_jobs WHERE id = $1", job["id"]
    )
    assert_preview(row["preview_data"])
    assert row["preview_data"]["stages"] == preview["stages"]
    assert_stage_results(row["stage_results"])
    assert row["errors"], "the two unavailable videos are reported"
    for error in row["errors"]:
        assert_seed_shape(error, "SyncError")

    operations = await cli.world.pool.fetch(
        "SELECT * FROM sync_video_operations WHERE sync_job_id = $1", job["id"]
    )
    statuses: set[str] = set()
    for operation in operations:
        record = SyncVideoOperationRecord.model_validate(dict(operation))
        assert_seed_shape(record.to_json(), "SyncVideoOperationRecord")
        statuses.add(record.status.value)
    assert statuses == {"completed", "skipped"}
    assert statuses <= literals(SEED["SyncVideoStatus"])
