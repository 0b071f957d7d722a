"""One category's videos from its rules, in the contract's order.

Explicit `videos` first, then each of `from_playlists` in its playlist order, then the library
videos that `channels` or `title_matches` select, in library order; a video once, at its first
place. Then the filters, an AND over that union (so one playlist can be split by title): keep
only the videos whose title matches `only_title_matches` and that are of `only_channels`, drop
those whose title matches `exclude_title_matches`; `exclude` removed last.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playlist_sync.categories.file import CategorySpec
from playlist_sync.categories.library_index import (
    LibraryVideo,
    LibraryVideos,
    PlaylistIndex,
    closest,
)
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
    # Every known video's title and channel: read only when a category has filters.
    facts: dict[int, LibraryVideo] | None = None


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
    pattern = _pattern(category.title_matches, "title_matches", problem)
    unresolved |= pattern is False
    if matched or isinstance(pattern, re.Pattern):
        assert sources.library is not None
        for found_video in sources.library.videos:
            if found_video.id in matched or (
                isinstance(pattern, re.Pattern) and pattern.search(found_video.title)
            ):
                ordered.setdefault(found_video.id)

    selected = len(ordered)
    if has_filters(category):
        assert sources.facts is not None
        ordered, filter_unresolved = _filtered(category, ordered, sources.facts, problem)
        unresolved |= filter_unresolved
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
        removers = "the filters and exclude remove" if has_filters(category) else "exclude removes"
        problem((), f"no videos left: {removers} every video the rules select")
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
    # Only when given: categories stored before the filters keep the rules they had.
    for stored, key in STORED_FILTERS.items():
        value = getattr(category, key)
        if value or value == "":
            rules[stored] = value
    return Selection(list(ordered), rules, problems)


# The filters as categories.rules stores them (camelCase) -> the file's keys. Whoever rebuilds
# a CategorySpec from stored rules must carry these too, and give RuleSources its `facts`.
STORED_FILTERS = {
    "onlyTitleMatches": "only_title_matches",
    "onlyChannels": "only_channels",
    "excludeTitleMatches": "exclude_title_matches",
}


def has_filters(category: CategorySpec) -> bool:
    return bool(
        category.only_title_matches is not None
        or category.only_channels
        or category.exclude_title_matches is not None
    )


def _pattern(
    text: str | None, key: str, problem: Callable[..., None]
) -> re.Pattern[str] | bool | None:
    """The compiled pattern; None when not given; False when it is a problem (reported)."""
    if text is None:
        return None
    if text == "":
        problem((key,), "an empty pattern matches every title: leave the key out")
        return False
    try:
        return re.compile(text)
    except re.error as error:
        problem((key,), f"not a valid regular expression: {error}")
        return False


def _filtered(
    category: CategorySpec,
    ordered: dict[int, None],
    facts: dict[int, LibraryVideo],
    problem: Callable[..., None],
) -> tuple[dict[int, None], bool]:
    """The selected videos the filters keep, in order; and whether a filter was a problem."""
    only = _pattern(category.only_title_matches, "only_title_matches", problem)
    drop = _pattern(category.exclude_title_matches, "exclude_title_matches", problem)
    unresolved = only is False or drop is False
    selected = [facts[video] for video in ordered if video in facts]
    channels = {key for v in selected for key in (v.channel_title, v.channel_id) if key}
    for position, ref in enumerate(category.only_channels):
        if ref not in channels:
            unresolved = True
            problem(("only_channels", position), _no_such_channel(ref, selected))
    if unresolved:
        # A broken filter would keep the wrong videos: its problem is reported instead.
        return ordered, True
    kept: dict[int, None] = {}
    dropped = 0
    for video in selected:
        if isinstance(only, re.Pattern) and not only.search(video.title):
            continue
        if category.only_channels and not (
            video.channel_title in category.only_channels
            or video.channel_id in category.only_channels
        ):
            continue
        if isinstance(drop, re.Pattern) and drop.search(video.title):
            dropped += 1
            continue
        kept[video.id] = None
    if isinstance(drop, re.Pattern) and not dropped:
        problem(
            ("exclude_title_matches",),
            "drops none of the videos the other rules keep",
            warning=True,
        )
    return kept, False


def _no_such_channel(ref: str, selected: list[LibraryVideo]) -> str:
    why = f"none of the videos this category selects is of channel {ref!r}"
    close = closest(ref, {v.channel_title for v in selected if v.channel_title})
    return f"{why}; did you mean {close!r}?" if close else why


def _unknown_video(video: str, looked_up: LookedUp) -> str:
    if not VIDEO_ID.fullmatch(video):
        return f"unknown video id {video!r} (a video id has only letters, digits, - and _)"
    if video in looked_up.asked:
        return (
            f"unknown video id {video!r} (YouTube shows no such video to this account:"
            " a typo, a deleted video, or someone else's private one)"
        )
    return f"unknown video id {video!r} (not in any imported playlist)"
