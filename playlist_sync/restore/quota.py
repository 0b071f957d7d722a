"""Charging a restore's calls to it: the same ledger, with the job's id in each event's details.

`quota_events.restore_job_id` is generated from `details.restoreJobId` (migration 0002), so the
attribution is written by the ledger's one reserving statement, crash or not.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from playlist_sync.youtube.client import YouTubeClient
from playlist_sync.youtube.quota_ledger import QuotaLedger


class RestoreLedger(QuotaLedger):
    """The project's ledger (same windows, same budget), tagging every event with a restore."""

    def __init__(self, ledger: QuotaLedger, restore_job_id: int) -> None:
        super().__init__(ledger.pool, ledger.daily_quota, ledger.reset)
        self.restore_job_id = restore_job_id

    async def reserve(
        self,
        cost: int,
        operation: str,
        details: dict[str, Any],
        *,
        sync_job_id: int | None = None,
        at: datetime | None = None,
    ) -> int:
        tagged = {**details, "restoreJobId": self.restore_job_id}
        return await super().reserve(cost, operation, tagged, sync_job_id=sync_job_id, at=at)


def youtube_for_restore(
    youtube: YouTubeClient, restore_job_id: int, now: datetime
) -> YouTubeClient:
    """The shared client (token cache, pacing) charging `restore_job_id` on the workflow's clock."""
    return replace(
        youtube.for_job(None, not_before=now),
        ledger=RestoreLedger(youtube.ledger, restore_job_id),
    )


async def quota_used_by_restore(db: Any, restore_job_id: int) -> int:
    return int(
        await db.fetchval(
            "SELECT COALESCE(sum(units), 0) FROM quota_events WHERE restore_job_id = $1",
            restore_job_id,
        )
    )
