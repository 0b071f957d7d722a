"""A sync ready to start: its sync_jobs row is made, and this is what its workflow starts with.
`start_sync` starts it from a client; a scheduled run starts it as its child workflow."""

from __future__ import annotations

from pydantic import BaseModel, Field
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from playlist_sync.models import SyncStage
from playlist_sync.sync.payloads import SyncInput
from playlist_sync.temporal_client import SYNC_JOB_ID, SYNC_STAGE


class SyncLaunch(BaseModel):
    """A sync_jobs row made, and everything its workflow starts with: `start_sync` starts it
    from a client, a scheduled run as its child workflow."""

    job_id: int
    workflow_id: str
    input: SyncInput
    memo: dict[str, int | str]
    static_summary: str
    static_details: str
    # What catching up with YouTube changed in the categories, and the conflicts it settled.
    notes: list[str] = Field(default_factory=list)

    def search_attributes(self) -> TypedSearchAttributes:
        return TypedSearchAttributes(
            [
                SearchAttributePair(SYNC_STAGE, SyncStage.PENDING.value),
                SearchAttributePair(SYNC_JOB_ID, self.job_id),
            ]
        )
