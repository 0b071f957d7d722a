"""The library JSON of the contract: what a YouTube account holds when the emulator starts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from playlist_sync.youtube.costs import MAX_PLAYLIST_ITEMS

VideoStatus = Literal["public", "unlisted", "private", "deleted"]
PrivacyStatus = Literal["public", "unlisted", "private"]


class SeedError(ValueError):
    """A library the emulator cannot load; the message says where and why, in one line."""


class _Strict(BaseModel):
    # Typos in a hand-written seed should fail loudly rather than be silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChannelSeed(_Strict):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = ""


class VideoSeed(_Strict):
    id: str = Field(min_length=1)
    title: str
    channelTitle: str = ""
    # The uploader's channel: the library's own channel id makes the video the owner's.
    channelId: str | None = None
    status: VideoStatus = "public"
    description: str = ""
    duration: str = "PT0S"


class PlaylistSeed(_Strict):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = ""
    privacyStatus: PrivacyStatus = "private"
    items: list[str] = Field(default_factory=list, max_length=MAX_PLAYLIST_ITEMS)
    # False: sorted by YouTube (date, popularity...), so positions are refused.
    manualSort: bool = True


class LibrarySeed(_Strict):
    channel: ChannelSeed = ChannelSeed(id="UCemulatorChannel000000", title="Emulated channel")
    videos: list[VideoSeed] = Field(default_factory=list)
    playlists: list[PlaylistSeed] = Field(default_factory=list)

    @model_validator(mode="after")
    def _references_hold(self) -> LibrarySeed:
        video_ids = [video.id for video in self.videos]
        _no_duplicates("video", video_ids)
        _no_duplicates("playlist", [playlist.id for playlist in self.playlists])
        known = set(video_ids)
        for playlist in self.playlists:
            for position, video_id in enumerate(playlist.items):
                if video_id not in known:
                    raise ValueError(
                        f"playlist {playlist.id!r} item {position}: "
                        f"video {video_id!r} is not in `videos`"
                    )
        return self


def _no_duplicates(kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for identifier in ids:
        if identifier in seen:
            raise ValueError(f"{kind} id {identifier!r} appears twice")
        seen.add(identifier)


def parse_seed(data: Any) -> LibrarySeed:
    """The validated library, or SeedError naming the first problem."""
    try:
        return LibrarySeed.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        raise SeedError(f"invalid seed: {where + ': ' if where else ''}{message}") from None


def load_seed_file(path: str | Path) -> LibrarySeed:
    """Reads and validates a library file (for `--seed FILE`)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise SeedError(f"cannot read seed {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise SeedError(f"seed {path} is not JSON: {error}") from None
    return parse_seed(data)
