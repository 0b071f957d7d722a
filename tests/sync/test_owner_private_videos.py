"""The owner's own private videos are the owner's to organise: the import sees them as
available and the sync adds them; other channels' private videos are still skipped."""

from __future__ import annotations

from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from tests.sync.world import categorised_world, library, videos

CHANNEL = "UCtestchannel000000000000"  # tests.sync.world.library's channel
MINE, THEIRS = "own000000000", "oth000000000"
PUBLIC = videos("pub", 3)


def _seed() -> dict[str, object]:
    seed = library(
        {"Uploads to sort": [PUBLIC[0], MINE, THEIRS, *PUBLIC[1:]]}, private=(MINE, THEIRS)
    )
    for video in seed["videos"]:
        if video["id"] == MINE:
            video["channelId"] = CHANNEL
    return seed


async def test_the_owners_private_video_is_synced_and_anothers_is_skipped(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    categories = "categories:\n  - name: Sorted\n    from_playlists: [Uploads to sort]\n"
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, seed=_seed(), categories=categories
    ) as world:
        unavailable = dict(
            await world.pool.fetch(
                "SELECT youtube_video_id, unavailable_reason FROM videos "
                "WHERE youtube_video_id = ANY($1::text[])",
                [MINE, THEIRS],
            )
        )
        assert unavailable == {MINE: None, THEIRS: "private"}
        async with world.worker():
            _, handle = await world.start()
            result = await handle.result()
        assert result.stage == "completed"
        assert world.playlists_by_title() == {"Sorted": [PUBLIC[0], MINE, *PUBLIC[1:]]}
