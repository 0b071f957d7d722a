"""`starter.py auth`: the OAuth flow without a browser, its refusals, and the sync it unblocks."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from playlist_sync.emulator import EmulatorOptions, RunningEmulator
from playlist_sync.youtube.credentials import token_path
from playlist_sync.youtube.oauth_flow import approve_in_background
from tests.cli.conftest import (
    CliWorld,
    Ran,
    small_library,
    start_starter,
    starter,
    user_environment,
)


async def authorise_like_a_user(env: dict[str, str], secrets: Path, cwd: Path) -> Ran:
    """Runs `auth`, reads the URL it prints (no browser here) and plays the browser."""
    process = await start_starter(env, "auth", "--client-secrets", str(secrets), cwd=cwd)
    assert process.stdout is not None and process.stderr is not None
    printed: list[str] = []
    while True:
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        assert line, f"auth ended before printing a URL: {printed} {await process.stderr.read()!r}"
        printed.append(line)
        if line.startswith("http"):
            break
    approval = approve_in_background(line.strip())
    out, err = await asyncio.wait_for(process.communicate(), 30)
    assert approval.result(timeout=10) == 200
    assert process.returncode is not None
    return Ran(process.returncode, "".join(printed) + out.decode(), err.decode())


async def test_auth_prints_the_url_and_stores_the_grant(database_url: str, tmp_path: Path) -> None:
    with RunningEmulator(EmulatorOptions(seed=small_library())) as emulator:
        secrets = tmp_path / "client_secrets.json"
        secrets.write_text(json.dumps(emulator.admin.client_secrets()))
        env = user_environment(
            DATABASE_URL=database_url,
            PLAYLIST_SYNC_DATA_DIR=str(tmp_path / "data"),
            YOUTUBE_API_URL=emulator.url,
        )
        ran = await authorise_like_a_user(env, secrets, tmp_path)
        assert ran.code == 0, ran.err
        # It names the channel it authorised (the emulator's seed channel).
        assert (
            "Authorised as the YouTube channel 'Test Channel' (UCtestchannel000000000000)."
            in ran.out
        ), ran.out
        assert ran.err == ""
        assert token_path(tmp_path / "data").exists()

        # The grant works: the import reads the library with it.
        imported = await starter(env, "import", cwd=tmp_path)
        assert imported.code == 0, imported.err
        assert imported.out.startswith("Imported 4 playlists")

        # No token the emulator issued was ever printed.
        tokens = emulator.admin.state()["tokens"]
        for token in tokens["access"] + tokens["refresh"]:
            assert token not in ran.out + ran.err + imported.out + imported.err


async def test_auth_refuses_a_missing_or_wrong_file_in_one_line(tmp_path: Path) -> None:
    env = user_environment(PLAYLIST_SYNC_DATA_DIR=str(tmp_path / "data"))
    missing = await starter(env, "auth", "--client-secrets", "nope.json", cwd=tmp_path)
    assert missing.code == 2
    assert missing.err_lines == ["error: client secrets file not found: nope.json"]

    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"installed": {"client_id": "x"}}')
    refused = await starter(env, "auth", "--client-secrets", str(wrong), cwd=tmp_path)
    assert refused.code == 2 and len(refused.err_lines) == 1
    assert refused.err.startswith(f"error: {wrong} is not an OAuth client secrets file")
    assert not (tmp_path / "data" / "credentials").exists()


async def test_auth_resumes_a_sync_paused_for_authorisation(cli_world: CliWorld) -> None:
    world = cli_world.world
    await cli_world.ready_to_sync()
    # YouTube forgets the grant: the sync's first call is refused and it waits for the user.
    world.admin.revoke()
    async with world.worker():
        started = await cli_world.run("sync", "--json")
        job_id = json.loads(started.out)["jobId"]
        await world.wait_for(job_id, "pause_reason = 'auth_required'")
        status = await cli_world.run("status")
        assert "YouTube needs a new authorisation: run `starter.py auth" in status.out

        secrets = cli_world.cwd / "client_secrets.json"
        secrets.write_text(json.dumps(world.admin.client_secrets()))
        ran = await authorise_like_a_user(cli_world.env, secrets, cli_world.cwd)
        assert ran.code == 0, ran.err
        assert f"Sync {job_id} was paused waiting for this authorisation: resumed it." in ran.out
        done = await world.wait_for(job_id, "completed_at IS NOT NULL", within=60)
    assert done["stage"] == "completed"
