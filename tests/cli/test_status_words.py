"""`status` and `status --follow` say the same from one look: that no worker polls, the quota,
skips as skips (once) and errors as errors."""

from __future__ import annotations

import asyncio
import re

from tests.cli.conftest import DELETED, CliWorld, start_starter


async def _until_line(stream: asyncio.StreamReader, text: str, within: float = 30) -> list[str]:
    """The lines read up to the first holding `text`."""
    lines: list[str] = []
    async with asyncio.timeout(within):
        while not lines or text not in lines[-1]:
            line = await stream.readline()
            assert line, f"{text!r} never came; the output:\n" + "\n".join(lines)
            lines.append(line.decode().rstrip("\n"))
    return lines


async def test_status_and_follow_agree_and_say_no_worker_polls(cli_world: CliWorld) -> None:
    await cli_world.ready_to_sync()
    n = await cli_world.start_sync()
    no_worker = (
        f"no worker is polling the task queue {cli_world.world.task_queue!r}: start `worker.py`"
    )

    follow = await start_starter(cli_world.env, "status", str(n), "--follow", cwd=cli_world.cwd)
    assert follow.stdout is not None
    try:
        # Said within a few seconds of the sync waiting, by both.
        seen = await _until_line(follow.stdout, no_worker, within=20)
        assert seen[-1].startswith(f"sync {n}: Waiting for a worker to start it"), seen
        status = await cli_world.run("status", str(n))
        assert f"  {no_worker}" in status.out.splitlines(), status.out

        async with cli_world.world.worker():
            seen = await _until_line(follow.stdout, f"Sync {n} completed:", within=60)
            out, err = await asyncio.wait_for(follow.communicate(), 30)
    finally:
        if follow.returncode is None:
            follow.kill()
    assert follow.returncode == 0, err.decode()
    report = "\n".join(seen) + out.decode()
    status = (await cli_world.run("status", str(n))).out
    assert no_worker not in status

    # The same quota in both, from the ledger.
    last = next(line for line in reversed(seen) if line.startswith(f"sync {n}: Sync complete"))
    quota = re.search(r"quota ([\d,]+)/[\d,]+ this window, ([\d,]+) by the sync", last)
    assert quota is not None, last
    window, by_sync = quota.groups()
    assert f"quota used by this sync: {by_sync} units" in status, status
    assert f"this window: {window} of " in status, status

    # The deleted video is skipped, said once as a skip; no error.
    assert "0 errors, 1 skipped" in last, last
    assert f"  skipped (YouTube cannot add them): 1\n    {DELETED}: skipped in 'Cooking'" in status
    assert "  errors: none" in status, status
    assert "Skipped 1 unavailable video (deleted or private), 0 failed." in report, report
