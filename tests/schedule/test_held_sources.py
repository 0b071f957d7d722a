"""A `from_playlists` source that a sync adopted keeps meaning what it held when the sync first
planned from it: the file applied again after the sync (and an import) changes nothing and
warns of nothing, and a scheduled run does not start to follow the category's playlist."""

from __future__ import annotations

from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from playlist_sync.categories.apply import apply_categories
from playlist_sync.schedule.payloads import RunOutcome
from playlist_sync.starters.sync import start_sync
from playlist_sync.sync.payloads import SyncOptions
from tests.schedule.scheduled import paused_schedule
from tests.schedule.test_youtube_edits import CATEGORIES, RCP, SEED
from tests.sync.world import TEST_LAG_ALLOWANCE_SECONDS, categorised_world


async def test_an_adopted_source_stands_for_what_it_held(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with (
        categorised_world(
            dev_server_env.client, database_url, tmp_path, SEED, categories=CATEGORIES
        ) as world,
        world.worker(),
    ):
        options = SyncOptions(lag_allowance_seconds=TEST_LAG_ALLOWANCE_SECONDS)
        _, handle = await start_sync(
            world.client, world.pool, world.settings, options=options, youtube=world.youtube
        )
        assert (await handle.result()).stage == "completed"
        # "Recipes" is Cooking's playlist now, trimmed of the excluded video.
        assert world.playlists_by_title()["Cooking"] == RCP[:5]

        await world.import_library()
        path = tmp_path / "again.yaml"
        path.write_text(CATEGORIES)
        changes = await apply_categories(world.pool, path)
        assert changes.warnings == []
        assert changes.lines() == (await apply_categories(world.pool, path)).lines()

        async with paused_schedule(world) as schedule:
            run = await schedule.run_ended(await schedule.trigger())
        assert run.result.outcome == RunOutcome.NOTHING_TO_DO, run.result
        assert world.playlists_by_title()["Cooking"] == RCP[:5]
