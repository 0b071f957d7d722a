"""`snapshots [--json]`: the backup snapshots a restore can bring back, newest first."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any

from playlist_sync.cli.connections import database
from playlist_sync.cli.console import stdout_console
from playlist_sync.cli.plan_view import plural
from playlist_sync.config import Settings

# Each sync stores one before its first write; the playlists' titles say what it holds.
_SNAPSHOTS = """
    SELECT s.id, s.created_at, s.sync_job_id, j.stage AS sync_stage, s.playlist_count,
           s.item_count,
           (SELECT count(DISTINCT video)::int FROM jsonb_array_elements(s.playlists) p,
                   jsonb_array_elements_text(p -> 'items') video) AS video_count,
           (SELECT coalesce(array_agg(p ->> 'title' ORDER BY p ->> 'title'), '{}')
            FROM jsonb_array_elements(s.playlists) p) AS titles
    FROM backup_snapshots s LEFT JOIN sync_jobs j ON j.id = s.sync_job_id
    ORDER BY s.id DESC
"""

_TITLES_SHOWN = 8


def register(commands: argparse._SubParsersAction) -> None:
    snapshots = commands.add_parser(
        "snapshots",
        help="list the backup snapshots (each sync takes one before it writes)",
        description="Lists the backup snapshots, newest first: id, when it was taken, by which "
        "sync, its playlists and videos. `restore SNAPSHOT_ID` brings one back.",
    )
    snapshots.add_argument(
        "--json",
        action="store_true",
        help="a JSON list of {id, takenAt, syncJobId, syncStage, playlistCount, itemCount,"
        " videoCount, playlistTitles}",
    )
    snapshots.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    async with database(settings) as pool:
        rows = [_snapshot(row) for row in await pool.fetch(_SNAPSHOTS)]
    if args.json:
        print(json.dumps(rows))
        return 0
    console = stdout_console()
    if not rows:
        console.print("No backup snapshots yet: each sync takes one before its first write.")
        return 0
    # One line each (soft-wrapped, never cut): a grep or a log sees a snapshot whole.
    for row in rows:
        taken = datetime.fromisoformat(row["takenAt"]).astimezone().strftime("%Y-%m-%d %H:%M")
        sync = f"by sync {row['syncJobId']} ({row['syncStage']})" if row["syncJobId"] else ""
        titles = ", ".join(row["playlistTitles"][:_TITLES_SHOWN])
        if len(row["playlistTitles"]) > _TITLES_SHOWN:
            titles += f", ... ({len(row['playlistTitles']) - _TITLES_SHOWN:,} more)"
        console.print(
            f"Snapshot {row['id']} · {taken} · {sync} · {plural(row['playlistCount'], 'playlist')},"
            f" {plural(row['videoCount'], 'video')}: {titles}",
            markup=False,
        )
    console.print(
        "`starter.py restore SNAPSHOT_ID --dry-run` shows what bringing one back does and costs.",
        markup=False,
    )
    return 0


def _snapshot(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "takenAt": row["created_at"].isoformat(),
        "syncJobId": row["sync_job_id"],
        "syncStage": row["sync_stage"],
        "playlistCount": row["playlist_count"],
        "itemCount": row["item_count"],
        "videoCount": row["video_count"],
        "playlistTitles": list(row["titles"]),
    }
