"""The marker that tells a playlist the sync made for a category: only at the end."""

from __future__ import annotations

from playlist_sync.categories.validation import MAX_DESCRIPTION
from playlist_sync.playlist_marker import (
    MARKER_ROOM,
    description_for,
    marked_by,
    marker,
)


def test_the_marker_the_sync_adds_is_recognised() -> None:
    assert marked_by(description_for("what's for dinner", 7, 42)) == (7, 42)
    assert marked_by(description_for("", 7, 42)) == (7, 42)
    assert marked_by(marker(7, 42) + "\n") == (7, 42)  # YouTube may keep a trailing newline


def test_user_text_containing_a_marker_is_not_taken_for_one() -> None:
    assert marked_by(f"copied from {marker(7, 42)} last year") is None
    assert marked_by(f"{marker(7, 42)}\n\nmy notes") is None
    # A category's own text that imitates one: the sync's marker, at the end, is the one read.
    assert marked_by(description_for(f"see {marker(7, 1)}", 7, 42)) == (7, 42)


def test_the_room_kept_for_the_marker_covers_the_largest_ids() -> None:
    largest = 2**63 - 1
    text = "d" * (MAX_DESCRIPTION - MARKER_ROOM)
    assert len(description_for(text, largest, largest)) == MAX_DESCRIPTION
