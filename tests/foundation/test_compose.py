"""docker-compose.yml is wired so that `docker compose up` brings up a working deployment.

No Docker engine runs here, so this checks what can be checked without one: the wiring.
"""

from __future__ import annotations

from pathlib import Path

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
    env = SERVICES["worker"]["environment"]
    settings = Settings.model_validate(env)
    assert settings.temporal_address == "temporal:7233"
    host_db = env["DATABASE_URL"].split("@")[1].split(":")[0]
    assert host_db in SERVICES
    assert settings.temporal_address.split(":")[0] in SERVICES
    assert SERVICES["worker"]["build"] == "."
    assert (ROOT / "Dockerfile").exists()


def test_ports_match_the_contract() -> None:
    assert "7233:7233" in SERVICES["temporal"]["ports"]
    assert "8233:8080" in SERVICES["temporal-ui"]["ports"]
    assert SERVICES["temporal-ui"]["environment"]["TEMPORAL_ADDRESS"] == "temporal:7233"


def test_setup_registers_the_sync_search_attributes() -> None:
    script = (ROOT / "deploy" / "temporal-setup.sh").read_text()
    assert "SyncStage=Keyword" in script and "SyncJobId=Int" in script
    for service in ("temporal-schema", "temporal-setup"):
        mounted = SERVICES[service]["volumes"][0].split(":")[0]
        entry = SERVICES[service]["entrypoint"][-1].replace("/deploy", mounted)
        assert (ROOT / entry).exists(), entry
