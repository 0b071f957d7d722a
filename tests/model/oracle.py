"""What the model checks on YouTube (the emulator's state and watch), as lists of violations:
one line each, naming the playlist and the videos, so that a failing example says what broke.

The user's edits are part of the world: a video the user added to a playlist stays, a video
the user removed from a playlist after the job verified it may stay removed, and a playlist
the user reordered or renamed may keep the user's order or title (the contract's schedule
makes such edits the user's intent). Everything else must be exactly as the categories (or
the snapshot) say.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class UserEdits:
    """The user's edits so far, by playlist id."""

    added: dict[str, set[str]] = field(default_factory=dict)
    removed: dict[str, set[str]] = field(default_factory=dict)
    reordered: set[str] = field(default_factory=set)
    renamed: set[str] = field(default_factory=set)
    log: list[str] = field(default_factory=list)

    def note(self, edit: str, playlist_id: str, title: str, video_id: str | None = None) -> None:
        self.log.append(f"{edit} {video_id or ''} in {title!r} ({playlist_id})".replace("  ", " "))
        if edit == "addVideo" and video_id:
            self.added.setdefault(playlist_id, set()).add(video_id)
            self.reordered.add(playlist_id)
        elif edit == "removeVideo" and video_id:
            self.removed.setdefault(playlist_id, set()).add(video_id)
        elif edit == "moveVideo":
            self.reordered.add(playlist_id)
        elif edit == "renamePlaylist":
            self.renamed.add(playlist_id)


def ordered_items(playlist: dict[str, Any]) -> list[str]:
    return [item["videoId"] for item in sorted(playlist["items"], key=lambda i: i["position"])]


def duplicates(state: dict[str, Any]) -> list[str]:
    """No playlist holds a video twice (no library, and no user edit here, makes a second copy:
    any is a write the job made twice)."""
    found = []
    for playlist in state["playlists"]:
        twice = sorted(v for v, n in Counter(ordered_items(playlist)).items() if n > 1)
        if twice:
            found.append(f"{playlist['title']!r} ({playlist['id']}) holds {twice} twice")
    return found


def gaps_the_job_opened(watched: dict[str, Any], titles: dict[str, str]) -> list[str]:
    """Each moment a watched video was put in no playlist by the job's own write."""
    found = []
    for gap in watched["gaps"]:
        after = gap["after"]
        if after["by"] != "app":
            continue
        where = titles.get(after["playlistId"] or "", after["playlistId"])
        ended = (
            f"until {gap['until']} ({gap['endedAfter']['method']})"
            if gap["until"]
            else "and still is"
        )
        found.append(
            f"{gap['videoId']} was in no playlist from {gap['from']} after"
            f" {after['method']} on {where!r}, {ended}"
        )
    return found


def category_mismatches(
    state: dict[str, Any],
    wanted: dict[str, list[str]],
    playlist_of: dict[str, str | None],
    edits: UserEdits,
    hidden: frozenset[str],
) -> list[str]:
    """Each category's playlist holds its videos in its order, under its name (user edits
    allowed for, as the module says)."""
    by_id = {p["id"]: p for p in state["playlists"]}
    found = []
    for name, videos in wanted.items():
        playlist_id = playlist_of.get(name)
        playlist = by_id.get(playlist_id or "")
        if playlist is None:
            found.append(f"category {name!r} has no playlist on YouTube (id {playlist_id})")
            continue
        items = [v for v in ordered_items(playlist) if v not in hidden]
        may_lack = edits.removed.get(playlist["id"], set())
        missing = [v for v in videos if v not in items and v not in may_lack]
        extra = [
            v for v in items if v not in videos and v not in edits.added.get(playlist["id"], set())
        ]
        if missing:
            found.append(f"category {name!r}: {missing} missing from its playlist {items}")
        if extra:
            found.append(f"category {name!r}: {extra} in its playlist {items}, not wanted")
        in_order = [v for v in items if v in videos]
        expected_order = [v for v in videos if v in items]
        if in_order != expected_order and playlist["id"] not in edits.reordered:
            found.append(f"category {name!r}: order {in_order}, wanted {expected_order}")
        if playlist["title"] != name and playlist["id"] not in edits.renamed:
            found.append(f"category {name!r}: its playlist is titled {playlist['title']!r}")
    return found


def leftover_playlists(state: dict[str, Any], allowed: set[str], edits: UserEdits) -> list[str]:
    """Playlists on YouTube besides the allowed ones: an old playlist stays only when the user
    added a video to it after the backup (the delete stage keeps it, so that video survives)."""
    return [
        f"{p['title']!r} ({p['id']}) still on YouTube with {ordered_items(p)}"
        for p in state["playlists"]
        if p["id"] not in allowed and not edits.added.get(p["id"])
    ]


def snapshot_mismatches(
    state: dict[str, Any],
    snapshot: dict[str, list[str]],
    snapshot_ids: dict[str, str],
    edits: UserEdits,
    hidden: frozenset[str],
) -> list[str]:
    """YouTube is the snapshot again: each of its playlists once, by title, with its available
    videos in order, in place where it still exists (same id), and no other playlist (the
    sync's own are gone)."""
    found = []
    by_id = {p["id"]: p for p in state["playlists"]}
    for title, playlist_id in snapshot_ids.items():
        original = by_id.get(playlist_id)
        if original is not None and original["title"] != title:
            found.append(
                f"snapshot playlist {title!r} ({playlist_id}) is still titled"
                f" {original['title']!r} with {ordered_items(original)}: not restored in place"
            )
    titles = Counter(p["title"] for p in state["playlists"])
    for title, count in titles.items():
        if count > 1:
            items = [ordered_items(p) for p in state["playlists"] if p["title"] == title]
            found.append(f"{count} playlists titled {title!r}: {items}")
    shown = {p["title"]: p for p in state["playlists"]}
    for title, videos in snapshot.items():
        playlist = shown.get(title)
        if playlist is None:
            found.append(f"snapshot playlist {title!r} is not on YouTube")
            continue
        items = [v for v in ordered_items(playlist) if v not in hidden]
        wanted = [v for v in videos if v not in hidden]
        may_lack = edits.removed.get(playlist["id"], set())
        missing = [v for v in wanted if v not in items and v not in may_lack]
        extra = [v for v in items if v not in wanted]
        if missing or extra:
            found.append(f"{title!r} holds {items}; the snapshot {wanted}")
        elif playlist["id"] not in edits.reordered and [v for v in wanted if v in items] != items:
            found.append(f"{title!r} holds {items} in another order than the snapshot {wanted}")
    for title in titles.keys() - snapshot.keys():
        found.append(
            f"{title!r} is on YouTube but not in the snapshot: {ordered_items(shown[title])}"
        )
    return found
