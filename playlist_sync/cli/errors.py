"""Errors the CLI turns into one line on stderr and an exit code (contract: 2 bad input, 1 other)."""

from __future__ import annotations


class CliError(Exception):
    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class BadInput(CliError):
    """The user's input or request is refused; nothing was changed."""


class ServiceUnavailable(CliError):
    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=1)
