"""Random small libraries shaped for what a sync must get right: categories that adopt an old
playlist (trimmed, reordered, grown), videos that cross from one playlist to another, old
playlists deleted, one kept, and a deleted video left where it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from tests.sync.world import library


@dataclass(frozen=True)
class Shape:
    playlists: dict[str, list[str]]  # old playlists by title, with their videos in order
    categories: dict[str, list[str]]  # category name -> its videos in order (explicit ids)
    kept: tuple[str, ...]  # old playlists under keep_playlists
    deleted: tuple[str, ...]  # videos YouTube shows as deleted

    def seed(self) -> dict[str, Any]:
        return library(self.playlists, deleted=self.deleted)

    def categories_yaml(self) -> str:
        lines = ["categories:"]
        for name, videos in self.categories.items():
            lines += [f"  - name: {name}", f"    videos: [{', '.join(videos)}]"]
        if self.kept:
            lines.append(f"keep_playlists: [{', '.join(self.kept)}]")
        return "\n".join(lines) + "\n"

    def videos(self) -> list[str]:
        """Every video of the library (each is in some old playlist)."""
        return list(dict.fromkeys(v for items in self.playlists.values() for v in items))

    def wanted(self) -> dict[str, list[str]]:
        """Each category's videos as YouTube must end up holding them (deleted ones left out)."""
        return {
            name: [v for v in videos if v not in self.deleted]
            for name, videos in self.categories.items()
        }

    def wanted_videos(self) -> set[str]:
        """Available videos some category wants (every video here is in some old playlist)."""
        return {v for videos in self.wanted().values() for v in videos}

    def describe(self) -> str:
        return (
            f"playlists {self.playlists}, categories {self.categories}, kept {list(self.kept)},"
            f" deleted {list(self.deleted)}"
        )


def video_id(n: int) -> str:
    return f"mdl{n:09d}"


@st.composite
def shapes(draw: st.DrawFn) -> Shape:
    count = draw(st.integers(6, 12))
    pool = [video_id(n) for n in range(count)]
    old_count = draw(st.integers(2, 4))
    playlists: dict[str, list[str]] = {}
    for index in range(old_count):
        items = draw(st.lists(st.sampled_from(pool), min_size=2, max_size=6, unique=True))
        playlists[f"Shelf {index + 1}"] = items
    # Every video of the library is in some old playlist (the library is what they hold).
    held = [v for items in playlists.values() for v in items]
    titles = list(playlists)
    categories: dict[str, list[str]] = {}
    bases = draw(st.permutations(titles))
    for index in range(draw(st.integers(1, min(3, old_count)))):
        base = playlists[bases[index]]
        # Adoption: the base trimmed (removals) ...
        kept_items = [v for v in base if draw(st.booleans()) or len(base) <= 2]
        # ... grown with videos of other playlists (cross-playlist moves) ...
        for _ in range(draw(st.integers(0, 2))):
            incoming = draw(st.sampled_from(held))
            if incoming not in kept_items:
                kept_items.insert(draw(st.integers(0, len(kept_items))), incoming)
        # ... and reordered (moves).
        if len(kept_items) >= 2 and draw(st.booleans()):
            i, j = (
                draw(st.integers(0, len(kept_items) - 1)),
                draw(st.integers(0, len(kept_items) - 1)),
            )
            kept_items[i], kept_items[j] = kept_items[j], kept_items[i]
        if kept_items:
            categories[f"Topic {index + 1}"] = kept_items
    if not categories:
        categories["Topic 1"] = [held[0]]
    unadopted = [t for t in titles if t not in bases[: len(categories)]]
    kept = (draw(st.sampled_from(unadopted)),) if unadopted and draw(st.booleans()) else ()
    deleted: tuple[str, ...] = ()
    if draw(st.booleans()):
        candidate = draw(st.sampled_from(held))
        # Every category keeps a video someone can watch (else it would be an empty category).
        if all([v for v in videos if v != candidate] for videos in categories.values()):
            deleted = (candidate,)
    return Shape(playlists, categories, kept, deleted)
