"""What a playlist batch (playlist_batch.py) needs of a job's record of its writes.

The sync's is operation_ledger.py (sync_video_operations, fenced by the playlist's lease); a
restore gives its own over its rows. Every method that records is fenced by the playlist's
lease: it raises once a newer attempt holds the playlist, so an attempt Temporal gave up on
records nothing (and therefore sends nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Protocol

from playlist_sync.reconcile.playlist_edit import Item, PlaylistEdit
from playlist_sync.youtube.errors import YouTubeError
from playlist_sync.youtube.resources import RemotePlaylistItem

# A video whose writes YouTube refused this many times (each followed by a new read and plan)
# is reported failed rather than planned again.
REFUSALS_BEFORE_FAILING = 3


@dataclass(frozen=True)
class PlannedWrite:
    """One write of a plan, as the ledger keeps it."""

    id: int
    operation: str  # "remove" | "move" | "add"
    video_id: str
    item_id: str | None  # the item removed or moved (an add's, once it landed)
    intent: bool = False  # sent, or about to be, and no outcome recorded


class RemovalHold(Enum):
    GO = "go"  # nowhere else needs the video, or it is safe there already
    WAIT = "wait"  # another playlist must hold it first: not yet
    KEEP = "keep"  # it cannot go where it is wanted: the item stays (the ledger reports it)


class BatchLedger(Protocol):
    """The job's record of its writes into one playlist. Every method that records is fenced
    by the playlist's lease: it raises (LeaseLost) once a newer attempt holds the playlist."""

    async def pending(self) -> list[PlannedWrite]:
        """The writes planned and not done, with `intent` set on those whose outcome is
        unknown."""
        ...

    async def known_items(self) -> set[str]:
        """Item ids that cannot be the outcome of a write still unknown: the playlist's items
        when the job began, those of its reads, those of its completed writes."""
        ...

    async def written(self) -> tuple[set[str], set[str]]:
        """(items the job's completed writes put into the playlist, items they took out): a
        read that contradicts them is older than those writes."""
        ...

    async def last_write_at(self) -> datetime | None: ...

    async def last_move_at(self) -> datetime | None:
        """When the job's last move into the playlist landed: a read cannot show a move by
        its items (they stay the same), so none sooner than the lag allowance after it."""
        ...

    async def given_up(self) -> set[str]:
        """Videos reported already (unavailable, refused too often, no room): not planned."""
        ...

    async def removal_hold(self, video_id: str) -> RemovalHold: ...

    async def note_read(self, items: list[Item], sent_at: datetime) -> None: ...

    async def plan(
        self,
        edit: PlaylistEdit,
        rank: dict[str, int],
        waiting: set[str],
        kept: dict[str, str],
    ) -> list[PlannedWrite]:
        """Make `edit` the pending writes: rows no longer planned are superseded, new ones
        added; the removals of the items in `kept` (item id -> video) are reported, not made. Returns the
        writes to make now, in order (removals first, then moves and additions in the wanted
        order), without the removals of the items in `waiting`."""
        ...

    async def intend(self, write: PlannedWrite) -> bool:
        """Just before the write is sent: False if it is no longer pending."""
        ...

    async def complete(self, write: PlannedWrite, item_id: str | None) -> None: ...

    async def forget(self, write: PlannedWrite) -> None:
        """It is known not to have happened: pending again, with no intent."""
        ...

    async def refuse(self, write: PlannedWrite, error: YouTubeError) -> None:
        """Superseded (refused), or failed once its video was refused often enough."""
        ...

    async def skip(self, write: PlannedWrite, error: YouTubeError) -> None:
        """The video cannot be added (unavailable): reported, not planned again."""
        ...

    async def note_retry(self, write: PlannedWrite, error: YouTubeError) -> None: ...

    async def fail_rest(self, error: YouTubeError) -> None:
        """Nothing more can go into the playlist (gone, full): every pending write failed."""
        ...

    async def refuses_positions(self, reason: str) -> None:
        """YouTube sorts the playlist itself: its moves are skipped, reported once."""
        ...

    async def intend_update(self) -> None:
        """Just before a playlists.update of the playlist is sent (a write into it)."""
        ...

    async def update_refused(self, error: YouTubeError) -> None:
        """YouTube refused the playlist's title, description or privacy: reported."""
        ...

    async def verified(self, listed: list[RemotePlaylistItem], edit: PlaylistEdit) -> None:
        """A settled read needs no write: the playlist holds what it must."""
        ...

    async def writes_held(self) -> bool:
        """The job was paused or cancelled: no further write."""
        ...
