"""`snapshots` lists the backups a restore can bring back: id, when, by which sync, playlists
and videos."""

from __future__ import annotations

import json
from datetime import datetime

from tests.cli.conftest import CliWorld


async def test_snapshots_lists_each_syncs_backup(cli_world: CliWorld) -> None:
    none_yet = await cli_world.run("snapshots")
    assert none_yet.code == 0, none_yet.err
    assert "No backup snapshots yet" in none_yet.out
    assert json.loads((await cli_world.run("snapshots", "--json")).out) == []

    await cli_world.ready_to_sync()
    async with cli_world.world.worker():
        synced = await cli_world.run("sync", "--follow", "--json", within=90)
    assert synced.code == 0, synced.err
    job = json.loads(synced.out.splitlines()[-1])

    listed = json.loads((await cli_world.run("snapshots", "--json")).out)
    assert len(listed) == 1
    snapshot = listed[0]
    assert snapshot["id"] == job["backupSnapshotId"]
    assert snapshot["syncJobId"] == job["id"]
    assert snapshot["syncStage"] == "completed"
    # The library as the sync found it: Recipes, Dinners, Guitar (10 each), Watch later (3).
    assert (snapshot["playlistCount"], snapshot["itemCount"], snapshot["videoCount"]) == (4, 33, 33)
    assert snapshot["playlistTitles"] == ["Dinners", "Guitar", "Recipes", "Watch later"]
    assert datetime.fromisoformat(snapshot["takenAt"]) <= datetime.fromisoformat(job["completedAt"])

    text = (await cli_world.run("snapshots")).out
    taken = datetime.fromisoformat(snapshot["takenAt"]).astimezone().strftime("%Y-%m-%d %H:%M")
    assert (
        f"Snapshot {snapshot['id']} · {taken} · by sync {job['id']} (completed) · 4 playlists,"
        " 33 videos: Dinners, Guitar, Recipes, Watch later"
    ) in text.splitlines(), text
    assert "restore SNAPSHOT_ID --dry-run" in text


async def test_restore_brings_back_only_the_playlists_named(cli_world: CliWorld) -> None:
    await cli_world.ready_to_sync()
    async with cli_world.world.worker():
        synced = await cli_world.run("sync", "--follow", "--json", within=90)
        assert synced.code == 0, synced.err
        snapshot = str(json.loads(synced.out.splitlines()[-1])["backupSnapshotId"])

        typo = await cli_world.run("restore", snapshot, "--playlist", "Recipse", "--dry-run")
        assert typo.code == 2 and typo.out == ""
        assert typo.err == (
            f"error: snapshot {snapshot} holds no playlist titled 'Recipse' (or with that id);"
            " did you mean 'Recipes'?\n"
        )

        # The sync deleted Recipes and adopted Dinners (now Cooking): only Recipes is named.
        shown = await cli_world.run("restore", snapshot, "--playlist", "Recipes", "--dry-run")
        assert shown.code == 0, shown.err
        assert "'Recipes'" in shown.out and "'Dinners'" not in shown.out, shown.out
        # Recipes alone: made (1), its snippet set (1), 9 videos (its deleted one skipped).
        assert "= 550 units" in shown.out, shown.out

        ran = await cli_world.run(
            "restore", snapshot, "--playlist", "Recipes", "--json", "--follow", within=90
        )
        assert ran.code == 0, ran.err
    titles = sorted(p["title"] for p in cli_world.world.admin.state()["playlists"])
    assert titles == ["Cooking", "Guitar", "Recipes", "Watch later"]
