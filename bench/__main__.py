"""`make bench`: start the services, run every scenario, print the table, write results.md.

.venv/bin/python -m bench [--quick] [--only NAME ...] [--output PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
import traceback
from pathlib import Path

from bench.machine import describe_machine
from bench.report import Row, print_table, write_markdown
from bench.scenarios import (
    Scenario,
    history_size,
    idle_worker,
    quota_faults,
    quota_windows,
    reconcile,
    restore_writes,
    side_by_side,
    wall_time,
)
from bench.stack import bench_stack

SCENARIOS: dict[str, Scenario] = {
    "wall-time": wall_time.run,
    "history": history_size.run,
    "faults": quota_faults.run,
    "windows": quota_windows.run,
    "idle-worker": idle_worker.run,
    "reconcile": reconcile.run,
    "restore": restore_writes.run,
    "side-by-side": side_by_side.run,
}


async def run(names: list[str], quick: bool) -> list[Row]:
    rows: list[Row] = []
    async with bench_stack() as stack:
        for name in names:
            began = time.perf_counter()
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            try:
                rows += await SCENARIOS[name](stack, quick)
            except Exception as error:
                # One broken scenario must not cost the numbers of the others.
                traceback.print_exc()
                rows.append(Row("!", f"{name} failed", type(error).__name__, str(error)[:200]))
            print(f"bench: {name} took {time.perf_counter() - began:.0f} s", file=sys.stderr)
    return sorted(rows, key=lambda row: row.number)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller libraries, for iterating")
    parser.add_argument("--only", nargs="+", choices=list(SCENARIOS), default=list(SCENARIOS))
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "results.md")
    parser.add_argument("--verbose", action="store_true", help="show the app's warnings")
    args = parser.parse_args()
    logging.basicConfig(
        level=logging.WARNING if args.verbose else logging.ERROR,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    began = time.perf_counter()
    rows = asyncio.run(run(args.only, args.quick))
    seconds = time.perf_counter() - began
    machine = describe_machine()
    print_table(rows, machine, seconds)
    write_markdown(rows, machine, seconds, args.output)
    print(f"bench: wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
