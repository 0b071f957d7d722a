"""What the Temporal Web UI and `temporal workflow metadata` show of a running sync or restore:
its current details (markdown, kept up to date by the workflow) and the summaries of its quota
timers. Workflow code: pure functions of the state, no clock but the one passed in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from playlist_sync.models import PauseReason
    from playlist_sync.quota_windows import PACIFIC

# The last errors a person is shown of a job: here, and by `starter.py status`.
ERRORS_SHOWN = 5

_PAUSES = {
    PauseReason.QUOTA_EXHAUSTED: "waiting for the quota window to reset",
    PauseReason.PLAYLIST_CREATION_LIMIT: "waiting for YouTube's limit on new playlists to reset",
    PauseReason.USER_PAUSED: "paused by the user (Update or Signal `resume` goes on)",
    PauseReason.ERRORS_COLLECTED: "paused after failures in a row (`resume` goes on)",
    PauseReason.AUTH_REQUIRED: "YouTube needs a new authorisation (`starter.py auth`)",
    PauseReason.NEEDS_APPROVAL: (
        "waiting for approval: its plan deletes more than --max-delete allows (`resume`"
        " approves it, `cancel` drops it)"
    ),
}


def pacific_and_utc(at: datetime) -> str:
    """ "00:00 PT (08:00 UTC) on 2026-12-01": quota windows reset at midnight Pacific."""
    local = at.astimezone(PACIFIC)
    utc = at.astimezone(UTC)
    return f"{_clock(local)} PT ({_clock(utc)} UTC) on {local:%Y-%m-%d}"


def reset_summary(at: datetime) -> str:
    """The summary of a quota timer: "quota window resets 00:00 PT"."""
    return f"quota window resets {reset_clock(at)}"


def reset_clock(at: datetime) -> str:
    """ "00:00 PT": when a window resets, as the Web UI says it."""
    return f"{_clock(at.astimezone(PACIFIC))} PT"


def _clock(at: datetime) -> str:
    return f"{at:%H:%M:%S}" if at.second else f"{at:%H:%M}"


@dataclass(frozen=True)
class Quota:
    """Units used by the job, and (when the ledger answered) in this window of `limit`."""

    by_job: int
    in_window: int | None = None
    limit: int | None = None


class ShownError(Protocol):
    """What the details need of an error (SyncError and RestoreError both have it)."""

    @property
    def entity_type(self) -> str: ...
    @property
    def entity_id(self) -> str: ...
    @property
    def message(self) -> str: ...


def current_details(
    *,
    label: str,
    progress: int,
    total: int,
    quota: Quota,
    pause_reason: PauseReason | None,
    next_resume_at: datetime | None,
    cancelling: bool,
    errors: Sequence[ShownError],
    error_count: int,
    meanwhile: str | None = None,
) -> str:
    """Markdown: the stage's label and progress, what waits for what meanwhile, the quota,
    what a pause waits for, errors."""
    head = f"**{label}**"
    if total:
        head += f": {progress:,} of {total:,} ({100 * progress // total}%)"
    lines = [head]
    if meanwhile:
        lines.append(meanwhile)
    if cancelling:
        lines.append("Cancelling: the writes in flight land, then nothing more is written.")
    if pause_reason is not None:
        pause = f"Paused: {_PAUSES.get(pause_reason, pause_reason.value)}"
        if next_resume_at is not None:
            pause += f"; goes on by itself at {pacific_and_utc(next_resume_at)}"
        lines.append(pause)
    used = f"Quota: {quota.by_job:,} units used by this job"
    if quota.in_window is not None and quota.limit is not None:
        used += f"; {quota.in_window:,} of {quota.limit:,} used in this window"
    lines.append(used)
    if errors:
        shown = [f"- {e.entity_type} {e.entity_id}: {e.message}" for e in errors[-ERRORS_SHOWN:]]
        lines.append("\n".join([f"Last errors ({error_count:,} in all):", *shown]))
    # Paragraphs: markdown joins lines that a blank line does not separate.
    return "\n\n".join(lines)
