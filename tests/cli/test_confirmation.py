"""On a terminal, `sync` and `restore` show the plan and ask before writing; `--yes` skips the
question; without a terminal (every other CLI test) they go on as they always did."""

from __future__ import annotations

import json
import signal

from tests.cli.conftest import CliWorld
from tests.cli.terminal import Terminal


async def test_sync_and_restore_ask_on_a_terminal_and_write_nothing_on_no(
    cli_world: CliWorld,
) -> None:
    await cli_world.ready_to_sync()
    pool = cli_world.world.pool

    declined = await Terminal.run(cli_world.env, "sync", cwd=cli_world.cwd)
    screen = await declined.wait_for("Start this sync? [y/N]")
    for expected in (
        "It creates 0 playlists, takes over 2 old playlists, adds",
        "and deletes 1 old playlist:",
        'Cooking: takes over "Dinners", renamed to "Cooking"',
        "Deletes (backed up first): Recipes (10 videos)",
        "Keeps: Watch later",
    ):
        assert expected in screen, f"{expected!r} not in:\n{screen}"
    declined.type("n")
    assert await declined.finished() == 1
    assert "Not started: nothing was written." in declined.screen
    assert await pool.fetchval("SELECT count(*) FROM sync_jobs") == 0

    # Ctrl-C at the question ends the command at once, nothing written.
    interrupted = await Terminal.run(cli_world.env, "sync", cwd=cli_world.cwd)
    await interrupted.wait_for("Start this sync? [y/N]")
    interrupted.process.send_signal(signal.SIGINT)
    assert await interrupted.finished(within=10) == 130, interrupted.screen
    assert await pool.fetchval("SELECT count(*) FROM sync_jobs") == 0

    async with cli_world.world.worker():
        approved = await Terminal.run(cli_world.env, "sync", cwd=cli_world.cwd)
        await approved.wait_for("Start this sync? [y/N]")
        approved.type("y")
        assert await approved.finished() == 0, approved.screen
        assert "Started sync" in approved.screen
        job = json.loads((await cli_world.run("status", "--follow", "--json")).out.splitlines()[-1])
        assert job["stage"] == "completed", job
        # The job keeps the plan's counts, not its per-video lists (megabytes for a big
        # library, read at every poll of --follow).
        assert job["previewData"]["playlists"] is None
        assert job["previewData"]["stages"]["addVideos"]["count"] == 9

        # --yes: no question, on a terminal too.
        again = await Terminal.run(cli_world.env, "sync", "--yes", "--follow", cwd=cli_world.cwd)
        assert await again.finished() == 0, again.screen
        assert "[y/N]" not in again.screen
        assert "Nothing to do: YouTube already matches your categories" in again.screen

    restore = await Terminal.run(
        cli_world.env, "restore", str(job["backupSnapshotId"]), cwd=cli_world.cwd
    )
    screen = await restore.wait_for("Start this restore? [y/N]")
    assert "Recipes" in screen, screen
    restore.type("")  # Enter: the default is no
    assert await restore.finished() == 1
    assert "Not started: nothing was written." in restore.screen
    assert await pool.fetchval("SELECT count(*) FROM restore_jobs") == 0
