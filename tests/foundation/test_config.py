"""Configuration is read from the environment and `.env`, and bad values are one clear line."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from playlist_sync.cli import stack_commands
from playlist_sync.config import ConfigError, load_settings, without_password
from playlist_sync.quota_windows import QuotaReset
from playlist_sync.stack import local_stack

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_are_the_contract(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in (
        "DATABASE_URL",
        "TEMPORAL_ADDRESS",
        "QUOTA_RESET",
        "YOUTUBE_DAILY_QUOTA",
        "YOUTUBE_PLAYLIST_CREATES_PER_DAY",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.database_url is None
    assert settings.temporal_address == "localhost:7233"
    assert settings.temporal_task_queue == "playlist-sync"
    assert settings.youtube_daily_quota == 10_000
    assert settings.quota_reset == QuotaReset()
    assert settings.youtube_playlist_creates_per_day == 10


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QUOTA_RESET", raising=False)
    (tmp_path / ".env").write_text("QUOTA_RESET=every:30s\nYOUTUBE_DAILY_QUOTA=500\n")
    settings = load_settings()
    assert settings.quota_reset == QuotaReset(30)
    assert settings.youtube_daily_quota == 500


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("QUOTA_RESET", "tomorrow"),
        ("QUOTA_RESET", "every:0s"),
        ("DATABASE_URL", "mysql://localhost/x"),
        ("YOUTUBE_DAILY_QUOTA", "-5"),
        ("TEMPORAL_ADDRESS", "no-port"),
        ("YOUTUBE_API_URL", "ftp://x"),
        ("YOUTUBE_PLAYLIST_CREATES_PER_DAY", "0"),
        ("YOUTUBE_PLAYLIST_CREATES_PER_DAY", "ten"),
    ],
)
def test_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert variable in str(error.value)
    assert "\n" not in str(error.value)


def test_a_bad_creation_limit_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "YOUTUBE_PLAYLIST_CREATES_PER_DAY": "-1",
        "PLAYLIST_SYNC_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "starter.py"), "stack", "status"],
        env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: invalid YOUTUBE_PLAYLIST_CREATES_PER_DAY: Input should be greater than 0"
    )


def test_a_password_in_a_database_url_is_masked() -> None:
    assert without_password("postgresql://app:s3cret@db:5432/x") == "postgresql://app:***@db:5432/x"
    assert without_password("postgresql://app@db/x") == "postgresql://app@db/x"
    assert without_password("postgresql:///x?host=/tmp/pg") == "postgresql:///x?host=/tmp/pg"


async def test_stack_up_prints_no_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async def up(settings: object) -> local_stack.StackStatus:
        return local_stack.StackStatus(
            database_url="postgresql://app:s3cret@db:5432/x",
            temporal_address="localhost:7233",
            temporal_ui_url="http://localhost:8233",
            running=True,
        )

    monkeypatch.setattr(local_stack, "up", up)
    args = argparse.Namespace(action="up")
    assert await stack_commands.run(args, load_settings()) == 0
    shown = capsys.readouterr().out
    assert "s3cret" not in shown
    assert "postgresql://app:***@db:5432/x" in shown


def test_cli_reports_bad_configuration_in_one_line_and_exit_2(tmp_path: Path) -> None:
    env = {**os.environ, "QUOTA_RESET": "every:soon", "PLAYLIST_SYNC_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "starter.py"), "stack", "status"],
        env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "QUOTA_RESET" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "postgres").exists()
