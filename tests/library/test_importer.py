"""The import's database logic: idempotent upserts, unavailable videos, gone playlists."""

from __future__ import annotations

from dataclasses import dataclass, field

import asyncpg
import pytest

from playlist_sync.library.importer import ImportSummary, import_library
from playlist_sync.youtube.resources import Channel, RemotePlaylist, RemotePlaylistItem, RemoteVideo


@dataclass
class FakeLibrary:
    """A LibraryReader over plain data: playlist -> video ids; `hidden` items show as YouTube
    shows deleted/private videos; `catalog` is what videos.list can return."""

    playlists: dict[str, tuple[str, list[str]]]
    catalog: dict[str, RemoteVideo]
    hidden: dict[str, str] = field(default_factory=dict)  # video id -> "Deleted video" | ...
    video_calls: list[list[str]] = field(default_factory=list)
    fail_on: str | None = None

    async def my_channel(self) -> Channel:
        return Channel("UCfake", "Fake channel")

    async def my_playlists(self) -> list[RemotePlaylist]:
        return [
            RemotePlaylist(pid, title, f"about {title}", "private", len(items))
            for pid, (title, items) in self.playlists.items()
        ]

    async def playlist_items(self, playlist_id: str) -> list[RemotePlaylistItem]:
        if playlist_id == self.fail_on:
            raise ConnectionError("network down")
        items = self.playlists[playlist_id][1]
        return [
            RemotePlaylistItem(
                f"{playlist_id}-{position}-{video}",
                video,
                position,
                self.hidden.get(video, f"title {video}"),
                "private" if self.hidden.get(video) == "Private video" else "public",
            )
            for position, video in enumerate(items)
        ]

    async def videos(self, video_ids: list[str]) -> list[RemoteVideo]:
        self.video_calls.append(video_ids)
        return [self.catalog[v] for v in video_ids if v in self.catalog]


def _video(video_id: str, title: str | None = None) -> RemoteVideo:
    return RemoteVideo(video_id, title or f"title {video_id}", "chan", "public")


def _reader() -> FakeLibrary:
    return FakeLibrary(
        playlists={"PL1": ("Recipes", ["a", "b", "c"]), "PL2": ("Music", ["c", "d"])},
        catalog={v: _video(v) for v in "abcd"},
    )


async def _rows(pool: asyncpg.Pool) -> dict[str, list[tuple[object, ...]]]:
    return {
        "playlists": [
            tuple(r)
            for r in await pool.fetch(
                "SELECT id, youtube_playlist_id, title, item_count, deleted_from_youtube_at"
                " FROM playlists ORDER BY id"
            )
        ],
        "videos": [
            tuple(r)
            for r in await pool.fetch(
                "SELECT id, youtube_video_id, title, unavailable_reason FROM videos ORDER BY id"
            )
        ],
        "items": [
            tuple(r)
            for r in await pool.fetch(
                "SELECT playlist_id, position, video_id, youtube_item_id FROM playlist_videos"
                " ORDER BY playlist_id, position"
            )
        ],
    }


async def test_importing_twice_changes_nothing(db_pool: asyncpg.Pool) -> None:
    reader = _reader()
    progress: list[tuple[int, int]] = []
    first = await import_library(reader, db_pool, on_progress=lambda *p: progress.append(p))
    before = await _rows(db_pool)
    second = await import_library(reader, db_pool)

    assert await _rows(db_pool) == before
    assert (first.playlists, first.videos, first.items, first.unavailable) == (2, 4, 5, 0)
    assert first.new_playlists == ["Recipes", "Music"]
    assert (second.new_playlists, second.updated_playlists, second.gone_playlists) == ([], [], [])
    assert progress == [(0, 2), (1, 2), (2, 2)]
    assert len(before["items"]) == 5
    # "c" sits in both playlists but videos.list is asked about it once per import.
    assert sorted(v for call in reader.video_calls[:2] for v in call) == list("abcd")


async def test_changes_on_youtube_update_rows_in_place(db_pool: asyncpg.Pool) -> None:
    reader = _reader()
    await import_library(reader, db_pool)
    ids = {
        r["youtube_playlist_id"]: r["id"] for r in await db_pool.fetch("SELECT * FROM playlists")
    }

    reader.playlists["PL1"] = ("Recipes (old)", ["c", "a"])  # renamed, reordered, one removed
    reader.catalog["d"] = _video("d", "d, retitled")
    summary = await import_library(reader, db_pool)

    assert summary.updated_playlists == ["Recipes (old)"]
    rows = await db_pool.fetch("SELECT id, youtube_playlist_id, title FROM playlists ORDER BY id")
    assert [(r["id"], r["title"]) for r in rows] == [
        (ids["PL1"], "Recipes (old)"),
        (ids["PL2"], "Music"),
    ]
    items = await db_pool.fetch(
        """SELECT v.youtube_video_id FROM playlist_videos pv JOIN videos v ON v.id = pv.video_id
           WHERE pv.playlist_id = $1 ORDER BY pv.position""",
        ids["PL1"],
    )
    assert [r[0] for r in items] == ["c", "a"]
    assert await db_pool.fetchval("SELECT title FROM videos WHERE youtube_video_id = 'd'") == (
        "d, retitled"
    )
    assert await db_pool.fetchval("SELECT count(*) FROM videos") == 4


async def test_a_playlist_gone_from_youtube_is_marked_not_removed(db_pool: asyncpg.Pool) -> None:
    reader = _reader()
    await import_library(reader, db_pool)
    music = reader.playlists.pop("PL2")

    summary = await import_library(reader, db_pool)
    assert summary.gone_playlists == ["Music"]
    gone_at = await db_pool.fetchval(
        "SELECT deleted_from_youtube_at FROM playlists WHERE youtube_playlist_id = 'PL2'"
    )
    assert gone_at is not None
    # Its items stay: a categories file may still draw from it.
    assert await db_pool.fetchval("SELECT count(*) FROM playlist_videos") == 5

    again = await import_library(reader, db_pool)
    assert again.gone_playlists == []
    assert gone_at == await db_pool.fetchval(
        "SELECT deleted_from_youtube_at FROM playlists WHERE youtube_playlist_id = 'PL2'"
    )

    reader.playlists["PL2"] = music
    back = await import_library(reader, db_pool)
    assert back.updated_playlists == ["Music"]
    assert (
        await db_pool.fetchval(
            "SELECT count(*) FROM playlists WHERE deleted_from_youtube_at IS NOT NULL"
        )
        == 0
    )


async def test_unavailable_videos_are_marked_and_cleared(db_pool: asyncpg.Pool) -> None:
    reader = _reader()
    await import_library(reader, db_pool)

    reader.hidden = {"a": "Deleted video", "b": "Private video"}
    del reader.catalog["c"]  # listed, but videos.list leaves it out
    reader.video_calls.clear()
    summary = await import_library(reader, db_pool)

    assert summary.unavailable == 3
    rows = await db_pool.fetch(
        "SELECT youtube_video_id, title, unavailable_reason, privacy_status FROM videos"
        " ORDER BY youtube_video_id"
    )
    assert [tuple(r) for r in rows] == [
        # The title the earlier import saw is kept: YouTube no longer tells it.
        ("a", "title a", "deleted", "public"),
        ("b", "title b", "private", "private"),
        ("c", "title c", "not returned by YouTube", "public"),
        ("d", "title d", None, "public"),
    ]
    # Items shown as deleted/private are not asked about again.
    assert sorted(v for call in reader.video_calls for v in call) == ["c", "d"]

    reader.hidden = {}
    reader.catalog["c"] = _video("c")
    assert (await import_library(reader, db_pool)).unavailable == 0
    assert (
        await db_pool.fetchval("SELECT count(*) FROM videos WHERE unavailable_reason IS NOT NULL")
        == 0
    )


async def test_a_video_never_seen_before_and_unavailable(db_pool: asyncpg.Pool) -> None:
    reader = FakeLibrary(
        playlists={"PL1": ("Old", ["x"])}, catalog={}, hidden={"x": "Deleted video"}
    )
    await import_library(reader, db_pool)
    row = await db_pool.fetchrow("SELECT title, unavailable_reason FROM videos")
    assert tuple(row) == ("", "deleted")


async def test_a_crash_mid_import_leaves_whole_playlists(db_pool: asyncpg.Pool) -> None:
    reader = _reader()
    await import_library(reader, db_pool)
    before = await _rows(db_pool)
    reader.playlists = {
        "PL1": ("Recipes", ["d", "c", "b", "a"]),
        "PL3": ("New", ["a"]),
    }
    reader.fail_on = "PL3"
    with pytest.raises(ConnectionError):
        await import_library(reader, db_pool)

    after = await _rows(db_pool)
    # PL1 was written whole; PL3 not at all; PL2 is not marked gone by an unfinished import.
    assert [r[1] for r in after["playlists"]] == ["PL1", "PL2"]
    assert all(r[4] is None for r in after["playlists"])
    assert len(after["items"]) == len(before["items"]) + 1
    reader.fail_on = None
    summary = await import_library(reader, db_pool)
    assert (summary.new_playlists, summary.gone_playlists) == (["New"], ["Music"])


def test_summary_lines() -> None:
    summary = ImportSummary(2, 4, 5, 1, new_playlists=["A"], gone_playlists=["B"])
    assert summary.lines() == [
        "Imported 2 playlists, 5 items, 4 videos (1 unavailable).",
        "New: A",
        "Gone from YouTube: B",
    ]
