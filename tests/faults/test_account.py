"""A grant of another channel than the library's: the sync writes nothing and pauses for auth."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from playlist_sync.emulator.catalog_methods import other_account_title
from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.youtube.oauth_flow import approve_in_background, authorize
from tests.faults.checks import assert_youtube_matches
from tests.faults.scenario import SMALL_CATEGORIES, SMALL_EXPECTED, SMALL_SEED
from tests.faults.untrustworthy import finished
from tests.sync.world import SyncWorld, categorised_world

OTHER = "UCanotherchannel000000000"


async def _authorise(world: SyncWorld, login_hint: str | None = None) -> None:
    """`starter.py auth`, signing in as the library's account or (login_hint) another one."""

    def approve(url: str) -> Future[int]:
        return approve_in_background(url + (f"&login_hint={login_hint}" if login_hint else ""))

    secrets = world.settings.data_dir / "client_secrets.json"
    await asyncio.to_thread(
        authorize, secrets, world.settings.data_dir, open_browser=False, on_url=approve
    )


@pytest.mark.timeout(60)
async def test_another_channels_grant_pauses_the_sync_naming_both_channels(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with categorised_world(
        dev_server_env.client,
        database_url,
        tmp_path,
        SMALL_SEED,
        categories=SMALL_CATEGORIES,
        strategy=Strategy.RECREATE,
    ) as world:
        mine = SMALL_SEED["channel"]
        stored = await world.pool.fetchrow("SELECT channel_id, title FROM library_channel")
        assert (stored["channel_id"], stored["title"]) == (mine["id"], mine["title"])
        before = world.admin.state()["playlists"]

        await _authorise(world, login_hint=OTHER)
        async with world.worker():
            job_id, handle = await world.start()
            paused = await world.wait_for(job_id, "pause_reason = 'auth_required'")
            assert paused["stage"] == "paused"
            told = [e["message"] for e in paused["errors"] if e["entityType"] == "sync"]
            assert told, paused["errors"]
            for name in (OTHER, other_account_title(OTHER), mine["id"], mine["title"]):
                assert name in told[-1], told[-1]
            assert "starter.py auth" in told[-1]
            assert world.admin.state()["playlists"] == before, "a write reached the wrong account"

            # `starter.py auth` as the library's account, then `starter.py resume`.
            await _authorise(world)
            await handle.signal("resume")
            result = await finished(handle, 40)
        assert result.stage == "completed"
        assert_youtube_matches(world, SMALL_EXPECTED)
