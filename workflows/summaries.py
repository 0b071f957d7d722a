"""What each step of a sync or a restore does, as the Temporal Web UI's timeline shows it (the
activities' summaries). Workflow code: pure functions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from playlist_sync.restore.payloads import PlaylistRequest, RestoreMirror
    from playlist_sync.sync.payloads import AddVideosRequest, DeleteRequest, JobMirror, SyncState


def sync_step_summary(
    activity: Callable[..., Any], arg: Any, s: SyncState, category_names: dict[int, str]
) -> str:
    if isinstance(arg, AddVideosRequest):
        name = category_names.get(arg.category_id, f"category {arg.category_id}")
        return f"add or edit up to {arg.max_writes} videos in {name!r}"
    if isinstance(arg, DeleteRequest) and arg.only_safe_now:
        return "delete the old playlists already safe, while new ones wait for YouTube's limit"
    if isinstance(arg, JobMirror):
        return f"mirror the state to sync_jobs: {arg.stage.value}"
    done = f": {s.progress:,} of {s.total:,} done" if s.total else ""
    summaries = {
        "back_up_playlists": "back up every playlist and its items before any write",
        "plan_sync": "plan which old playlist each category adopts, or a new one",
        "create_category_playlists": f"create or adopt the categories' playlists{done}",
        "plan_video_additions": "plan the videos to add, category by category",
        "delete_old_playlists": f"delete the old playlists{done}",
        "quota_remaining": "read the quota left in this window",
    }
    return summaries.get(_name(activity), _name(activity).replace("_", " "))


def restore_step_summary(activity: Callable[..., Any], arg: Any) -> str:
    if isinstance(arg, PlaylistRequest):
        what = "take out of" if arg.stage == "removing" else "restore"
        return (
            f"{what} playlist {arg.restore_playlist_id} of the snapshot:"
            f" up to {arg.max_writes} writes"
        )
    if isinstance(arg, RestoreMirror):
        return f"mirror the state to restore_jobs: {arg.stage.value}"
    return _name(activity).replace("_", " ")


def _name(activity: Callable[..., Any]) -> str:
    return getattr(activity, "__name__", str(activity))
