"""The bench's table: printed with rich, and written as markdown for the README."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table


@dataclass(frozen=True)
class Row:
    number: str  # the brief's row: "1", "2", ...
    measure: str
    result: str  # the number with its unit
    setup: str  # what was measured, how


def print_table(rows: list[Row], machine: str, seconds: float) -> None:
    table = Table(title="playlist-sync bench", caption=f"{machine}; bench took {seconds:.0f} s")
    table.add_column("#", justify="right")
    table.add_column("measure")
    table.add_column("result", justify="right")
    table.add_column("setup")
    for row in rows:
        table.add_row(row.number, row.measure, row.result, row.setup)
    Console(width=160).print(table)


def write_markdown(rows: list[Row], machine: str, seconds: float, path: Path) -> None:
    lines = [
        "# playlist-sync bench",
        "",
        "`make bench` (`.venv/bin/python -m bench`); every number below comes from one run",
        "against services the bench started itself (embedded Postgres, Temporal dev server,",
        "the YouTube emulator in-process).",
        "",
        "| # | measure | result | setup |",
        "|---|---|--:|---|",
        *(
            f"| {r.number} | {_cell(r.measure)} | {_cell(r.result)} | {_cell(r.setup)} |"
            for r in rows
        ),
        "",
        f"Machine: {machine}. The bench took {seconds:.0f} s.",
        "",
    ]
    path.write_text("\n".join(lines))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
