"""What a sync would do now, what it costs and how many quota windows it takes, as `preview`
shows it and `sync` asks the user to approve; and what the other strategy would cost. Read
from one snapshot of Postgres through the planner, so what a user approves is what the sync's
stages do."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from playlist_sync.categories.shared import shared_videos
from playlist_sync.config import Settings
from playlist_sync.models import (
    AddVideosPlan,
    AdoptPlaylistsPlan,
    Alternatives,
    CategoryAddition,
    CategoryEdit,
    CreatePlaylistsPlan,
    DeletePlaylistsPlan,
    EditVideosPlan,
    PlanCost,
    PlannedStages,
    PlaylistToAdopt,
    PlaylistToCreate,
    PlaylistToDelete,
    SyncPreview,
)
from playlist_sync.planner import (
    candidates,
    creations_left,
    left_in_place,
    quota_remaining,
    targets,
    unavailable_videos,
    videos_in_no_playlist,
)
from playlist_sync.playlist_plans import kept_playlists, library_names, playlist_plans
from playlist_sync.quota_windows import (
    QuotaReset,
    SyncWork,
    sync_windows,
    sync_windows_one_stage_at_a_time,
)
from playlist_sync.reconcile.assignment import Reconciliation, Strategy, reconcile
from playlist_sync.youtube.costs import WRITE_COST
from playlist_sync.youtube.quota_ledger import DEFAULT_CREATES_PER_WINDOW


async def build_preview(
    pool: asyncpg.Pool,
    *,
    daily_quota: int,
    reset: QuotaReset,
    now: datetime,
    strategy: Strategy = Strategy.REUSE,
    creates_per_window: int = DEFAULT_CREATES_PER_WINDOW,
    side_by_side: bool = True,
) -> SyncPreview:
    """What a sync would do now, what it costs, and how many quota windows it takes; and what
    the other strategy would cost.

    The windows: the sync makes at most `creates_per_window` playlists a window (YouTube's
    limit on new playlists) and spends the window's other units meanwhile on what can go; see
    quota_windows.sync_windows. `side_by_side=False`: the windows of a sync whose stages ran
    one after another (SyncOptions.work_while_creations_wait off), for the bench."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        # One snapshot: an import or apply running meanwhile cannot make the parts disagree.
        wanted, playlists = await targets(conn), await candidates(conn)
        unavailable = await unavailable_videos(conn)
        in_no_playlist = await videos_in_no_playlist(conn)
        shared = await shared_videos(conn)
        names, kept = await library_names(conn), await kept_playlists(conn)
        remaining = await quota_remaining(conn, daily_quota=daily_quota, reset=reset, now=now)
        creates_left = await creations_left(
            conn, creates_per_window=creates_per_window, reset=reset, now=now
        )
        ids = {
            row[0]: row[1]
            for row in await conn.fetch("SELECT youtube_playlist_id, id FROM playlists")
        }

    def days(plan: Reconciliation) -> int:
        if not side_by_side:
            creates = sum(1 for choice in plan.choices if choice.adopted is None)
            return sync_windows_one_stage_at_a_time(
                creates=creates,
                other_units=WRITE_COST * (plan.writes - creates),
                daily_quota=daily_quota,
                units_left=remaining,
                creates_per_window=creates_per_window,
                creates_left=creates_left,
                write_cost=WRITE_COST,
            )
        return sync_windows(
            sync_work(plan),
            daily_quota=daily_quota,
            units_left=remaining,
            creates_per_window=creates_per_window,
            creates_left=creates_left,
            write_cost=WRITE_COST,
        )

    plans = {s: reconcile(wanted, playlists, s) for s in Strategy}
    plan = plans[strategy]
    other = Strategy.RECREATE if strategy is Strategy.REUSE else Strategy.REUSE
    alternative = PlanCost(
        total_quota_cost=WRITE_COST * plans[other].writes, estimated_days=days(plans[other])
    )
    in_place = left_in_place(plan)
    return SyncPreview(
        stages=_stages(plan, ids),
        total_quota_cost=WRITE_COST * plan.writes,
        estimated_days=days(plan),
        daily_quota_limit=daily_quota,
        strategy=strategy.value,
        alternatives=Alternatives(**{other.value: alternative}),
        unavailable_videos=[
            v for key, v in unavailable if (key, v.youtube_video_id) not in in_place
        ],
        quota_remaining_today=remaining,
        unavailable_videos_left_in_place=[
            v for key, v in unavailable if (key, v.youtube_video_id) in in_place
        ],
        videos_in_no_playlist=in_no_playlist,
        shared_videos=shared,
        playlists=playlist_plans(plan, names),
        kept_playlists=kept,
    )


def sync_work(plan: Reconciliation) -> SyncWork:
    """The plan's writes in units, in the order the sync can make them (see SyncWork): new
    playlists in the categories' order, as create_playlists makes them."""
    new = [c for c in plan.choices if c.adopted is None]
    made_before: dict[str, int] = {}
    for index, choice in enumerate(new, start=1):
        for video in choice.target.videos:
            made_before[video] = index
    return SyncWork(
        ready=WRITE_COST * sum(c.writes for c in plan.choices if c.adopted is not None),
        new_playlists=[WRITE_COST * c.edit.writes for c in new],
        deletions=[
            (max((made_before.get(i.video_id, 0) for i in p.items), default=0), WRITE_COST)
            for p in plan.deleted
        ],
    )


def _stages(plan: Reconciliation, ids: dict[str, int]) -> PlannedStages:
    new = [c for c in plan.choices if c.adopted is None]
    adopted = [c for c in plan.choices if c.adopted is not None]

    def by_category(count: str) -> list[CategoryEdit]:
        return [
            CategoryEdit(
                category_name=c.target.title,
                category_id=c.target.key,
                video_count=len(getattr(c.edit, count)),
            )
            for c in plan.choices
            if getattr(c.edit, count)
        ]

    def edits(count: str) -> EditVideosPlan:
        total = sum(len(getattr(c.edit, count)) for c in plan.choices)
        return EditVideosPlan(
            count=total, quota_cost=WRITE_COST * total, by_category=by_category(count)
        )

    inserts = sum(len(c.edit.insert) for c in plan.choices)
    updates = sum(1 for c in adopted if c.update)
    return PlannedStages(
        create_playlists=CreatePlaylistsPlan(
            count=len(new),
            quota_cost=WRITE_COST * len(new),
            items=[
                PlaylistToCreate(category_name=c.target.title, category_id=c.target.key)
                for c in new
            ],
        ),
        add_videos=AddVideosPlan(
            count=inserts,
            quota_cost=WRITE_COST * inserts,
            by_category=[
                CategoryAddition(
                    category_name=e.category_name,
                    category_id=e.category_id,
                    video_count=e.video_count,
                )
                for e in by_category("insert")
            ],
        ),
        delete_playlists=DeletePlaylistsPlan(
            count=len(plan.deleted),
            quota_cost=WRITE_COST * len(plan.deleted),
            items=[
                PlaylistToDelete(
                    playlist_name=p.title,
                    playlist_id=ids.get(p.id, 0),
                    youtube_id=p.id,
                    video_count=len(p.items),
                )
                for p in plan.deleted
            ],
        ),
        adopt_playlists=AdoptPlaylistsPlan(
            count=len(adopted),
            quota_cost=WRITE_COST * updates,
            items=[
                PlaylistToAdopt(
                    category_name=c.target.title,
                    category_id=c.target.key,
                    playlist_name=c.adopted.title,
                    youtube_id=c.adopted.id,
                    update=c.update,
                )
                for c in adopted
                if c.adopted is not None
            ],
        ),
        move_videos=edits("move"),
        remove_videos=edits("remove"),
    )


async def current_preview(
    pool: asyncpg.Pool, settings: Settings, strategy: Strategy = Strategy.REUSE
) -> SyncPreview:
    """The preview now, with the quota and limits the settings give."""
    return await build_preview(
        pool,
        daily_quota=settings.youtube_daily_quota,
        reset=settings.quota_reset,
        now=datetime.now(UTC),
        strategy=strategy,
        creates_per_window=settings.youtube_playlist_creates_per_day,
    )
