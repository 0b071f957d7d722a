"""docker-compose.yml is wired so that `docker compose up` brings up a working deployment.

No Docker engine runs here, so this checks what can be checked without one: the wiring.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from playlist_sync.config import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_has_the_services_a_deployment_needs() -> None:
    assert {"temporal-db", "temporal-schema", "temporal", "temporal-setup", "temporal-ui"} <= set(
        SERVICES
    )
    assert {"app-db", "worker"} <= set(SERVICES)
    assert SERVICES["temporal"]["image"].startswith("temporalio/server:")
    assert all("auto-setup" not in s.get("image", "") for s in SERVICES.values())


def test_startup_order_schema_then_server_then_namespace_then_worker() -> None:
    assert SERVICES["temporal"]["depends_on"]["temporal-schema"]["condition"] == (
        "service_completed_successfully"
    )
    assert SERVICES["temporal-setup"]["depends_on"]["temporal"]["condition"] == "service_healthy"
    worker_deps = SERVICES["worker"]["depends_on"]
    assert worker_deps["temporal-setup"]["condition"] == "service_completed_successfully"
    assert worker_deps["app-db"]["condition"] == "service_healthy"


def test_worker_environment_is_valid_configuration() -> None:
    raw = (ROOT / "docker-compose.yml").read_text()
    passwords = {"TEMPORAL_DB_PASSWORD": "t", "APP_DB_PASSWORD": "a"}
    env = yaml.safe_load(_interpolate(raw, passwords))["services"]["worker"]["environment"]
    settings = Settings.model_validate(env)
    assert settings.temporal_address == "temporal:7233"
    host_db = env["DATABASE_URL"].split("@")[1].split(":")[0]
    assert host_db in SERVICES
    assert settings.temporal_address.split(":")[0] in SERVICES
    assert SERVICES["worker"]["build"] == "."
    assert (ROOT / "Dockerfile").exists()


def test_ports_match_the_contract_on_the_loopback_only() -> None:
    assert SERVICES["temporal"]["ports"] == ["127.0.0.1:7233:7233"]
    assert SERVICES["temporal-ui"]["ports"] == ["127.0.0.1:8233:8080"]
    assert SERVICES["temporal-ui"]["environment"]["TEMPORAL_ADDRESS"] == "temporal:7233"
    # Nothing else is published; the app's Postgres least of all.
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"temporal", "temporal-ui"}
    for service in SERVICES.values():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), port


# `${VAR:?message}` (required) and `${VAR:-default}`, as compose interpolates them.
_VARIABLE = re.compile(r"\$\{(\w+)(?::([?-])([^}]*))?\}")


def _interpolate(text: str, env: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name, kind, rest = match.groups()
        if env.get(name):
            return env[name]
        if kind == "?":
            raise KeyError(f"{name}: {rest}")
        return rest or ""

    return _VARIABLE.sub(value, text)


def _env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if "=" in line and not line.startswith("#")]
    return {name.strip(): value.strip() for name, value in pairs}


def test_passwords_come_from_the_environment() -> None:
    raw = (ROOT / "docker-compose.yml").read_text()
    # No password is written in the file: each is a required variable.
    assert "POSTGRES_PASSWORD: temporal" not in raw and "playlist_sync:playlist_sync@" not in raw
    for service in ("temporal-db", "app-db"):
        assert SERVICES[service]["environment"]["POSTGRES_PASSWORD"].startswith("${")
    required = set(re.findall(r"\$\{(\w+):\?", raw))
    assert required == {"TEMPORAL_DB_PASSWORD", "APP_DB_PASSWORD"}
    # .env.example names each of them, with no value: the user sets their own.
    example = _env_example()
    assert required <= set(example)
    assert all(example[name] == "" for name in required)
    # Compose refuses to start without them, saying which one and where to look.
    with pytest.raises(KeyError, match=r"APP_DB_PASSWORD.*env\.example"):
        _interpolate(raw, {"TEMPORAL_DB_PASSWORD": "t"})


def test_the_apps_password_reaches_the_worker() -> None:
    raw = (ROOT / "docker-compose.yml").read_text()
    env = {"TEMPORAL_DB_PASSWORD": "temporal-pw", "APP_DB_PASSWORD": "app-pw_1.x"}
    services = yaml.safe_load(_interpolate(raw, env))["services"]
    settings = Settings.model_validate(services["worker"]["environment"])
    assert settings.database_url is not None
    url = urlparse(settings.database_url)
    assert (url.username, url.password, url.hostname) == ("playlist_sync", "app-pw_1.x", "app-db")
    assert services["app-db"]["environment"]["POSTGRES_PASSWORD"] == "app-pw_1.x"
    assert services["temporal-db"]["environment"]["POSTGRES_PASSWORD"] == "temporal-pw"
    assert services["temporal"]["environment"]["POSTGRES_PWD"] == "temporal-pw"
    assert settings.youtube_playlist_creates_per_day == 10


def test_the_readme_says_how_to_put_the_web_ui_behind_a_login() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "The Temporal Web UI behind a login" in readme
    section = readme.split("The Temporal Web UI behind a login", 1)[1][:4000]
    assert "127.0.0.1" in section and "TEMPORAL_AUTH_ENABLED" in section


def test_setup_registers_the_sync_search_attributes() -> None:
    script = (ROOT / "deploy" / "temporal-setup.sh").read_text()
    assert "SyncStage=Keyword" in script and "SyncJobId=Int" in script
    for service in ("temporal-schema", "temporal-setup"):
        mounted = SERVICES[service]["volumes"][0].split(":")[0]
        entry = SERVICES[service]["entrypoint"][-1].replace("/deploy", mounted)
        assert (ROOT / entry).exists(), entry
