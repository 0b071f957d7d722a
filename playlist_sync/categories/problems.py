"""What is wrong with a categories file, each problem with where it is."""

from __future__ import annotations

from dataclasses import dataclass

Location = tuple[str | int, ...]


def format_location(location: Location) -> str:
    """`("categories", 2, "videos", 5)` -> `categories[2].videos[5]`, the path a user can follow."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


@dataclass(frozen=True)
class Problem:
    location: Location
    message: str
    line: int | None = None

    def describe(self, source: str) -> str:
        """`categories.yaml:14: categories[2].videos[5]: ...`, as compilers print it."""
        where = f"{source}:{self.line}" if self.line else source
        path = format_location(self.location)
        return f"{where}: {path}: {self.message}" if path else f"{where}: {self.message}"


class CategoriesInvalid(Exception):
    """The file cannot be applied; `problems` lists every reason, and nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        count = len(problems)
        super().__init__(
            f"the categories file has {count} problem{'s' if count != 1 else ''};"
            " nothing was written"
        )
