"""The demo's journey, step by step: stack, emulator, authorisation, import, categories,
preview, a sync with a worker in this process, and the report.

Nothing of the user's is touched: the demo has its own database, data dir and Temporal
namespace (see playlist_sync.demo.sandbox), and a fresh emulator each run.
"""

from __future__ import annotations

import asyncio
import json
import time

import asyncpg
from rich.console import Console
from rich.rule import Rule
from rich.text import Text
from temporalio.client import Client

from playlist_sync.categories.apply import apply_categories
from playlist_sync.categories.init_file import describe_library
from playlist_sync.cli.connections import database
from playlist_sync.cli.console import stdout_console
from playlist_sync.cli.demo_report import check_playlists, kept_playlists, print_report
from playlist_sync.cli.demo_schedule import keep_in_sync
from playlist_sync.cli.errors import CliError, ServiceUnavailable
from playlist_sync.cli.import_command import import_with_progress
from playlist_sync.cli.preview_command import show_preview
from playlist_sync.cli.status_command import watch
from playlist_sync.config import Settings
from playlist_sync.demo import sandbox
from playlist_sync.demo.sample_library import sample_categories_yaml, sample_library
from playlist_sync.emulator import EmulatorOptions, RunningEmulator
from playlist_sync.models import SyncStage
from playlist_sync.preview import current_preview
from playlist_sync.quota_windows import QuotaReset
from playlist_sync.stack import local_stack
from playlist_sync.starters.sync import start_sync
from playlist_sync.temporal_client import connect
from playlist_sync.workers import build_worker
from playlist_sync.youtube.oauth_flow import approve_in_background, authorize


async def run(settings: Settings) -> int:
    console = stdout_console()
    began = time.monotonic()
    console.print(Rule("playlist-sync demo"))
    try:
        stack = await local_stack.up(settings)
        demo_database = await sandbox.fresh_database(stack.database_url)
    except (RuntimeError, TimeoutError, ValueError, OSError, asyncpg.PostgresError) as error:
        raise ServiceUnavailable(f"cannot set up the demo: {error}") from None
    _step(
        console, 1, f"Stack up: Temporal {stack.temporal_address}, Web UI {stack.temporal_ui_url}"
    )

    library = sample_library()
    options = EmulatorOptions(
        daily_quota=sandbox.DAILY_QUOTA,
        quota_reset=QuotaReset.parse(sandbox.QUOTA_RESET),
        seed=library,
    )
    with RunningEmulator(options) as emulator:
        demo = sandbox.demo_settings(settings, demo_database, emulator.url)
        _step(
            console,
            2,
            f"YouTube emulator at {emulator.url}: {len(library['playlists'])} playlists,"
            f" {len(library['videos'])} videos; quota windows {sandbox.QUOTA_RESET} of"
            f" {sandbox.DAILY_QUOTA:,} units",
        )
        await _authorise(demo, emulator)
        _step(console, 3, f"Authorised against the emulator (grant in {demo.data_dir})")
        async with database(demo) as pool:
            client = await connect(demo)
            await sandbox.ensure_namespace(client)
            await sandbox.end_leftover_syncs(client)
            return await _journey(console, demo, pool, client, emulator, began)


async def _journey(
    console: Console,
    demo: Settings,
    pool: asyncpg.Pool,
    client: Client,
    emulator: RunningEmulator,
    began: float,
) -> int:
    _step(console, 4, "Import")
    for line in (await import_with_progress(pool, demo, console)).lines():
        console.print(f"  {line}", markup=False)

    # Where a user starts: the library as it is, one category per playlist.
    starting = demo.data_dir / "categories-init.yaml"
    starting.write_text(await describe_library(pool), encoding="utf-8")
    categories = demo.data_dir / "categories.yaml"
    categories.write_text(sample_categories_yaml(cooking_follows_channel=True), encoding="utf-8")
    _step(
        console,
        5,
        f"Categories: `categories init` wrote the library as it is to {starting};"
        f" the demo applies its five topics instead, from {categories}",
    )
    for line in (await apply_categories(pool, categories)).lines():
        console.print(f"  {line}", markup=False)

    _step(console, 6, "Preview")
    show_preview(await current_preview(pool, demo), demo, console)

    worker = await build_worker(client, pool, demo, task_queue=sandbox.TASK_QUEUE)
    async with worker:
        job_id, handle = await start_sync(client, pool, demo, task_queue=sandbox.TASK_QUEUE)
        _step(
            console,
            7,
            f"Sync {job_id} started (workflow {handle.id}, namespace {sandbox.NAMESPACE});"
            " a worker in this process runs it",
        )
        try:
            followed = await watch(pool, client, demo, job_id, console=console, hint=False)
        except asyncio.CancelledError:
            # Interrupted: end the demo's sync rather than leave it waiting for a worker.
            await handle.terminate("the demo was interrupted")
            console.print("\nDemo interrupted; its sync was ended. Run it again any time.")
            raise

        console.print(Rule("Report"))
        state = await asyncio.to_thread(emulator.admin.state)
        checks = await check_playlists(pool, state)
        kept = await kept_playlists(pool)
        print_report(console, demo, followed, checks, state, kept, time.monotonic() - began)

        if followed.job.record().stage is SyncStage.COMPLETED:
            scheduled = await keep_in_sync(demo, pool, client)
            _step(
                console,
                8,
                "Keep it in sync: `schedule create --every 6h`; on the phone, a new Tasty Lab"
                f" video saved to Watch later; `schedule trigger`: {scheduled.message}",
            )
            for note in scheduled.notes:
                console.print(f"  {note}", markup=False)
    console.print("The stack keeps running: `starter.py stack down` stops it.", markup=False)
    if followed.job.record().stage is not SyncStage.COMPLETED:
        raise CliError(f"the demo's sync {job_id} did not complete", exit_code=1)
    if not all(check.matches for check in checks):
        raise CliError("YouTube does not match the categories", exit_code=1)
    return 0


async def _authorise(demo: Settings, emulator: RunningEmulator) -> None:
    """The real OAuth flow against the emulator, whose consent page a thread approves."""
    demo.data_dir.mkdir(parents=True, exist_ok=True)
    secrets = demo.data_dir / "client_secrets.json"
    secrets.write_text(json.dumps(await asyncio.to_thread(emulator.admin.client_secrets)))
    await asyncio.to_thread(
        authorize, secrets, demo.data_dir, open_browser=False, on_url=approve_in_background,
        timeout_seconds=30,
    )  # fmt: skip


def _step(console: Console, number: int, text: str) -> None:
    console.print(Text.assemble((f"[{number}/8] ", "bold"), text))
