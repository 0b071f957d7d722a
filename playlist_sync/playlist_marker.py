"""The marker a sync puts at the end of a new playlist's description.

If the database write after playlists.insert is lost to a crash (or its answer to an error),
the retry finds the playlist by its marker instead of creating a second one. Only at the very
end of a description, where the sync puts it: a user's text that merely contains one is not
taken for it. A playlist that carries one is otherwise the category's description: the plan
does not spend a write to take the marker off.
"""

from __future__ import annotations

import re

_MARKER = re.compile(r"\s*\(playlist-sync job (\d+), category (\d+)\)\s*\Z")

# What the marker adds to a description at most (ids up to bigint's 19 digits), which the
# categories file's description check counts against YouTube's 5,000 characters.
MARKER_ROOM = len("\n\n" + "(playlist-sync job , category )") + 2 * 19


def marker(job_id: int, category_id: int) -> str:
    return f"(playlist-sync job {job_id}, category {category_id})"


def marked_by(description: str) -> tuple[int, int] | None:
    """(job id, category id) of the marker that ends `description`, if one does."""
    match = _MARKER.search(description)
    return (int(match.group(1)), int(match.group(2))) if match else None


def description_for(text: str, job_id: int, category_id: int) -> str:
    return f"{text}\n\n{marker(job_id, category_id)}".strip()


def without_marker(description: str) -> str:
    return _MARKER.sub("", description).strip()
