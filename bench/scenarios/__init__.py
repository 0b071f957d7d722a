"""One module per measurement; each `run(stack, quick)` returns its rows of the table."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bench.report import Row
from bench.stack import BenchStack

Scenario = Callable[[BenchStack, bool], Awaitable[list[Row]]]
