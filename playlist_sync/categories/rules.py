"""One category's videos from its rules, in the contract's order.

Explicit `videos` first, then each of `from_playlists` in its playlist order, then the library
videos that `channels` or `title_matches` select, in library order; a video once, at its first
place; `exclude` removed last.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playlist_sync.categories.file import CategorySpec
from playlist_sync.categories.library_index import LibraryVideos, PlaylistIndex
from playlist_sync.categories.lookup import VIDEO_ID, LookedUp
from playlist_sync.categories.problems import Location, Problem

# report(location below the category, message, warning=...) -> the Problem, with its line.
Report = Callable[..., Problem]


@dataclass
class RuleSources:
    """What the rules are resolved against, read once for the whole file."""

    video_ids: dict[str, int]  # YouTube id -> row of `videos`, for explicit and excluded ids
    playlists: PlaylistIndex
    playlist_items: dict[int, list[int]]  # playlist row -> its videos, in order
    library: LibraryVideos | None  # read only when a category has channels or title_matches
    looked_up: LookedUp = field(default_factory=LookedUp)


@dataclass
class Selection:
    video_ids: list[int]
    rules: dict[str, Any]  # as stored in categories.rules (and written back by export)
    problems: list[Problem]


def select_videos(category: CategorySpec, sources: RuleSources, report: Report) -> Selection:
    problems: list[Problem] = []

    def problem(location: Location, message: str, *, warning: bool = False) -> None:
        problems.append(report(location, message, warning=warning))

    ordered: dict[int, None] = {}
    unresolved = False
    for position, video in enumerate(category.videos):
        if video in sources.video_ids:
            ordered.setdefault(sources.video_ids[video])
        else:
            unresolved = True
            problem(("videos", position), _unknown_video(video, sources.looked_up))

    playlist_ids: list[str] = []
    for position, ref in enumerate(category.from_playlists):
        found = sources.playlists.resolve(ref)
        if isinstance(found, str):
            unresolved = True
            problem(("from_playlists", position), found)
        else:
            playlist_ids.append(found.youtube_playlist_id)
            ordered.update(dict.fromkeys(sources.playlist_items.get(found.id, [])))

    matched: set[int] = set()
    for position, ref in enumerate(category.channels):
        assert sources.library is not None
        of_channel = sources.library.of_channel(ref)
        if isinstance(of_channel, str):
            unresolved = True
            problem(("channels", position), of_channel)
        else:
            matched |= of_channel
    pattern = None
    if category.title_matches == "":
        unresolved = True
        problem(("title_matches",), "an empty pattern matches every title: leave the key out")
    elif category.title_matches is not None:
        try:
            pattern = re.compile(category.title_matches)
        except re.error as error:
            unresolved = True
            problem(("title_matches",), f"not a valid regular expression: {error}")
    if matched or pattern is not None:
        assert sources.library is not None
        for found_video in sources.library.videos:
            if found_video.id in matched or (
                pattern is not None and pattern.search(found_video.title)
            ):
                ordered.setdefault(found_video.id)

    selected = len(ordered)
    for position, video in enumerate(category.exclude):
        row = sources.video_ids.get(video)
        if row is None or row not in ordered:
            problem(
                ("exclude", position),
                f"{video!r} is not in this category anyway (none of its rules selects it)",
                warning=True,
            )
        else:
            del ordered[row]
    if selected and not ordered:
        problem((), "no videos left: exclude removes every video the rules select")
    elif not ordered and not unresolved:
        # With unknown references the user already has their real problem to fix.
        problem(
            (),
            "no videos (give videos, from_playlists, channels or title_matches that select some)",
        )
    rules = {
        "videos": category.videos,
        "fromPlaylists": playlist_ids,
        "channels": category.channels,
        "titleMatches": category.title_matches,
        "exclude": category.exclude,
    }
    return Selection(list(ordered), rules, problems)


def _unknown_video(video: str, looked_up: LookedUp) -> str:
    if not VIDEO_ID.fullmatch(video):
        return f"unknown video id {video!r} (a video id has only letters, digits, - and _)"
    if video in looked_up.asked:
        return (
            f"unknown video id {video!r} (YouTube shows no such video to this account:"
            " a typo, a deleted video, or someone else's private one)"
        )
    return f"unknown video id {video!r} (not in any imported playlist)"
