"""Access tokens that expire every two seconds, and a grant revoked in the middle of a sync."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from temporalio.testing import WorkflowEnvironment

from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.youtube.oauth_flow import approve_in_background, authorize
from tests.faults.checks import (
    assert_ledger_matches_youtube,
    assert_report_matches,
    assert_youtube_matches,
)
from tests.sync.conftest import CATEGORIES
from tests.sync.world import categorised_world, items_on_youtube


async def test_token_expiring_every_two_seconds_is_refreshed_and_the_sync_ends_right(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, seed, token_ttl=2, categories=CATEGORIES, strategy=Strategy.RECREATE
    ) as world:  # fmt: skip
        async with world.worker():
            job_id, handle = await world.start()
            result = await handle.result()
        assert result.stage == "completed"
        assert_youtube_matches(world)
        # 401s are free on both sides: the ledger gave back what a refused token reserved.
        await assert_ledger_matches_youtube(world)
        assert_report_matches(await world.job(job_id))
        assert len(world.admin.state()["tokens"]["access"]) > 5  # the sync outlived many
        assert not [e for e in (await world.job(job_id))["errors"] if e["entityType"] == "sync"]


async def test_revoked_grant_pauses_for_auth_and_resumes_after_a_new_grant(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path, seed: dict[str, Any]
) -> None:
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, seed, categories=CATEGORIES, strategy=Strategy.RECREATE
    ) as world:  # fmt: skip
        world.admin.set_faults(latency_ms=25)
        async with world.worker():
            job_id, handle = await world.start()
            await world.wait_for(job_id, "stage = 'add_videos' AND current_stage_progress >= 10")
            world.admin.revoke()
            paused = await world.wait_for(job_id, "pause_reason = 'auth_required'")
            assert paused["stage"] == "paused"
            told = [e["message"] for e in paused["errors"] if e["entityType"] == "sync"]
            assert told and all("starter.py auth" in message for message in told), told
            before = items_on_youtube(world)
            await asyncio.sleep(1)
            assert items_on_youtube(world) == before, "a write reached YouTube while paused"

            # `resume` without a new grant: it tries, and pauses again for the same reason.
            await handle.signal("resume")
            await world.wait_for(
                job_id, "last_resumed_at IS NOT NULL AND pause_reason = 'auth_required'"
            )
            assert items_on_youtube(world) == before

            # What the user does: `starter.py auth` again, then `starter.py resume`.
            secrets = world.settings.data_dir / "client_secrets.json"
            await asyncio.to_thread(
                authorize,
                secrets,
                world.settings.data_dir,
                open_browser=False,
                on_url=approve_in_background,
            )
            world.admin.set_faults(latency_ms=0)
            await handle.signal("resume")
            result = await handle.result()
        assert result.stage == "completed"
        assert_youtube_matches(world)
        await assert_ledger_matches_youtube(world)
        assert_report_matches(await world.job(job_id))
        job = await world.job(job_id)
        assert job["pause_reason"] is None and job["last_resumed_at"] is not None
