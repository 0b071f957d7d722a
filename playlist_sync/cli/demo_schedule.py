"""The demo's last step, keeping YouTube in sync: a schedule is made, a new video of a followed
channel is saved to "Watch later" on the phone (a kept inbox), and a triggered run of the
schedule puts it in its category's playlist with one write. The demo then deletes its schedule:
the worker that runs it stops with the demo."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta

import asyncpg
from temporalio.client import Client

from playlist_sync.cli.errors import CliError
from playlist_sync.config import Settings
from playlist_sync.demo.sample_library import NEW_VIDEO
from playlist_sync.schedule.deletion_guard import DEFAULT_MAX_DELETE
from playlist_sync.schedule.payloads import RunOutcome, ScheduledRunResult
from playlist_sync.schedule.schedule_control import (
    ScheduleRefused,
    create_schedule,
    delete_schedule,
    describe_schedule,
    trigger_schedule,
)
from playlist_sync.youtube.errors import QuotaExceeded

_RUN_SECONDS = 90.0


async def keep_in_sync(demo: Settings, pool: asyncpg.Pool, client: Client) -> ScheduledRunResult:
    """Creates the schedule, saves the new video to "Watch later", triggers one run and
    returns what it did."""
    with contextlib.suppress(ScheduleRefused):
        await delete_schedule(client)  # an interrupted demo's
    await create_schedule(client, demo, every=timedelta(hours=6), max_delete=DEFAULT_MAX_DELETE)
    try:
        # Imported here: Google's API client takes a while to load.
        from playlist_sync.youtube.client import youtube_client_from_settings

        youtube = await youtube_client_from_settings(demo, pool)
        inbox = await pool.fetchval(
            "SELECT youtube_playlist_id FROM playlists WHERE title = 'Watch later'"
        )
        # The emulator's phone is the demo's own client: it waits for the quota window too.
        while True:
            try:
                await youtube.add_video_to_playlist(inbox, NEW_VIDEO)
                break
            except QuotaExceeded as spent:
                wait = (
                    (spent.next_reset - datetime.now(UTC)).total_seconds()
                    if spent.next_reset
                    else 1
                )
                await asyncio.sleep(max(wait, 0.1))
        await trigger_schedule(client)
        return await _run_ended(client)
    finally:
        await delete_schedule(client)


async def _run_ended(client: Client) -> ScheduledRunResult:
    deadline = asyncio.get_running_loop().time() + _RUN_SECONDS
    while asyncio.get_running_loop().time() < deadline:
        runs = (await describe_schedule(client)).runs
        if runs and runs[-1].result.outcome != RunOutcome.RUNNING:
            return runs[-1].result
        await asyncio.sleep(0.5)
    raise CliError("the demo's scheduled run did not end in time", exit_code=1)
