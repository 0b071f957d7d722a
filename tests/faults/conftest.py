"""The fault-injection suite syncs the library of the sync tests (tests/sync/conftest.py)."""

from __future__ import annotations

from tests.sync.conftest import seed

__all__ = ["seed"]
