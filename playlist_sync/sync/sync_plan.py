"""The sync's plan, made once right after its backup: which playlist each category gets.

The backup has just brought the library tables up to YouTube's truth (library/seen.py), so
the plan starts from what YouTube holds now. It is stored (sync_category_plans, and each
category's youtube_playlist_id: the adopted playlist, or NULL for a new one) before any write,
in one transaction, so a retried step or a restarted worker carries on with the same plan.
"""

from __future__ import annotations

import asyncpg
from pydantic import BaseModel

from playlist_sync.planner import reconciliation
from playlist_sync.reconcile.assignment import Strategy


class SyncPlan(BaseModel):
    """What the plan holds, for the workflow's counts: ids and numbers only."""

    creates: int
    adoptions: int
    updates: int


async def plan_sync(pool: asyncpg.Pool, job_id: int) -> SyncPlan:
    async with pool.acquire() as conn, conn.transaction():
        # Taken per job: a second attempt waits for the first, then finds its plan.
        strategy = await conn.fetchval(
            "SELECT strategy FROM sync_jobs WHERE id = $1 FOR UPDATE", job_id
        )
        planned = await conn.fetch(
            "SELECT adopted_playlist_id, needs_update FROM sync_category_plans"
            " WHERE sync_job_id = $1",
            job_id,
        )
        if not planned:
            plan = await reconciliation(conn, Strategy(strategy))
            for choice in plan.choices:
                adopted = choice.adopted.id if choice.adopted else None
                await conn.execute(
                    """INSERT INTO sync_category_plans
                           (sync_job_id, category_id, adopted_playlist_id, needs_update)
                       VALUES ($1, $2, $3, $4)""",
                    job_id,
                    choice.target.key,
                    adopted,
                    choice.update,
                )
                # A category whose playlist is not adopted gets a new one (create_playlists);
                # its old playlist, if it had one, is then an old playlist like any other.
                await conn.execute(
                    "UPDATE categories SET youtube_playlist_id = $2 WHERE id = $1",
                    choice.target.key,
                    adopted,
                )
            planned = await conn.fetch(
                "SELECT adopted_playlist_id, needs_update FROM sync_category_plans"
                " WHERE sync_job_id = $1",
                job_id,
            )
    adopted_rows = [row for row in planned if row["adopted_playlist_id"] is not None]
    return SyncPlan(
        creates=len(planned) - len(adopted_rows),
        adoptions=len(adopted_rows),
        updates=sum(1 for row in adopted_rows if row["needs_update"]),
    )
