"""The worker's parts: playlist-sync's workflows and activities, bound to one pool and one
YouTube client. `worker.py` runs it; the demo and the tests build it in their own process."""

from __future__ import annotations

from datetime import datetime

import asyncpg
from temporalio.client import Client
from temporalio.common import VersioningBehavior, WorkerDeploymentVersion
from temporalio.worker import Worker, WorkerDeploymentConfig

from activities.restore_activities import RestoreActivities
from activities.schedule_activities import ScheduleActivities
from activities.sync_activities import SyncActivities
from playlist_sync.config import Settings
from playlist_sync.sync.youtube_port import SyncYouTube
from playlist_sync.youtube.client import youtube_client_from_settings
from playlist_sync.youtube.rate_limiter import RateLimiter
from workflows.restore_workflow import PlaylistRestoreWorkflow
from workflows.scheduled_run_workflow import ScheduledRunWorkflow
from workflows.sync_workflow import PlaylistSyncWorkflow

WORKFLOWS = [PlaylistSyncWorkflow, PlaylistRestoreWorkflow, ScheduledRunWorkflow]


async def build_worker(
    client: Client,
    pool: asyncpg.Pool,
    settings: Settings,
    *,
    task_queue: str | None = None,
    limiter: RateLimiter | None = None,
) -> Worker:
    """The worker, with its activities bound to `pool` and one shared YouTube client (paced by
    `limiter`, by default the client's safety cap)."""
    youtube = await youtube_client_from_settings(settings, pool, limiter=limiter)

    async def youtube_for(job_id: int, workflow_now: datetime) -> SyncYouTube:
        return youtube.for_job(job_id, not_before=workflow_now).for_step()

    activities = [
        *SyncActivities(pool, youtube_for, youtube.ledger).all(),
        *RestoreActivities(pool, youtube).all(),
        *ScheduleActivities(pool, settings, youtube).all(),
    ]
    return Worker(
        client,
        task_queue=task_queue or settings.temporal_task_queue,
        workflows=WORKFLOWS,
        activities=activities,
        max_concurrent_activities=32,
        deployment_config=deployment_config(settings),
    )


def deployment_config(settings: Settings) -> WorkerDeploymentConfig | None:
    """The version this worker declares (TEMPORAL_DEPLOYMENT_NAME, TEMPORAL_WORKER_BUILD_ID);
    None, an unversioned worker, without a build id. Auto-upgrade, as the workflows choose it
    (the reason is where they are defined): a running sync moves to the deployment's current
    version at its next workflow task."""
    if settings.temporal_worker_build_id is None:
        return None
    return WorkerDeploymentConfig(
        version=WorkerDeploymentVersion(
            deployment_name=settings.temporal_deployment_name,
            build_id=settings.temporal_worker_build_id,
        ),
        use_worker_versioning=True,
        default_versioning_behavior=VersioningBehavior.AUTO_UPGRADE,
    )
