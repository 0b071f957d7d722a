"""`make setup` installs the versions CI tested: requirements.lock pins every dependency of
pyproject.toml within its range, with hashes, and the environment running these tests holds
exactly what it pins. A dependency added to pyproject.toml without `make lock` fails here, not
on a user's fresh machine."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\]+)(?: ; (.+?))?(?: \\)?$", re.M)


def pins(lock: str) -> dict[str, tuple[str, str | None]]:
    """name -> (version, environment marker) of each package a lock file pins."""
    return {
        canonicalize_name(name): (pinned, marker)
        for name, pinned, marker in _PIN.findall((ROOT / lock).read_text())
    }


def test_every_dependency_is_locked_within_its_range() -> None:
    locked = pins("requirements.lock")
    for spec in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["test"]:
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in requirements.lock: run `make lock`"
        assert requirement.specifier.contains(locked[name][0], prereleases=True), (
            f"requirements.lock pins {name}=={locked[name][0]} outside {spec}: run `make lock`"
        )


def test_every_pin_has_a_hash() -> None:
    for lock in ("requirements.lock", "requirements-runtime.lock"):
        entries = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / lock).read_text())
        unhashed = [e.split()[0] for e in entries if "==" in e and "--hash=sha256:" not in e]
        assert not unhashed, f"{lock}: no hash for {unhashed}"


def test_the_tested_environment_is_the_locked_one() -> None:
    for name, (pinned, marker) in pins("requirements.lock").items():
        if marker and not Marker(marker).evaluate():
            continue
        try:
            installed = version(name)
        except PackageNotFoundError:
            raise AssertionError(f"{name}=={pinned} is locked but not installed") from None
        assert installed == pinned, f"{name}: {installed} installed, {pinned} locked"


def test_the_docker_image_locks_the_same_versions() -> None:
    runtime, full = pins("requirements-runtime.lock"), pins("requirements.lock")
    assert {canonicalize_name(Requirement(spec).name) for spec in PROJECT["dependencies"]} <= set(
        runtime
    )
    assert {name: pin[0] for name, pin in runtime.items()} == {
        name: full[name][0] for name in runtime
    }
