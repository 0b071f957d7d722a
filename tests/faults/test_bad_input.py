"""What the user gets for bad input: exit 2 (1 for a service that cannot be reached), one line
on stderr saying what is wrong, no traceback, and nothing written."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from playlist_sync.db.connection import ensure_database, with_database
from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.youtube.credentials import token_path
from tests.faults.checks import database_dump
from tests.faults.starter_runs import Ran, starter
from tests.sync.world import SyncWorld, categorised_world, library, videos

RECIPES, TWINS, OTHER_TWINS = videos("rcp", 5), videos("twa", 2), videos("twb", 2)
HUGE = 5_001


def bad_input_library() -> dict[str, Any]:
    seed = library({"Recipes": RECIPES, "Twins": TWINS}, extra_videos=tuple(OTHER_TWINS))
    twin = {**seed["playlists"][1], "id": "PLtwinsecond00000000000000000000", "items": OTHER_TWINS}
    seed["playlists"].append(twin)  # two playlists titled "Twins"
    return seed


VALID = "categories:\n  - name: Cooking\n    from_playlists: [Recipes]\n"


@dataclass
class Shelf:
    """A library imported and categorised, which the bad inputs below must leave as it is."""

    world: SyncWorld
    cwd: Path

    @property
    def env(self) -> dict[str, str]:
        return self.world.environment()

    async def refused(
        self,
        *args: str,
        code: int = 2,
        env: dict[str, str] | None = None,
        problems: int = 0,
        charged: bool = False,
    ) -> Ran:
        """Runs `starter.py ARGS` and checks the refusal; `problems`: lines a categories
        file's check lists (compiler style, `FILE:LINE: ...`) before the one error line.
        `charged`: it asked YouTube, so the quota ledger counts that call (nothing else)."""
        before = _without_ledger(await database_dump(self.world.pool), charged)
        ran = await starter(env or self.env, *args, cwd=self.cwd)
        shown = f"exit {ran.code}\nstdout: {ran.out}\nstderr: {ran.err}"
        assert ran.code == code, shown
        assert "Traceback" not in ran.out + ran.err, shown
        assert len(ran.err_lines) == problems + 1, shown
        assert ran.err_lines[-1].startswith("error: "), shown
        after = _without_ledger(await database_dump(self.world.pool), charged)
        assert after == before, "something was written"
        print(f"README| {' '.join(args)} | {' / '.join(ran.err_lines)} |")
        return ran


def _without_ledger(dump: dict[str, str], charged: bool) -> dict[str, str]:
    ledger = ("quota_windows", "quota_events") if charged else ()
    return {table: rows for table, rows in dump.items() if table not in ledger}


@pytest.fixture(scope="module")
async def shelf(
    postgres_server_url: str,
    migrated_template: str,
    dev_server_env: WorkflowEnvironment,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Shelf]:
    """One world for every read-only refusal of this module (each checks it changed nothing)."""
    name = f"faults_bad_input_{os.getpid()}"
    await ensure_database(postgres_server_url, name, template=migrated_template)
    folder = tmp_path_factory.mktemp("bad-input")
    async with categorised_world(
        dev_server_env.client, with_database(postgres_server_url, name), folder,
        bad_input_library(), categories=VALID, strategy=Strategy.RECREATE,
    ) as world:  # fmt: skip
        # A playlist of 5,001 videos, as an import of it would leave it (importing that many
        # through the paced client takes seconds for nothing this module tests).
        await world.pool.execute(
            """WITH v AS (
                   INSERT INTO videos (youtube_video_id, title)
                   SELECT 'huge' || lpad(n::text, 8, '0'), 'Huge ' || n
                   FROM generate_series(0, $1 - 1) n RETURNING id, youtube_video_id),
               p AS (
                   INSERT INTO playlists (youtube_playlist_id, title, item_count)
                   VALUES ('PLhuge00000000000000000000000000', 'Huge', $1) RETURNING id)
               INSERT INTO playlist_videos (playlist_id, position, video_id)
               SELECT p.id, row_number() OVER (ORDER BY v.youtube_video_id) - 1, v.id
               FROM p, v""",
            HUGE,
        )
        yield Shelf(world, folder)


# -- categories files --------------------------------------------------------------------------

LONG = "x" * 151
CATEGORY_FILES = {
    "malformed YAML": ("categories:\n  - name: [Cooking\n", "YAML"),
    "duplicate category names": (
        "categories:\n  - name: Cooking\n    videos: [rcp000000000]\n"
        "  - name: Cooking\n    videos: [rcp000000001]\n",
        "duplicate category name 'Cooking'",
    ),
    "unknown video id": (
        "categories:\n  - name: Cooking\n    videos: [nope00000000]\n",
        "unknown video id 'nope00000000'",
    ),
    "from_playlists title shared by two playlists": (
        "categories:\n  - name: Pairs\n    from_playlists: [Twins]\n",
        "2 imported playlists are titled 'Twins'",
    ),
    "empty name": ('categories:\n  - name: ""\n    videos: [rcp000000000]\n', "needs a name"),
    "151-character name": (
        f"categories:\n  - name: {LONG}\n    videos: [rcp000000000]\n",
        "over 150 characters",
    ),
    "name with < or >": (
        "categories:\n  - name: Cooking <best>\n    videos: [rcp000000000]\n",
        "'<' or '>'",
    ),
    "category over 5,000 videos": (
        "categories:\n  - name: Everything\n    from_playlists: [Huge]\n",
        "at most 5,000",
    ),
    "empty category": ("categories:\n  - name: Nothing\n", "no videos"),
    "invalid regular expression": (
        "categories:\n  - name: Cooking\n    title_matches: '(recipe'\n",
        "not a valid regular expression: missing ), unterminated subpattern at position 0",
    ),
    "a channel the library does not have": (
        "categories:\n  - name: Cooking\n    channels: [Nobody]\n",
        "no video of channel 'Nobody' in the library",
    ),
    "privacy YouTube does not have": (
        "categories:\n  - name: Cooking\n    privacy: secret\n    videos: [rcp000000000]\n",
        "expected one of private, unlisted, public (got 'secret')",
    ),
}


@pytest.mark.parametrize("case", CATEGORY_FILES)
async def test_bad_categories_file_is_refused_and_nothing_written(shelf: Shelf, case: str) -> None:
    text, says = CATEGORY_FILES[case]
    path = shelf.cwd / f"{case.replace(' ', '-')}.yaml"
    path.write_text(text)
    # An id outside the library is asked of YouTube first, which says what that cost.
    charged = case == "unknown video id"
    ran = await shelf.refused(
        "categories", "apply", str(path), problems=2 if charged else 1, charged=charged
    )
    if charged:
        assert ran.err_lines[0] == (
            "Looked up 1 video outside the library on YouTube (0 found): 1 quota unit."
        )
    assert says in ran.err_lines[-2], ran.err
    assert ran.err_lines[-2].startswith(f"{path}:"), ran.err  # where: FILE:LINE


async def test_missing_categories_file_is_refused(shelf: Shelf) -> None:
    ran = await shelf.refused("categories", "apply", str(shelf.cwd / "nowhere.yaml"), problems=1)
    assert "nowhere.yaml" in ran.err


# -- client secrets ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "content", "says"),
    [
        ("missing", None, "not found"),
        ("not JSON", "client_id = abc\n", "not a client secrets JSON file"),
        ("JSON without installed", json.dumps({"other": {"client_id": "x"}}), "Desktop app"),
    ],
)
async def test_bad_client_secrets_are_refused_and_the_grant_kept(
    shelf: Shelf, case: str, content: str | None, says: str
) -> None:
    path = shelf.cwd / f"secrets-{case.replace(' ', '-')}.json"
    if content is not None:
        path.write_text(content)
    grant = token_path(shelf.world.settings.data_dir)
    before = grant.read_bytes()
    ran = await shelf.refused("auth", "--client-secrets", str(path))
    assert says in ran.err and str(path) in ran.err, ran.err
    assert grant.read_bytes() == before


# -- configuration and services -------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends


@pytest.mark.parametrize("args", [("sync",), ("preview", "--json")])
async def test_unreachable_postgres_exits_1_saying_where(shelf: Shelf, args: tuple[str]) -> None:
    data_dir = shelf.cwd / "unused-data-dir"
    env = {
        **shelf.env,
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{closed_port()}/playlist_sync",
        "PLAYLIST_SYNC_DATA_DIR": str(data_dir),
    }
    ran = await shelf.refused(*args, code=1, env=env)
    assert "Postgres" in ran.err and "127.0.0.1" in ran.err
    assert not data_dir.exists()


async def test_unreachable_temporal_exits_1_saying_where(shelf: Shelf) -> None:
    address = f"127.0.0.1:{closed_port()}"
    ran = await shelf.refused("sync", code=1, env={**shelf.env, "TEMPORAL_ADDRESS": address})
    assert "Temporal" in ran.err and address in ran.err


@pytest.mark.parametrize("value", ["hourly", "every:0s", "every:10"])
async def test_bad_quota_reset_is_refused(shelf: Shelf, value: str) -> None:
    ran = await shelf.refused("preview", env={**shelf.env, "QUOTA_RESET": value})
    assert "QUOTA_RESET" in ran.err


# -- requests the state of the sync refuses ---------------------------------------------------------

TINY = library({"Old": videos("old", 2)})
TINY_CATEGORIES = "categories:\n  - name: New\n    from_playlists: [Old]\n"


async def test_second_sync_while_one_runs_is_refused(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, TINY, categories=TINY_CATEGORIES, strategy=Strategy.RECREATE
    ) as world:  # fmt: skip
        shelf = Shelf(world, tmp_path)
        first = await starter(shelf.env, "sync", "--json", cwd=tmp_path)  # no worker: it waits
        assert first.code == 0, first.err
        started = json.loads(first.out)
        job, workflow_id = started["jobId"], started["workflowId"]
        try:
            ran = await shelf.refused("sync")
            assert f"sync {job} is still active" in ran.err and f"cancel {job}" in ran.err
            ran = await shelf.refused("categories", "apply", str(tmp_path / "any.yaml"))
            assert f"sync {job} is active" in ran.err
        finally:
            await world.client.get_workflow_handle(workflow_id).terminate("test over")


async def test_signals_to_a_finished_sync_are_refused(
    dev_server_env: WorkflowEnvironment, database_url: str, tmp_path: Path
) -> None:
    async with categorised_world(
        dev_server_env.client, database_url, tmp_path, TINY, categories=TINY_CATEGORIES, strategy=Strategy.RECREATE
    ) as world:  # fmt: skip
        shelf = Shelf(world, tmp_path)
        async with world.worker():
            job, handle = await world.start()
            assert (await handle.result()).stage == "completed"
            for action in ("pause", "resume", "cancel"):
                ran = await shelf.refused(action, str(job))
                assert ran.err == f"error: sync {job} already completed\n"
            ran = await shelf.refused("pause")
            assert f"no active sync (the latest, sync {job}, already completed)" in ran.err
        ran = await shelf.refused("resume", str(job + 500))
        assert f"no sync {job + 500}" in ran.err
