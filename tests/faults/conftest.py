"""The fault-injection suite syncs the library of the sync tests (tests/sync/conftest.py)."""

from __future__ import annotations

import pytest

from playlist_sync.reconcile.assignment import Strategy
from tests.sync.conftest import seed

__all__ = ["seed"]


@pytest.fixture(params=[Strategy.REUSE, Strategy.RECREATE], ids=["reuse", "recreate"])
def strategy(request: pytest.FixtureRequest) -> Strategy:
    """Both strategies: adopting and editing old playlists under a fault, and the seed's plan."""
    value: Strategy = request.param
    return value
