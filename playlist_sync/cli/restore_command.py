"""`restore SNAPSHOT_ID [--keep-new] [--json] [--follow] [--dry-run]`: make YouTube what a backup
snapshot holds (playlists edited back in place, or made again when gone; the playlists syncs made
since deleted once their videos are back), after showing what that is and what it costs."""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

import asyncpg
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from playlist_sync.cli.confirmation import add_yes_option, confirmed, should_ask
from playlist_sync.cli.connections import database
from playlist_sync.cli.errors import BadInput, ServiceUnavailable
from playlist_sync.cli.follow import POLL_SECONDS
from playlist_sync.cli.jobs import web_ui_link
from playlist_sync.cli.plan_view import plural, window_word
from playlist_sync.cli.restore_selection import chosen_playlists, narrowed
from playlist_sync.config import Settings
from playlist_sync.library.account import check_account
from playlist_sync.restore.job_store import RestoreRefused, get_restore_job
from playlist_sync.restore.models import PlaylistToRestore, RestoreJobRecord, RestorePlan
from playlist_sync.restore.planning import SnapshotNotFound, plan_restore
from playlist_sync.starters.restore import check_can_start, create_restore, start_restore_workflow
from playlist_sync.temporal_client import connect
from playlist_sync.youtube.errors import AuthRequired, Forbidden, YouTubeError

UNAVAILABLE_SHOWN = 10


def register(commands: argparse._SubParsersAction) -> None:
    restore = commands.add_parser(
        "restore",
        help="make YouTube what a backup snapshot holds",
        description="Brings every playlist of the backup snapshot back as it was: in place "
        "when YouTube still has it (an adopted one is renamed and edited back; its id does not "
        "change), made again when it is gone (title, description, privacy, videos in order); "
        "deleted and private videos are skipped and reported. The playlists syncs made after "
        "the snapshot are deleted once every available video of theirs is in a restored "
        "playlist (--keep-new keeps them); any other playlist is left alone. Shows what it "
        "will do and what it costs first, then starts a durable workflow that sleeps through "
        "quota resets. Refused (exit 2) while a sync or another restore is active.",
    )
    restore.add_argument("snapshot", metavar="SNAPSHOT_ID", help="a backup snapshot's id")
    restore.add_argument(
        "--keep-new", action="store_true", help="keep the playlists syncs made after the snapshot"
    )
    restore.add_argument("--json", action="store_true", help="print one JSON object")
    restore.add_argument("--follow", action="store_true", help="then wait, showing progress")
    restore.add_argument(
        "--dry-run", action="store_true", help="show what it would do and cost; start nothing"
    )
    restore.add_argument(
        "--playlist",
        action="append",
        default=[],
        metavar="TITLE_OR_ID",
        help="restore only this playlist of the snapshot (its title or id then); repeatable",
    )
    add_yes_option(restore, "start the restore")
    restore.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    snapshot_id = _snapshot_id(args.snapshot)
    async with database(settings) as pool:
        plan = await _plan(pool, settings, snapshot_id, keep_new=args.keep_new)
        if args.playlist:
            plan = narrowed(plan, await chosen_playlists(pool, snapshot_id, args.playlist))
        if not args.json:
            _print_plan(plan, settings)
        if plan.nothing_to_do or args.dry_run:
            if args.json:
                print(json.dumps(_summary(plan, None)), flush=True)
            elif plan.nothing_to_do:
                print(
                    f"Nothing to restore: YouTube holds every playlist of snapshot {snapshot_id}"
                    " as it was."
                )
            else:
                print("Dry run: nothing was started.")
            return 0
        if should_ask(args) and not await confirmed("Start this restore?"):
            print("Not started: nothing was written.")
            return 1
        client = await connect(settings)
        restore_job_id = await _start(client, pool, settings, plan)
        job = await get_restore_job(pool, restore_job_id)
        assert job is not None
        if not args.json:
            print(f"Started restore {restore_job_id} (workflow {job.workflow_id}).")
            print(f"Web UI: {web_ui_link(settings, job.workflow_id)}")
            print(
                "Note: a later `import` and sync treat the restored playlists as old ones;"
                " list them under keep_playlists to keep them.",
                flush=True,
            )
        if not args.follow:
            if args.json:
                print(json.dumps(_summary(plan, job)), flush=True)
            return 0
        ended = await _follow(pool, client, restore_job_id, quiet=args.json)
        if args.json:
            print(json.dumps({**_summary(plan, ended), **_outcome_json(ended)}), flush=True)
        return 0 if ended.stage == "completed" else 1


def _snapshot_id(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise BadInput(f"a snapshot id is a positive number, not {text!r}")
    return int(text)


async def _plan(
    pool: asyncpg.Pool, settings: Settings, snapshot_id: int, *, keep_new: bool
) -> RestorePlan:
    # Refused before YouTube is read: a refused restore costs nothing.
    exists = await pool.fetchval("SELECT 1 FROM backup_snapshots WHERE id = $1", snapshot_id)
    try:
        if exists:
            await check_can_start(pool)
        # Imported here: building the client loads google-api-python-client, which every
        # other command would pay for at start.
        from playlist_sync.youtube.client import youtube_client_from_settings

        youtube = await youtube_client_from_settings(settings, pool)
        # The snapshot is of the imported channel: a grant of another plans nothing for it.
        await check_account(youtube, pool)
        return await plan_restore(
            youtube,
            pool,
            snapshot_id,
            daily_quota=settings.youtube_daily_quota,
            reset=settings.quota_reset,
            keep_new=keep_new,
        )
    except (SnapshotNotFound, RestoreRefused) as refusal:
        raise BadInput(str(refusal)) from None
    except (AuthRequired, Forbidden) as error:
        raise BadInput(str(error)) from None
    except YouTubeError as error:
        raise ServiceUnavailable(
            f"cannot read YouTube's playlists to plan the restore: {error}"
        ) from None


async def _start(client: Client, pool: asyncpg.Pool, settings: Settings, plan: RestorePlan) -> int:
    try:
        restore_job_id = await create_restore(pool, plan)
    except RestoreRefused as refusal:
        raise BadInput(str(refusal)) from None
    try:
        await start_restore_workflow(client, pool, settings, restore_job_id, plan)
    except WorkflowAlreadyStartedError as clash:
        raise BadInput(
            f"Temporal already runs a workflow {clash.workflow_id} that this database does not"
            " know; terminate it in the Web UI, then restore again"
        ) from None
    except RPCError as failure:
        raise ServiceUnavailable(f"Temporal refused to start the restore: {failure}") from None
    return restore_job_id


def _print_plan(plan: RestorePlan, settings: Settings) -> None:
    taken = plan.snapshot_taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
    total = len(plan.playlists) + len(plan.still_on_youtube)
    print(
        f"Backup snapshot {plan.snapshot_id} (taken {taken}) holds {total} playlists;"
        f" {len(plan.playlists)} are not on YouTube as they were."
    )
    if plan.still_on_youtube:
        print("As they were, left alone: " + ", ".join(repr(t) for t in plan.still_on_youtube))
    if plan.playlists:
        print("Restore:")
        width = max(len(repr(p.title)) for p in plan.playlists)
        for playlist in plan.playlists:
            print(f"  {playlist.title!r:<{width}}  {playlist.privacy_status:<8} {_what(playlist)}")
    unavailable = [(p.title, v, r) for p in plan.playlists for v, r in p.unavailable.items()]
    for title, video_id, reason in unavailable[:UNAVAILABLE_SHOWN]:
        print(f"  skipped in {title!r}: {video_id} ({reason})")
    if len(unavailable) > UNAVAILABLE_SHOWN:
        print(f"  ... and {len(unavailable) - UNAVAILABLE_SHOWN} more unavailable videos")
    if plan.to_delete:
        print("Delete once every available video of theirs is in a restored playlist:")
        for new in plan.to_delete:
            print(f"  {new.title!r} ({new.youtube_playlist_id}, {new.videos} videos)")
    elif plan.keep_new:
        print("The playlists syncs made after the snapshot are kept (--keep-new).")
    writes = sum(p.writes for p in plan.playlists) + len(plan.to_delete)
    print(
        f"Cost: {plural(writes, 'write')}, 50 units each = {plan.quota_cost:,} units, about"
        f" {plural(plan.estimated_windows, window_word(settings))}"
        f" ({plan.quota_remaining_now:,} of {plan.daily_quota_limit:,} left in this one).",
        flush=True,
    )


def _what(playlist: PlaylistToRestore) -> str:
    """What restoring one playlist takes, in words."""
    skipped = len(playlist.unavailable)
    note = f" ({skipped} unavailable, skipped)" if skipped else ""
    if not playlist.in_place:
        return f"made again: 2 playlist writes, {playlist.videos_to_add} videos{note}"
    edits = [
        f"{n} {word}"
        for n, word in (
            (playlist.inserts, "added"),
            (playlist.moves, "moved"),
            (playlist.removals, "removed"),
        )
        if n
    ]
    snippet = [] if playlist.snippet_ok else ["title, description and privacy set back"]
    return f"in place ({playlist.target_playlist_id}): " + ", ".join(snippet + edits) + note


def _summary(plan: RestorePlan, job: RestoreJobRecord | None) -> dict[str, Any]:
    return {
        "restoreJobId": job.id if job else None,
        "workflowId": job.workflow_id if job else None,
        "playlists": len(plan.playlists),
        "inPlace": sum(p.in_place for p in plan.playlists),
        "toDelete": len(plan.to_delete),
        "items": plan.items,
        "quotaCost": plan.quota_cost,
        "unavailableItems": plan.unavailable_items,
        "estimatedWindows": plan.estimated_windows,
    }


def _outcome_json(job: RestoreJobRecord) -> dict[str, Any]:
    data = job.to_json()
    return {key: data[key] for key in ("stage", "results", "errors", "quotaUsed", "completedAt")}


async def _follow(
    pool: asyncpg.Pool, client: Client, restore_job_id: int, *, quiet: bool
) -> RestoreJobRecord:
    """Poll the restore_jobs mirror until the restore ends, printing each change."""
    shown = ""
    polls = 0
    while True:
        job = await get_restore_job(pool, restore_job_id)
        assert job is not None
        line = _progress_line(job)
        if line != shown and not quiet:
            print(line, flush=True)
            shown = line
        if job.completed_at is not None:
            if not quiet:
                for error in job.errors[-5:]:
                    print(f"  {error.entity_type} {error.entity_id}: {error.message}")
            return job
        polls += 1
        if polls % 20 == 0 and not await _still_running(client, job.workflow_id):
            raise ServiceUnavailable(
                f"workflow {job.workflow_id} ended without finishing restore {restore_job_id}"
                " (terminated in the Web UI?)"
            )
        await asyncio.sleep(POLL_SECONDS)


def _progress_line(job: RestoreJobRecord) -> str:
    r = job.results
    text = (
        f"{job.stage.value}: {r.items_done}/{job.total} videos ({r.items_added} added,"
        f" {r.items_in_place} in place, {r.items_skipped} skipped, {r.items_failed} failed),"
        f" {r.playlists_restored} playlists restored, {r.playlists_deleted} deleted,"
        f" {job.quota_used:,} units"
    )
    if job.pause_reason is not None:
        text += f"; paused: {job.pause_reason.value}"
        if job.next_resume_at is not None:
            text += f", goes on at {job.next_resume_at.astimezone():%H:%M:%S}"
    return text


async def _still_running(client: Client, workflow_id: str) -> bool:
    try:
        described = await client.get_workflow_handle(workflow_id).describe()
    except RPCError:
        return True  # unknown counts as yes: the mirror says when it ends
    return described.status in (None, WorkflowExecutionStatus.RUNNING)
