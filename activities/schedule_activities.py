"""A scheduled run's activities: import the library, bring the categories up to it and make
the sync's row; then count what the sync wrote."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import asyncpg
from temporalio import activity

from playlist_sync.config import Settings
from playlist_sync.library.importer import LibraryReader
from playlist_sync.reconcile.assignment import Strategy
from playlist_sync.restore.job_store import active_restore
from playlist_sync.schedule.payloads import RunPreparation, ScheduledRunInput
from playlist_sync.starters.sync import SyncRefused, close_unstarted, prepare_sync
from playlist_sync.sync.job_store import active_job
from playlist_sync.youtube.costs import WRITE_COST
from playlist_sync.youtube.errors import QuotaExceeded, YouTubeError
from playlist_sync.youtube.failures import needs_user


class ScheduleActivities:
    def __init__(self, pool: asyncpg.Pool, settings: Settings, youtube: LibraryReader) -> None:
        self._pool = pool
        self._settings = settings
        self._youtube = youtube

    @activity.defn
    async def prepare_scheduled_sync(self, input: ScheduledRunInput) -> RunPreparation:
        run = activity.info().workflow_id
        # An earlier attempt of this run that made the row and then failed: no workflow runs
        # that job (the run starts one only with this activity's answer), so it is closed.
        await self._pool.execute(
            """UPDATE sync_jobs SET stage = 'failed', completed_at = now()
               WHERE scheduled_run = $1 AND completed_at IS NULL""",
            run,
        )
        busy = await self._busy()
        if busy is not None:
            # Checked before the import: an import would change the library under that job.
            return RunPreparation(skipped=busy)
        try:
            launch = await prepare_sync(
                self._pool,
                self._settings,
                options=input.options,
                strategy=Strategy.REUSE,
                max_delete=input.max_delete,
                youtube=self._youtube,
                follow_rules=True,
                on_progress=lambda done, _: activity.heartbeat(done),
                scheduled_run=run,
            )
        except SyncRefused as refusal:
            return RunPreparation(skipped=str(refusal))
        except QuotaExceeded as spent:
            # Reads cost quota too: the next run, in another window, tries again.
            return RunPreparation(skipped=f"the quota window is spent ({spent})")
        except YouTubeError as error:
            if needs_user(error):
                return RunPreparation(
                    skipped=f"YouTube needs a new authorisation ({error}): run `starter.py auth`"
                )
            raise
        return RunPreparation(launch=launch, notes=launch.notes)

    async def _busy(self) -> str | None:
        running = await active_job(self._pool)
        if running is not None:
            return f"sync {running.id} is still active (workflow {running.workflow_id})"
        restoring = await active_restore(self._pool)
        if restoring is not None:
            return f"restore {restoring.id} is still active (workflow {restoring.workflow_id})"
        return None

    @activity.defn
    async def writes_of_sync(self, job_id: int) -> int:
        """The writes YouTube was sent for the job (refunds are events of their own)."""
        return int(
            await self._pool.fetchval(
                "SELECT count(*) FROM quota_events WHERE sync_job_id = $1 AND units = $2",
                job_id,
                WRITE_COST,
            )
        )

    @activity.defn
    async def close_unstarted_sync(self, job_id: int) -> None:
        await close_unstarted(self._pool, job_id)

    def all(self) -> list[Callable[..., Any]]:
        return [self.prepare_scheduled_sync, self.writes_of_sync, self.close_unstarted_sync]
