"""The embedded stack's Web UI, in headless Chromium, lists a running sync by its id and type."""

from __future__ import annotations

import asyncio
import html
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from temporalio.client import Client

from playlist_sync.temporal_client import data_converter
from tests.cli.conftest import (
    CliWorld,
    slow_youtube,
    small_library,
    starter,
    user_environment,
)
from tests.ports import free_port_pair
from tests.sync.world import sync_world

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


async def rendered_page(browser: str, url: str, profile: Path) -> str:
    """The page's DOM after its scripts ran (the UI is a single-page app)."""
    process = await asyncio.create_subprocess_exec(
        browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
        "--dump-dom", "--virtual-time-budget=15000", url,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0
    return out.decode()


def table_rows(dom: str) -> list[str]:
    """Each <tr> of the page as its visible text."""
    rows = re.findall(r"<tr\b.*?</tr>", dom, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


async def test_the_web_ui_lists_the_running_sync(database_url: str, tmp_path: Path) -> None:
    browser = chromium()
    port = free_port_pair()
    data = tmp_path / "data"
    env = user_environment(
        DATABASE_URL=database_url,
        PLAYLIST_SYNC_DATA_DIR=str(data),
        TEMPORAL_ADDRESS=f"127.0.0.1:{port}",
    )
    up = await starter(env, "stack", "up", cwd=tmp_path)
    assert up.code == 0, up.err
    try:
        client = await Client.connect(f"127.0.0.1:{port}", data_converter=data_converter)
        async with sync_world(
            seed=small_library(videos_per_playlist=40),
            client=client,
            database_url=database_url,
            data_dir=data,
        ) as world:
            cli = CliWorld(world, tmp_path)
            await cli.ready_to_sync()
            slow_youtube(cli)
            async with world.worker():
                started = await cli.run("sync", "--json")
                workflow_id = json.loads(started.out)["workflowId"]
                # Paused, so it is still running while the browser looks.
                assert (await cli.run("pause")).code == 0

                ui = f"http://127.0.0.1:{port + 1000}"
                dom = await rendered_page(
                    browser, f"{ui}/namespaces/default/workflows", tmp_path / "profile"
                )
                rows = [row for row in table_rows(dom) if workflow_id in row]
                assert rows, f"{workflow_id} not in the workflow list: {table_rows(dom)}"
                assert "Running" in rows[0] and "PlaylistSync" in rows[0], rows[0]

                # The link `status` prints is that workflow's page in this UI. (Its page is
                # not rendered here: for a running workflow it long-polls the history, so
                # the headless browser's virtual time never runs out.)
                status = await cli.run("status")
                link = re.search(r"Web UI: (\S+)", status.out).group(1)  # type: ignore[union-attr]
                assert link == f"{ui}/namespaces/default/workflows/{workflow_id}"

                assert (await cli.run("cancel")).code == 0
    finally:
        down = await starter(env, "stack", "down", cwd=tmp_path)
        assert down.code == 0, down.err
