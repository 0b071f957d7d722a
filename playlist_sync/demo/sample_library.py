"""A sample YouTube library for the demo: a few hundred videos in a dozen messy playlists.

Deterministic (a fixed seed), so the demo shows the same numbers on every machine.
"""

from __future__ import annotations

import random
import string
from typing import Any

_ID_CHARS = string.ascii_letters + string.digits + "-_"

# Topic -> the old playlists its videos were scattered over.
_TOPICS = {
    "Cooking": ["Recipes", "Weeknight dinners", "Watch later"],
    "Guitar": ["Guitar lessons", "Music stuff", "Watch later"],
    "Running": ["Marathon training", "Fitness", "Watch later"],
    "Python": ["Programming", "Conference talks", "Watch later"],
    "Travel": ["Japan trip", "Vlogs", "Watch again"],
}
# Uploaded by "Tasty Lab" after the first sync: the demo saves it to "Watch later" on the phone,
# and a scheduled run puts it in Cooking (its `channels` rule).
NEW_VIDEO = "TastyLabNew"
_CHANNELS = ["Tasty Lab", "Fret Academy", "Road Runner", "PyCon", "Nomad Notes", "Daily Mix"]


def _video_id(rng: random.Random) -> str:
    return "".join(rng.choice(_ID_CHARS) for _ in range(11))


def sample_library(videos_per_topic: int = 60, seed: int = 7) -> dict[str, Any]:
    rng = random.Random(seed)
    videos: list[dict[str, str]] = []
    playlists: dict[str, list[str]] = {}
    for topic_index, (topic, homes) in enumerate(_TOPICS.items()):
        for number in range(1, videos_per_topic + 1):
            video_id = _video_id(rng)
            roll = rng.random()
            status = "deleted" if roll < 0.03 else "private" if roll < 0.05 else "public"
            videos.append(
                {
                    "id": video_id,
                    "title": f"{topic} #{number}",
                    "channelTitle": _CHANNELS[topic_index],
                    "status": status,
                }
            )
            for home in rng.sample(homes, k=rng.choice((1, 1, 2))):
                playlists.setdefault(home, []).append(video_id)
    for extra in ("Favourites", "Misc"):
        playlists[extra] = [v["id"] for v in rng.sample(videos, k=12)]
    # In no playlist yet: YouTube knows it, the library does not.
    videos.append(
        {"id": NEW_VIDEO, "title": "Cooking, new", "channelTitle": _CHANNELS[0], "status": "public"}
    )
    return {
        "channel": {"id": "UCdemo" + _video_id(rng), "title": "Demo Channel"},
        "videos": videos,
        "playlists": [
            {
                "id": "PL" + "".join(rng.choice(_ID_CHARS) for _ in range(32)),
                "title": title,
                "description": f"My old {title.lower()} playlist",
                "privacyStatus": "private",
                "items": items,
            }
            for title, items in playlists.items()
        ],
    }


def sample_categories_yaml(*, cooking_follows_channel: bool = False) -> str:
    """Categories for the sample library: each topic gathered from its old playlists; with
    `cooking_follows_channel` (the demo), Cooking also takes every Tasty Lab video."""
    lines = [
        "# Each category becomes one private playlist, its videos in this order.",
        "categories:",
    ]
    for topic, homes in _TOPICS.items():
        sources = [home for home in homes if home not in ("Watch later", "Watch again")]
        lines += [
            f"  - name: {topic}",
            f"    description: Everything {topic.lower()}, in one place",
            f"    from_playlists: [{', '.join(sources)}]",
        ]
        if topic == "Cooking" and cooking_follows_channel:
            # Whatever of the channel the library holds, "Watch later" included, now or later.
            lines.append(f"    channels: [{_CHANNELS[0]}]")
    lines += ["keep_playlists: [Watch later, Watch again]", ""]
    return "\n".join(lines)
