"""Configuration is read from the environment and `.env`, and bad values are one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from playlist_sync.config import ConfigError, load_settings
from playlist_sync.quota_windows import QuotaReset

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_are_the_contract(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "TEMPORAL_ADDRESS", "QUOTA_RESET", "YOUTUBE_DAILY_QUOTA"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.database_url is None
    assert settings.temporal_address == "localhost:7233"
    assert settings.temporal_task_queue == "playlist-sync"
    assert settings.youtube_daily_quota == 10_000
    assert settings.quota_reset == QuotaReset()


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
