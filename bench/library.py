"""The library a bench syncs: N old playlists of M videos, reorganised into N new categories.

Category i takes the videos of old playlist i in order, so the sync's writes are exactly
N playlists created, N x M videos added and N old playlists deleted, and a plain script can
make the same calls without reading anything first.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import yaml

WRITE_COST = 50


@dataclass(frozen=True)
class BenchLibrary:
    categories: dict[str, list[str]]  # new playlist title -> its videos, in order
    old_playlists: dict[str, str]  # old playlist id -> title

    @property
    def videos(self) -> int:
        return sum(len(v) for v in self.categories.values())

    @property
    def writes(self) -> int:
        return len(self.categories) + self.videos + len(self.old_playlists)

    @property
    def necessary_units(self) -> int:
        return WRITE_COST * self.writes

    def seed(self) -> dict[str, Any]:
        """The emulator's seed: the old playlists holding every video."""
        items = list(self.categories.values())
        return {
            "channel": {"id": "UCbenchchannel00000000000", "title": "Bench Channel"},
            "videos": [
                {"id": v, "title": f"Video {v}", "channelTitle": "Someone", "status": "public"}
                for videos in items
                for v in videos
            ],
            "playlists": [
                {
                    "id": playlist_id,
                    "title": title,
                    "description": "",
                    "privacyStatus": "private",
                    "items": videos,
                }
                for (playlist_id, title), videos in zip(
                    self.old_playlists.items(), items, strict=True
                )
            ],
        }

    def categories_yaml(self) -> str:
        old_titles = list(self.old_playlists.values())
        return yaml.safe_dump(
            {
                "categories": [
                    {"name": name, "from_playlists": [old]}
                    for name, old in zip(self.categories, old_titles, strict=True)
                ]
            }
        )


def bench_library(categories: int, per_category: int) -> BenchLibrary:
    return BenchLibrary(
        categories={
            f"Category {c:03d}": [f"b{c:03d}v{n:07d}" for n in range(per_category)]
            for c in range(categories)
        },
        old_playlists={f"PLbenchold{c:022d}": f"Old {c:03d}" for c in range(categories)},
    )


@dataclass(frozen=True)
class Mismatches:
    """How far YouTube's final state is from the categories (all zero when the sync is right)."""

    duplicates: int = 0
    missing: int = 0
    extra: int = 0
    misordered: int = 0
    playlists: int = 0  # category playlists missing or doubled, old ones not deleted

    @property
    def total(self) -> int:
        return self.duplicates + self.missing + self.extra + self.misordered + self.playlists

    def describe(self) -> str:
        return (
            f"dup {self.duplicates} · missing {self.missing} · extra {self.extra} · "
            f"order {self.misordered} · playlists {self.playlists}"
        )


def compare(state: dict[str, Any], library: BenchLibrary) -> Mismatches:
    """Compare the emulator's `GET /_emulator/state` with what the sync should have made."""
    titles = Counter(p["title"] for p in state["playlists"])
    playlists = sum(abs(titles[title] - 1) for title in library.categories)
    playlists += sum(1 for p in state["playlists"] if p["id"] in library.old_playlists)
    found = {
        p["title"]: [i["videoId"] for i in sorted(p["items"], key=lambda i: i["position"])]
        for p in state["playlists"]
    }
    duplicates = missing = extra = misordered = 0
    for title, expected in library.categories.items():
        actual = found.get(title, [])
        counts = Counter(actual)
        duplicates += sum(n - 1 for n in counts.values() if n > 1)
        missing += sum(1 for v in expected if v not in counts)
        wanted = set(expected)
        extra += sum(1 for v in counts if v not in wanted)
        first_seen = [v for v in dict.fromkeys(actual) if v in wanted]
        in_order = [v for v in expected if v in counts]
        misordered += sum(1 for a, b in zip(first_seen, in_order, strict=True) if a != b)
    return Mismatches(duplicates, missing, extra, misordered, playlists)
