"""The OAuth path end to end against the emulator: consent, storage, refresh, revocation."""

from __future__ import annotations

import asyncio
import json
import logging
import stat
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import asyncpg
import pytest

from playlist_sync.emulator import RunningEmulator
from playlist_sync.youtube.client import YouTubeClient
from playlist_sync.youtube.credentials import (
    CredentialsProvider,
    load_credentials,
    save_grant,
    token_path,
)
from playlist_sync.youtube.errors import AuthRequired, Forbidden
from playlist_sync.youtube.oauth_flow import AuthorizationError, approve_in_background, authorize
from tests.youtube.conftest import (
    FORCE_SSL,
    READONLY,
    client_secrets_file,
    emulator_quota_used,
    grant,
    make_client,
    raw_refresh_token,
)


async def test_the_flow_stores_a_private_grant_without_access_tokens(
    emulator: RunningEmulator, data_dir: Path
) -> None:
    urls: list[str] = []

    def approve(url: str) -> object:
        urls.append(url)
        return approve_in_background(url)

    secrets = client_secrets_file(emulator, data_dir.parent)
    scopes = await asyncio.to_thread(
        authorize, secrets, data_dir, open_browser=False, on_url=approve, timeout_seconds=10
    )
    assert scopes == [FORCE_SSL]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(urls[0]).query)
    assert query["scope"] == [FORCE_SSL] and query["access_type"] == ["offline"]

    path = token_path(data_dir)
    assert path == data_dir / "credentials" / "youtube-token.json"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["youtube-token.json"]  # no temp left
    stored = json.loads(path.read_text())
    assert set(stored) == {
        "refresh_token", "client_id", "client_secret", "token_uri", "scopes", "saved_at",
    }  # fmt: skip
    tokens = emulator.admin.state()["tokens"]
    assert stored["refresh_token"] == tokens["refresh"][0]
    assert not any(token in path.read_text() for token in tokens["access"])
    assert load_credentials(data_dir).token is None


def test_bad_client_secrets_files_get_one_line_errors(tmp_path: Path) -> None:
    not_json = tmp_path / "a.json"
    not_json.write_text("{nope")
    wrong_json = tmp_path / "b.json"
    wrong_json.write_text(json.dumps({"type": "service_account", "client_email": "x"}))
    for path, expected in (
        (tmp_path / "missing.json", "not found"),
        (not_json, "not a client secrets JSON file"),
        (wrong_json, "not an OAuth client secrets file"),
    ):
        with pytest.raises(AuthorizationError, match=expected) as raised:
            authorize(path, tmp_path / "data", open_browser=False)
        assert "\n" not in str(raised.value)
    assert not token_path(tmp_path / "data").exists()


async def test_a_grant_without_force_ssl_is_refused_and_not_stored(
    emulator: RunningEmulator, data_dir: Path
) -> None:
    def narrow_consent(url: str) -> object:
        # The user unticks the write permission on the consent screen.
        return approve_in_background(url.replace(urllib.parse.quote(FORCE_SSL, safe=""),
                                                 urllib.parse.quote(READONLY, safe="")))  # fmt: skip

    secrets = client_secrets_file(emulator, data_dir.parent)
    with pytest.raises(AuthorizationError, match=r"lacks the youtube\.force-ssl scope"):
        await asyncio.to_thread(
            authorize, secrets, data_dir, open_browser=False, on_url=narrow_consent,
            timeout_seconds=10,
        )  # fmt: skip
    assert not token_path(data_dir).exists()


async def test_stored_grants_that_cannot_write_are_refused(
    emulator: RunningEmulator, db_pool: asyncpg.Pool, data_dir: Path
) -> None:
    youtube = make_client(emulator, db_pool, data_dir)
    with pytest.raises(AuthRequired, match=r"starter\.py auth"):
        await youtube.my_channel()  # no grant at all

    secrets = emulator.admin.client_secrets()["installed"]
    readonly = raw_refresh_token(emulator, [READONLY])
    common = {
        "client_id": secrets["client_id"],
        "client_secret": secrets["client_secret"],
        "token_uri": secrets["token_uri"],
    }
    save_grant(data_dir, refresh_token=readonly, scopes=[READONLY], **common)
    with pytest.raises(AuthRequired, match=r"lacks the youtube\.force-ssl scope.*starter\.py auth"):
        await youtube.my_channel()

    # A file that claims force-ssl for a read-only grant: YouTube itself refuses the write.
    save_grant(data_dir, refresh_token=readonly, scopes=[FORCE_SSL], **common)
    assert (await youtube.my_channel()).id == "UCtestChannel"
    with pytest.raises(Forbidden) as refused:
        await youtube.create_youtube_playlist("Cooking", "")
    assert (refused.value.status, refused.value.reason) == (403, "insufficientPermissions")
    assert await youtube.ledger.used_in_window() == emulator_quota_used(emulator) == 51


async def test_expired_access_tokens_are_refreshed(
    start_emulator: Callable[..., RunningEmulator], db_pool: asyncpg.Pool, data_dir: Path
) -> None:
    emulator = start_emulator(token_ttl=1)
    await grant(emulator, data_dir)
    youtube = make_client(emulator, db_pool, data_dir)
    await youtube.my_channel()
    issued = len(emulator.admin.state()["tokens"]["access"])
    await asyncio.sleep(1.1)
    await youtube.my_channel()
    assert len(emulator.admin.state()["tokens"]["access"]) > issued


async def test_concurrent_calls_share_one_refresh(
    emulator: RunningEmulator, db_pool: asyncpg.Pool, data_dir: Path
) -> None:
    await grant(emulator, data_dir)  # issues one access token, which is not kept
    youtube = make_client(emulator, db_pool, data_dir)
    await asyncio.gather(*(youtube.my_channel() for _ in range(10)))
    assert len(emulator.admin.state()["tokens"]["access"]) == 2


async def test_revocation_asks_for_auth_and_a_new_grant_is_picked_up(
    youtube: YouTubeClient, emulator: RunningEmulator, data_dir: Path
) -> None:
    await youtube.create_youtube_playlist("Cooking", "")
    emulator.admin.revoke()
    with pytest.raises(AuthRequired) as refused:
        await youtube.create_youtube_playlist("Baking", "")
    assert "starter.py auth" in str(refused.value) and "\n" not in str(refused.value)
    assert refused.value.reason == "invalid_grant"
    # The 401 cost nothing on YouTube, and nothing in the ledger either.
    assert await youtube.ledger.used_in_window() == emulator_quota_used(emulator) == 50

    await grant(emulator, data_dir)  # the user runs `starter.py auth` again
    await youtube.create_youtube_playlist("Baking", "")  # same client, no restart
    assert await youtube.ledger.used_in_window() == emulator_quota_used(emulator) == 100


async def test_no_token_reaches_the_logs_or_the_database(
    start_emulator: Callable[..., RunningEmulator],
    db_pool: asyncpg.Pool,
    data_dir: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    emulator = start_emulator(token_ttl=1)
    await grant(emulator, data_dir)
    youtube = make_client(emulator, db_pool, data_dir)
    playlist_id = await youtube.create_youtube_playlist("Cooking", "")
    await youtube.add_video_to_playlist(playlist_id, "vidPublic01")
    await asyncio.sleep(1.1)
    await youtube.playlist_items(playlist_id)
    emulator.admin.set_faults(error_rate=1.0)
    with pytest.raises(Exception):  # noqa: B017 - any failure; only its text matters
        await youtube.my_playlists()
    emulator.admin.set_faults(error_rate=0.0)
    emulator.admin.revoke()
    with pytest.raises(AuthRequired) as revoked:
        await youtube.my_channel()

    tokens = emulator.admin.state()["tokens"]
    secrets = tokens["access"] + tokens["refresh"]
    assert len(tokens["access"]) >= 3 and tokens["refresh"]
    rows = await db_pool.fetch("SELECT details::text AS d, outcome FROM quota_events")
    stored = " ".join(f"{r['d']} {r['outcome']}" for r in rows)
    assert len(rows) >= 4
    captured = capsys.readouterr()
    texts = [caplog.text, stored, str(revoked.value), captured.out, captured.err]
    for secret in secrets:
        assert not any(secret in text for text in texts)
    assert "DEBUG" in caplog.text  # debug logging was really on


def test_the_provider_reloads_a_replaced_grant(data_dir: Path) -> None:
    common = {"client_id": "c", "client_secret": "s", "token_uri": "http://127.0.0.1:1/token"}
    save_grant(data_dir, refresh_token="first", scopes=[FORCE_SSL], **common)
    provider = CredentialsProvider(data_dir)
    assert provider._current().refresh_token == "first"
    save_grant(data_dir, refresh_token="second", scopes=[FORCE_SSL], **common)
    assert provider._current().refresh_token == "second"


async def test_a_step_keeps_the_grant_its_account_check_read(
    youtube: YouTubeClient, emulator: RunningEmulator, data_dir: Path
) -> None:
    """`auth` as another channel in the middle of a step: the step's later calls stay on the
    grant it checked; only the next step takes the new one (and checks it)."""
    step = youtube.for_step()
    mine = await step.my_channel()

    secrets = client_secrets_file(emulator, data_dir.parent)
    other = "UCanotherchannel000000000"
    await asyncio.to_thread(
        authorize, secrets, data_dir, open_browser=False, timeout_seconds=10,
        on_url=lambda url: approve_in_background(f"{url}&login_hint={other}"),
    )  # fmt: skip

    assert (await step.my_channel()).id == mine.id
    assert (await youtube.for_step().my_channel()).id == other
