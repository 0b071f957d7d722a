"""Every client operation and error through google-api-python-client against the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest

from playlist_sync.config import load_settings
from playlist_sync.emulator import RunningEmulator
from playlist_sync.quota_windows import QuotaReset, window_start
from playlist_sync.youtube.client import YouTubeClient, youtube_client_from_settings
from playlist_sync.youtube.errors import (
    AuthRequired,
    InvalidInput,
    PlaylistCreationLimited,
    PlaylistFull,
    PlaylistNotFound,
    QuotaExceeded,
    Transient,
    VideoUnavailable,
)
from playlist_sync.youtube.resources import Channel, RemotePlaylist, RemoteVideo
from tests.youtube.conftest import (
    RESET,
    emulator_playlist,
    emulator_quota_used,
    grant,
    library,
    make_client,
)


async def test_reads(youtube: YouTubeClient, db_pool: asyncpg.Pool) -> None:
    assert await youtube.my_channel() == Channel(id="UCtestChannel", title="Test channel")
    playlists = await youtube.my_playlists()
    assert RemotePlaylist("PLrecipes", "Recipes", "food", "public", 4) in playlists
    assert {p.id for p in playlists} == {"PLrecipes", "PLempty"}
    assert await youtube.find_playlist("PLempty") == RemotePlaylist(
        "PLempty", "Empty", "", "private", 0
    )
    assert await youtube.find_playlist("PLnothing") is None

    items = await youtube.playlist_items("PLrecipes")
    assert [(i.video_id, i.position) for i in items] == [
        ("vidPublic01", 0), ("vidDeleted1", 1), ("vidPrivate1", 2), ("vidPublic02", 3),
    ]  # fmt: skip
    assert items[0].title == "Public one" and items[0].privacy_status == "public"
    assert items[1].title == "Deleted video" and items[2].title == "Private video"
    assert await youtube.playlist_items("PLempty") == []

    videos = await youtube.videos(["vidUnlisted", "vidDeleted1", "vidPublic01", "vidUnlisted"])
    # The uploader's channel comes by id too (the emulator derives one from the title).
    assert [replace(video, channel_id="") for video in videos] == [
        RemoteVideo("vidUnlisted", "Unlisted", "Band", "unlisted"),
        RemoteVideo("vidPublic01", "Public one", "Chef", "public"),
    ]
    assert all(video.channel_id.startswith("UC") for video in videos)
    assert videos[0].channel_id != videos[1].channel_id
    assert await youtube.videos([]) == []
    operations = await db_pool.fetch("SELECT operation, units FROM quota_events ORDER BY id")
    assert [r["operation"] for r in operations] == [
        "channels.list", "playlists.list", "playlists.list", "playlists.list",
        "playlistItems.list", "playlistItems.list", "videos.list",
    ]  # fmt: skip
    assert all(r["units"] == 1 for r in operations)


async def test_writes(youtube: YouTubeClient, emulator: RunningEmulator) -> None:
    playlist_id = await youtube.create_youtube_playlist("Cooking", "All the food")
    first = await youtube.add_video_to_playlist(playlist_id, "vidPublic02")
    second = await youtube.add_video_to_playlist(playlist_id, "vidPublic01")
    front = await youtube.add_video_to_playlist(playlist_id, "vidUnlisted", position=0)
    remote = emulator_playlist(emulator, playlist_id)
    assert (remote["title"], remote["description"], remote["privacyStatus"]) == (
        "Cooking", "All the food", "private",
    )  # fmt: skip
    assert [(i["id"], i["videoId"]) for i in remote["items"]] == [
        (front, "vidUnlisted"), (first, "vidPublic02"), (second, "vidPublic01"),
    ]  # fmt: skip

    await youtube.update_playlist(playlist_id, "Baking", "Bread", privacy_status="unlisted")
    assert await youtube.find_playlist(playlist_id) == RemotePlaylist(
        playlist_id, "Baking", "Bread", "unlisted", 3
    )
    await youtube.delete_youtube_playlist(playlist_id)
    assert await youtube.find_playlist(playlist_id) is None


async def test_pages_are_all_read_and_each_is_charged(
    start_emulator: Callable[..., RunningEmulator], db_pool: asyncpg.Pool, data_dir: Path
) -> None:
    seed = library()
    seed["videos"] += [{"id": f"v{n:03}", "title": f"Video {n}"} for n in range(120)]
    seed["playlists"] += [{"id": f"PL{n:03}", "title": f"List {n}"} for n in range(60)]
    seed["playlists"][0]["items"] = [f"v{n:03}" for n in range(119, -1, -1)]
    emulator = start_emulator(seed=seed)
    await grant(emulator, data_dir)
    youtube = make_client(emulator, db_pool, data_dir)

    items = await youtube.playlist_items("PLrecipes")
    assert [i.position for i in items] == list(range(120))
    assert items[0].video_id == "v119" and items[-1].video_id == "v000"
    assert len(await youtube.my_playlists()) == 62
    videos = await youtube.videos(f"v{n:03}" for n in range(120))
    assert [v.id for v in videos] == [f"v{n:03}" for n in range(120)]
    pages = await db_pool.fetch("SELECT operation, details FROM quota_events ORDER BY id")
    assert [(p["operation"], p["details"].get("page")) for p in pages[:5]] == [
        ("playlistItems.list", 1), ("playlistItems.list", 2), ("playlistItems.list", 3),
        ("playlists.list", 1), ("playlists.list", 2),
    ]  # fmt: skip
    assert [len(p["details"]["videoIds"]) for p in pages[5:]] == [50, 50, 20]
    assert emulator_quota_used(emulator) == await youtube.ledger.used_in_window() == 8


async def test_api_refusals_become_typed_errors(youtube: YouTubeClient) -> None:
    cases = [
        (youtube.add_video_to_playlist("PLnothing", "vidPublic01"), PlaylistNotFound),
        (youtube.delete_youtube_playlist("PLnothing"), PlaylistNotFound),
        (youtube.playlist_items("PLnothing"), PlaylistNotFound),
        (youtube.add_video_to_playlist("PLempty", "vidDeleted1"), VideoUnavailable),
        (youtube.add_video_to_playlist("PLempty", "vidNoSuchId"), VideoUnavailable),
        (youtube.add_video_to_playlist("PLempty", "vidPrivate1"), VideoUnavailable),
        (youtube.add_video_to_playlist("PLempty", "vidPublic01", position=5), InvalidInput),
        (youtube.create_youtube_playlist("", ""), InvalidInput),
        (youtube.create_youtube_playlist("a <b>", ""), InvalidInput),
        (youtube.create_youtube_playlist("x" * 151, ""), InvalidInput),
    ]
    for call, kind in cases:
        with pytest.raises(kind) as raised:
            await call
        assert "\n" not in str(raised.value) and raised.value.status in (400, 404)
    with pytest.raises(InvalidInput, match="playlistTitleRequired"):
        await youtube.create_youtube_playlist(" ", "")


async def test_a_full_playlist(
    start_emulator: Callable[..., RunningEmulator], db_pool: asyncpg.Pool, data_dir: Path
) -> None:
    seed = library()
    seed["playlists"][1]["items"] = ["vidPublic01"] * 5000
    emulator = start_emulator(seed=seed)
    await grant(emulator, data_dir)
    youtube = make_client(emulator, db_pool, data_dir)
    with pytest.raises(PlaylistFull) as raised:
        await youtube.add_video_to_playlist("PLempty", "vidPublic02")
    assert raised.value.status == 403


async def test_quota_exhaustion_from_the_api_closes_the_window(
    start_emulator: Callable[..., RunningEmulator], db_pool: asyncpg.Pool, data_dir: Path
) -> None:
    emulator = start_emulator(daily_quota=120)
    await grant(emulator, data_dir)
    youtube = make_client(emulator, db_pool, data_dir, daily_quota=10_000)
    await youtube.create_youtube_playlist("One", "")
    await youtube.create_youtube_playlist("Two", "")
    with pytest.raises(QuotaExceeded) as refused:
        await youtube.create_youtube_playlist("Three", "")
    assert (refused.value.status, refused.value.reason) == (403, "quotaExceeded")
    assert refused.value.next_reset == youtube.ledger.next_reset()
    assert await youtube.ledger.remaining() == 0

    requests = emulator.admin.state()["requests"]
    with pytest.raises(QuotaExceeded) as ledger_refused:
        await youtube.my_channel()  # 1 unit would fit at YouTube, but YouTube said no
    assert ledger_refused.value.reason == "ledgerRefused"
    assert emulator.admin.state()["requests"] == requests  # never sent
    # The refused call was free on YouTube, so the ledger gave its units back.
    assert await youtube.ledger.used_in_window() == emulator_quota_used(emulator) == 100


async def test_ledger_budget_refuses_before_youtube_does(
    youtube: YouTubeClient, emulator: RunningEmulator, db_pool: asyncpg.Pool
) -> None:
    tight = make_client(emulator, db_pool, youtube.credentials.data_dir, daily_quota=60)
    await tight.create_youtube_playlist("One", "")
    with pytest.raises(QuotaExceeded) as refused:
        await tight.create_youtube_playlist("Two", "")
    assert refused.value.status is None and refused.value.next_reset is not None
    assert emulator_quota_used(emulator) == 50


async def test_a_write_whose_answer_is_lost_is_sent_once(
    youtube: YouTubeClient, emulator: RunningEmulator, db_pool: asyncpg.Pool
) -> None:
    emulator.admin.set_faults(timeout_rate=1.0)
    requests = emulator.admin.state()["requests"]
    with pytest.raises(Transient):
        await youtube.add_video_to_playlist("PLempty", "vidPublic01")
    state = emulator.admin.state()
    assert state["requests"] == requests + 1
    assert [i["videoId"] for i in emulator_playlist(emulator, "PLempty")["items"]] == [
        "vidPublic01"
    ]
    event = await db_pool.fetchrow("SELECT units, outcome FROM quota_events")
    assert event["units"] == 50 and event["outcome"].startswith("Transient")  # YouTube charged it


async def test_server_errors_fail_a_write_at_once_and_a_read_after_retries(
    youtube: YouTubeClient, emulator: RunningEmulator
) -> None:
    emulator.admin.set_faults(error_rate=1.0)
    requests = emulator.admin.state()["requests"]
    with pytest.raises(Transient) as write_failed:
        await youtube.create_youtube_playlist("Cooking", "")
    assert write_failed.value.status in (500, 503)
    assert emulator.admin.state()["requests"] == requests + 1
    with pytest.raises(Transient):
        await youtube.my_channel()
    assert emulator.admin.state()["requests"] == requests + 1 + youtube.read_attempts


async def test_quota_is_charged_to_the_sync_that_spent_it(youtube: YouTubeClient) -> None:
    job = youtube.for_job(41)
    playlist_id = await job.create_youtube_playlist("Cooking", "")
    await job.add_video_to_playlist(playlist_id, "vidPublic01")
    with pytest.raises(VideoUnavailable):
        await job.add_video_to_playlist(playlist_id, "vidDeleted1")
    await job.playlist_items(playlist_id)
    await youtube.my_channel()  # not the sync's
    assert job.sync_job_id == 41 and youtube.sync_job_id is None
    assert await youtube.ledger.used_by_sync(41) == 151
    assert await youtube.ledger.used_in_window() == 152


async def test_ledger_matches_the_emulator_after_successes_and_failures(
    start_emulator: Callable[..., RunningEmulator], db_pool: asyncpg.Pool, data_dir: Path
) -> None:
    emulator = start_emulator(daily_quota=400)
    await grant(emulator, data_dir)
    youtube = make_client(emulator, db_pool, data_dir)
    await youtube.my_playlists()
    playlist_id = await youtube.create_youtube_playlist("Cooking", "")
    await youtube.add_video_to_playlist(playlist_id, "vidPublic01")
    for failing in (
        youtube.add_video_to_playlist("PLnothing", "vidPublic01"),
        youtube.add_video_to_playlist(playlist_id, "vidPrivate1"),
        youtube.create_youtube_playlist("", ""),
        youtube.delete_youtube_playlist("PLnothing"),
    ):
        with pytest.raises((PlaylistNotFound, VideoUnavailable, InvalidInput)):
            await failing
    emulator.admin.set_faults(error_rate=1.0)
    with pytest.raises(Transient):
        await youtube.playlist_items(playlist_id)
    emulator.admin.set_faults(error_rate=0.0, timeout_rate=1.0)
    with pytest.raises(Transient):
        await youtube.add_video_to_playlist(playlist_id, "vidPublic02")
    emulator.admin.set_faults(timeout_rate=0.0)
    with pytest.raises(QuotaExceeded):
        await youtube.create_youtube_playlist("Too much", "")

    used = emulator_quota_used(emulator)
    assert used == 1 + 50 * 7 + 3 * 1  # the refused insert was free
    assert await youtube.ledger.used_in_window() == used
    assert await db_pool.fetchval("SELECT sum(units) FROM quota_events") == used
    assert await db_pool.fetchval("SELECT count(*) FROM quota_events WHERE outcome IS NULL") == 0
    windows = emulator.admin.state()["quota"]["windows"]
    start = await db_pool.fetchval("SELECT window_start FROM quota_windows")
    assert [w["start"] for w in windows] == [start.isoformat().replace("+00:00", "Z")]


async def test_the_workflow_clock_picks_the_window(
    youtube: YouTubeClient, db_pool: asyncpg.Pool
) -> None:
    ahead = datetime.now(UTC) + timedelta(days=2)  # the workflow slept until a reset
    await youtube.for_job(3, not_before=ahead).my_channel()
    assert await db_pool.fetchval("SELECT window_start FROM quota_windows") == window_start(
        ahead, RESET
    )
    behind = datetime.now(UTC) - timedelta(days=2)  # never charges a past window
    await youtube.for_job(3, not_before=behind).my_channel()
    assert await db_pool.fetchval("SELECT count(*) FROM quota_windows") == 2


async def test_the_factory_wires_the_settings(
    emulator: RunningEmulator, db_pool: asyncpg.Pool, data_dir: Path
) -> None:
    settings = load_settings(
        PLAYLIST_SYNC_DATA_DIR=str(data_dir),
        YOUTUBE_API_URL=emulator.url,
        YOUTUBE_DAILY_QUOTA=500,
        QUOTA_RESET="every:3600s",
    )
    youtube = await youtube_client_from_settings(settings, db_pool, sync_job_id=5)
    assert (youtube.ledger.daily_quota, youtube.ledger.reset) == (500, QuotaReset(3600))
    with pytest.raises(AuthRequired, match=r"starter\.py auth"):
        await youtube.my_channel()  # the grant is looked for at the first call, not before
    await grant(emulator, data_dir)
    assert (await youtube.my_channel()).id == "UCtestChannel"
    assert await youtube.ledger.used_by_sync(5) == 1


async def test_new_playlists_go_one_at_a_time_so_youtube_refuses_once(
    youtube: YouTubeClient, emulator: RunningEmulator
) -> None:
    """Inserts sent side by side (a restore's parallel playlists, several workers) would each
    draw YouTube's 429 before the first answer closed the window's creations."""
    emulator.admin.set_faults(playlist_creates_per_window=1, latency_ms=200)
    answers = await asyncio.gather(
        *(youtube.create_youtube_playlist(f"Shelf {n}", "") for n in range(4)),
        return_exceptions=True,
    )
    assert sum(isinstance(a, str) for a in answers) == 1, answers
    assert all(isinstance(a, str | PlaylistCreationLimited) for a in answers), answers
    refused = [w["refused"] for w in emulator.admin.state()["playlistCreation"]["windows"]]
    assert max(refused) == 1, refused
