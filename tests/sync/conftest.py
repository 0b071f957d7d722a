"""Fixtures for sync tests: a library with old playlists, unavailable videos and a kept one."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sync.world import library, videos

RECIPES = videos("rcp", 30)
DINNERS = videos("rcp", 40)[20:] + videos("din", 15)
GUITAR = videos("gtr", 25)
KEEP = videos("kep", 5)
DELETED, PRIVATE = "rcp000000004", "gtr000000007"

CATEGORIES = """
categories:
  - name: Cooking
    description: what's for dinner
    videos: [din000000003, din000000001]
    from_playlists: [Recipes, Dinners]
  - name: Guitar & Bass
    from_playlists: [Guitar]
  - name: Short list
    videos: [rcp000000000, gtr000000000, kep000000000]
keep_playlists: [Keep me]
"""


def in_category_order(*sources: list[str]) -> list[str]:
    """The contract's order: sources in turn, duplicates dropped, unavailable videos left out."""
    seen = dict.fromkeys(v for source in sources for v in source)
    return [v for v in seen if v not in (DELETED, PRIVATE)]


EXPECTED = {
    "Cooking": in_category_order(["din000000003", "din000000001"], RECIPES, DINNERS),
    "Guitar & Bass": in_category_order(GUITAR),
    "Short list": in_category_order(["rcp000000000", "gtr000000000", "kep000000000"]),
    "Keep me": KEEP,
}


@pytest.fixture
def seed() -> dict[str, Any]:
    return library(
        {
            "Recipes": RECIPES,
            "Dinners": DINNERS,
            "Guitar": GUITAR,
            "Keep me": KEEP,
            "Misc": RECIPES[:3] + GUITAR[:3],
        },
        deleted=(DELETED,),
        private=(PRIVATE,),
    )
