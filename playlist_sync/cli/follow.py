"""Following a sync until it ends: polls the sync_jobs mirror and hands each state to a view.

The mirror is read, not the workflow's `progress` query: a query needs a worker to answer,
and following must keep working while the worker is down (that is when users look).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Protocol

import asyncpg
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.service import RPCError

from playlist_sync.cli.errors import CliError
from playlist_sync.cli.jobs import job_to_show, web_ui_link
from playlist_sync.cli.worker_presence import worker_listening
from playlist_sync.config import Settings
from playlist_sync.pause_state import SLEEPS_UNTIL_RESET
from playlist_sync.quota_windows import next_quota_reset
from playlist_sync.sync.job_store import JobRow
from playlist_sync.youtube.quota_ledger import QuotaLedger

POLL_SECONDS = 0.5
# How often (in polls) to ask Temporal whether the workflow still runs: a workflow someone
# terminated in the Web UI never writes "ended" to the mirror, and following must not hang.
WORKFLOW_CHECK_POLLS = 10
# A worker picks a new sync up within a second: waiting longer means none is there, which a
# new user must be told rather than watch "Waiting for a worker" go on.
NO_WORKER_AFTER_SECONDS = 3.0


@dataclass(frozen=True)
class Snapshot:
    """One look at the sync and at the quota window it is spending."""

    job: JobRow
    window_used: int
    daily_quota: int
    window_resets_at: datetime
    # From the ledger, not the row: the row is brought up to date only between batches.
    sync_used: int
    # The task queue that no worker polls while the sync waits for one; None: one does, or
    # it is too early to say.
    no_worker_on: str | None = None

    @property
    def no_worker_text(self) -> str | None:
        if self.no_worker_on is None:
            return None
        return f"no worker is polling the task queue {self.no_worker_on!r}: start `worker.py`"


async def look(
    pool: asyncpg.Pool, settings: Settings, job_id: int | None, client: Client | None = None
) -> Snapshot:
    """The sync (default: the latest) and its quota, as `status` and `status --follow` both
    show it: one source, so that the two agree at the same moment. With `client`, whether a
    worker polls the sync's task queue, once the sync has waited a few seconds."""
    job = await job_to_show(pool, job_id)
    ledger = QuotaLedger(pool, settings.youtube_daily_quota, settings.quota_reset)
    now = datetime.now(UTC)
    waited = (now - job.record().started_at).total_seconds() >= NO_WORKER_AFTER_SECONDS
    missing = (
        client is not None
        and job.active
        and waited
        and not await worker_listening(client, settings)
    )
    return Snapshot(
        job=job,
        window_used=await ledger.used_in_window(now),
        daily_quota=settings.youtube_daily_quota,
        window_resets_at=next_quota_reset(now, settings.quota_reset),
        sync_used=await ledger.used_by_sync(job.id),
        no_worker_on=settings.temporal_task_queue if missing else None,
    )


class View(Protocol):
    def show(self, snapshot: Snapshot) -> None: ...


class QuotaPauses:
    """Counts the sync's quota pauses from what the follower saw.

    Each pause waits for its own reset time, so a pause is one `next_resume_at`; a pause
    shorter than a poll still leaves the `last_resumed_at` of its end behind.
    """

    def __init__(self, resumed_before: datetime | None) -> None:
        # A resume from before we started watching is not one we saw.
        self._resumed_before = resumed_before
        self._resets: set[datetime] = set()
        self._resumes: set[datetime] = set()

    def see(self, job: JobRow) -> None:
        record = job.record()
        if record.pause_reason in SLEEPS_UNTIL_RESET and job.next_resume_at:
            self._resets.add(job.next_resume_at)
        resumed = record.last_resumed_at
        if resumed is not None and resumed != self._resumed_before:
            self._resumes.add(resumed)

    @property
    def count(self) -> int:
        return max(len(self._resets), len(self._resumes))


@dataclass(frozen=True)
class Followed:
    job: JobRow
    quota_pauses: int


async def follow(
    pool: asyncpg.Pool,
    client: Client,
    settings: Settings,
    job_id: int,
    view: View,
    *,
    poll_seconds: float = POLL_SECONDS,
) -> Followed:
    """Shows the sync until it ends (completed or failed) and returns its last state."""
    pauses = QuotaPauses((await job_to_show(pool, job_id)).record().last_resumed_at)
    polls = 0
    shown_missing: str | None = None
    while True:
        # Temporal is asked about workers every few polls only; the mirror at every poll.
        asks = polls % WORKFLOW_CHECK_POLLS == 0 or (
            polls < WORKFLOW_CHECK_POLLS and polls % 2 == 0
        )
        snapshot = await look(pool, settings, job_id, client if asks else None)
        if not asks and shown_missing is not None and snapshot.job.active:
            snapshot = replace(snapshot, no_worker_on=shown_missing)
        shown_missing = snapshot.no_worker_on
        job = snapshot.job
        pauses.see(job)
        view.show(snapshot)
        if not job.active:
            return Followed(job, pauses.count)
        polls += 1
        if polls % WORKFLOW_CHECK_POLLS == 0:
            await _check_workflow_runs(pool, client, settings, job)
        await asyncio.sleep(poll_seconds)


async def _check_workflow_runs(
    pool: asyncpg.Pool, client: Client, settings: Settings, job: JobRow
) -> None:
    try:
        description = await client.get_workflow_handle(job.workflow_id).describe()
    except RPCError:
        return  # Temporal is away for a moment: the mirror is still the truth to show
    status = description.status
    if status in (None, WorkflowExecutionStatus.RUNNING, WorkflowExecutionStatus.CONTINUED_AS_NEW):
        return
    # The workflow writes its end to the mirror before it closes: look once more.
    if (await job_to_show(pool, job.id)).active:
        raise CliError(
            f"sync {job.id}'s workflow ended ({status.name.lower()}) without finishing the"
            f" sync; see {web_ui_link(settings, job.workflow_id)}",
            exit_code=1,
        )
