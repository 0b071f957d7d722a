"""`auth --client-secrets FILE`: let playlist-sync manage the user's YouTube playlists."""

from __future__ import annotations

import argparse
import asyncio
import threading
from concurrent.futures import Future
from pathlib import Path

from playlist_sync.cli.connections import database
from playlist_sync.cli.errors import BadInput
from playlist_sync.config import Settings
from playlist_sync.db.connection import DatabaseUnavailable
from playlist_sync.models import PauseReason
from playlist_sync.sync.job_store import active_job
from playlist_sync.temporal_client import TemporalUnavailable, connect


def register(commands: argparse._SubParsersAction) -> None:
    auth = commands.add_parser(
        "auth",
        help="authorise playlist-sync on your YouTube account (OAuth, stores a refresh token)",
        description="Runs Google's OAuth flow for installed apps with the youtube.force-ssl "
        "scope: opens your browser (or prints the URL to open) and waits for the redirect, "
        "then stores the refresh token under PLAYLIST_SYNC_DATA_DIR. A sync that paused "
        "because the authorisation was gone is resumed.",
    )
    auth.add_argument(
        "--client-secrets",
        required=True,
        type=Path,
        metavar="FILE",
        help="the OAuth client JSON (type: Desktop app) from the Google Cloud console",
    )
    auth.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    # Imported here: Google's OAuth stack takes a while to load, and every other command
    # would pay for it at each start.
    from playlist_sync.youtube.credentials import token_path
    from playlist_sync.youtube.oauth_flow import AuthorizationError

    try:
        await _in_daemon_thread(args.client_secrets, settings.data_dir)
    except AuthorizationError as error:
        raise BadInput(str(error)) from None
    print(
        f"{await _authorised_as(settings)} The grant is stored in {token_path(settings.data_dir)}."
    )
    await _resume_sync_waiting_for_auth(settings)
    return 0


async def _authorised_as(settings: Settings) -> str:
    """Which channel the grant is for (one `channels.list`, 1 unit): a person with several
    Google accounts sees at once whether they picked the right one; and whether it is the
    channel the library was imported from."""
    from playlist_sync.youtube.client import youtube_client_from_settings
    from playlist_sync.youtube.errors import YouTubeError

    try:
        async with database(settings) as pool:
            youtube = await youtube_client_from_settings(settings, pool)
            channel = await youtube.my_channel()
            imported = await pool.fetchrow("SELECT channel_id, title FROM library_channel")
    except (DatabaseUnavailable, YouTubeError) as error:
        return f"Authorised (could not read which channel: {error})."
    said = f"Authorised as the YouTube channel {channel.title!r} ({channel.id})."
    if imported is not None and imported["channel_id"] != channel.id:
        said += (
            f" Note: your library was imported from {imported['title']!r}"
            f" ({imported['channel_id']}); a sync writes only to that channel: run `auth`"
            " again as it, or `import` to start from this one."
        )
    return said


def _show_url(url: str) -> None:
    # Flushed at once: a script (or a test) reads the URL from our piped stdout.
    print(
        "Allow playlist-sync to manage your YouTube playlists in your browser; if none"
        f" opened, open this URL:\n{url}\nWaiting for the redirect...",
        flush=True,
    )


async def _in_daemon_thread(client_secrets: Path, data_dir: Path) -> None:
    """The flow blocks until the browser comes back; a daemon thread lets Ctrl-C end the
    command at once (asyncio.to_thread's executor would wait for the thread at exit)."""
    from playlist_sync.youtube.oauth_flow import authorize

    done: Future[list[str]] = Future()

    def flow() -> None:
        try:
            done.set_result(authorize(client_secrets, data_dir, on_url=_show_url))
        except BaseException as error:
            done.set_exception(error)

    threading.Thread(target=flow, name="oauth-flow", daemon=True).start()
    await asyncio.wrap_future(done)


async def _resume_sync_waiting_for_auth(settings: Settings) -> None:
    """A sync paused for want of a grant goes on as soon as there is one."""
    try:
        async with database(settings) as pool:
            job = await active_job(pool)
        if job is None or job.record().pause_reason is not PauseReason.AUTH_REQUIRED:
            return
        client = await connect(settings)
        await client.get_workflow_handle(job.workflow_id).signal("resume")
    except (DatabaseUnavailable, TemporalUnavailable) as error:
        # The grant is stored, which is what was asked; the sync can be resumed later.
        print(f"note: could not look for a sync waiting on this authorisation: {error}")
        return
    print(f"Sync {job.id} was paused waiting for this authorisation: resumed it.")
