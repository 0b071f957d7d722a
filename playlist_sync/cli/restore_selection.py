"""`restore SNAPSHOT --playlist TITLE_OR_ID ...`: undo one playlist, not the whole sync.

The names are resolved against the snapshot itself (the playlists as they were backed up, by
their id then or their title), so a playlist a sync renamed or deleted is still found by the
name the user remembers. The plan is then narrowed to them: the engine restores what the plan
lists, so it honours the choice without knowing about it.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from playlist_sync.categories.library_index import closest
from playlist_sync.cli.errors import BadInput
from playlist_sync.quota_windows import windows_needed
from playlist_sync.restore.models import RestorePlan
from playlist_sync.youtube.costs import WRITE_COST


async def chosen_playlists(pool: asyncpg.Pool, snapshot_id: int, refs: list[str]) -> dict[str, str]:
    """The snapshot playlists that `refs` name, id -> title; BadInput (one line) when one
    names none or several."""
    backed_up: list[dict[str, Any]] = (
        await pool.fetchval("SELECT playlists FROM backup_snapshots WHERE id = $1", snapshot_id)
        or []
    )
    titles = {p["id"]: p["title"] for p in backed_up}
    chosen: dict[str, str] = {}
    for ref in refs:
        if ref in titles:
            chosen[ref] = titles[ref]
            continue
        titled = sorted(id for id, title in titles.items() if title == ref)
        if len(titled) == 1:
            chosen[titled[0]] = ref
            continue
        if titled:
            raise BadInput(
                f"{len(titled)} playlists of snapshot {snapshot_id} are titled {ref!r}"
                f" ({', '.join(titled)}): use --playlist with the id"
            )
        why = f"snapshot {snapshot_id} holds no playlist titled {ref!r} (or with that id)"
        close = closest(ref, {p["title"] for p in backed_up})
        raise BadInput(f"{why}; did you mean {close!r}?" if close else why)
    return chosen


def narrowed(plan: RestorePlan, chosen: dict[str, str]) -> RestorePlan:
    """The plan for the chosen playlists only, with its cost and windows. It deletes none of
    the playlists syncs made since: their videos may belong to playlists left as they are."""
    dropped = [p for p in plan.playlists if p.youtube_playlist_id not in chosen]
    deletes = len(plan.to_delete)
    cost = plan.quota_cost - WRITE_COST * (sum(p.writes for p in dropped) + deletes)
    return plan.model_copy(
        update={
            "playlists": [p for p in plan.playlists if p.youtube_playlist_id in chosen],
            "still_on_youtube": [t for t in plan.still_on_youtube if t in chosen.values()],
            "to_delete": [],
            "quota_cost": cost,
            "estimated_windows": windows_needed(
                cost, plan.daily_quota_limit, plan.quota_remaining_now
            ),
        }
    )
