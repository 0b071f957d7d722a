"""Where commands write: rich on stdout, which degrades to plain text when it is not a terminal.

CI and `make demo` without a TTY get no colours, no cursor movement and no live redraws; the
commands check `is_terminal` before they animate anything.
"""

from __future__ import annotations

from rich.console import Console


def stdout_console() -> Console:
    # No highlighting: numbers and ids in our messages must read the same as in the JSON.
    # Soft wrap: a sentence stays one line (a log or a grep sees it whole, links unbroken);
    # tables still fit the width.
    return Console(highlight=False, soft_wrap=True)
