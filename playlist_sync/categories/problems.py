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
    # A warning is shown with the file's problems but does not stop it being applied.
    warning: bool = False

    def describe(self, source: str) -> str:
        """`categories.yaml:14: categories[2].videos[5]: ...`, as compilers print it."""
        where = f"{source}:{self.line}" if self.line else source
        path = format_location(self.location)
        message = f"warning: {self.message}" if self.warning else self.message
        return f"{where}: {path}: {message}" if path else f"{where}: {message}"


class CategoriesInvalid(Exception):
    """The file cannot be applied; `problems` lists every reason (and any warning, each
    marked as such), and nothing was written."""

    def __init__(self, problems: list[str], *, errors: int | None = None) -> None:
        self.problems = problems
        count = len(problems) if errors is None else errors
        # What looking up its videos on YouTube cost, if it was done (set by apply).
        self.lookup_note: str | None = None
        super().__init__(
            f"the categories file has {count} problem{'s' if count != 1 else ''};"
            " nothing was written"
        )
