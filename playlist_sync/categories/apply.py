"""`categories apply FILE`: validate the file, then make the stored categories match it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg

from playlist_sync.categories.changes import CategoryChange, CategoryChanges, ChangeKind
from playlist_sync.categories.file import read_categories_file
from playlist_sync.categories.lookup import (
    LookedUp,
    VideoLookup,
    ids_outside_library,
    look_up,
    store_found,
)
from playlist_sync.categories.problems import CategoriesInvalid
from playlist_sync.categories.validation import ValidCategories, ValidCategory, validate_categories

# Two applies at once would each see the other's categories half-written; they take turns.
_APPLY_LOCK = 0x70736361


async def apply_categories(
    pool: asyncpg.Pool, path: Path | str, *, youtube: VideoLookup | None = None
) -> CategoryChanges:
    """Replaces the categories with the file's, in one transaction.

    Raises CategoriesInvalid (nothing written) when the file has problems. A category keeps
    its row, and so its `youtube_playlist_id`, while its name stays in the file: a later sync
    fills the playlist it created instead of creating another.

    Explicit videos the database does not know are asked of `youtube` first (without it they
    are problems); YouTube is not called at all when every one is known.
    """
    parsed = await asyncio.to_thread(read_categories_file, Path(path))
    outside = await ids_outside_library(pool, parsed)
    # Asked before the transaction: no lock is held across a call to YouTube.
    looked_up = await look_up(youtube, outside) if outside and youtube else LookedUp()
    try:
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _APPLY_LOCK)
            # Rolled back with the rest when the file is invalid.
            await store_found(conn, looked_up)
            # Validated inside the transaction, so what is written is what was checked.
            valid = await validate_categories(conn, parsed, looked_up)
            changes = await _store_categories(conn, valid)
            kept, no_longer_kept = await _store_kept(conn, valid.kept_playlist_ids)
    except CategoriesInvalid as invalid:
        invalid.lookup_note = looked_up.note()
        raise
    return CategoryChanges(
        changes, kept, no_longer_kept, warnings=valid.warnings, lookup_note=looked_up.note()
    )


async def _store_categories(
    conn: asyncpg.Connection, valid: ValidCategories
) -> list[CategoryChange]:
    existing = {
        row["name"]: row
        for row in await conn.fetch(
            "SELECT id, name, description, position, privacy_status, rules FROM categories"
        )
    }
    stored: dict[int, list[int]] = {row["id"]: [] for row in existing.values()}
    for row in await conn.fetch(
        "SELECT category_id, video_id FROM category_videos ORDER BY category_id, position"
    ):
        stored[row["category_id"]].append(row["video_id"])

    changes: list[CategoryChange] = []
    for position, category in enumerate(valid.categories):
        old = existing.get(category.name)
        if old is None:
            category_id = await conn.fetchval(
                """INSERT INTO categories (name, description, position, privacy_status, rules)
                   VALUES ($1, $2, $3, $4, $5) RETURNING id""",
                category.name,
                category.description,
                position,
                category.privacy,
                category.rules,
            )
            await store_category_videos(conn, category_id, category.video_ids)
            changes.append(
                CategoryChange(
                    category.name,
                    ChangeKind.ADDED,
                    len(category.video_ids),
                    # Private is the default, and what the file says unless told otherwise.
                    privacy=None if category.privacy == "private" else category.privacy,
                    video_ids=frozenset(category.video_ids),
                )
            )
            continue
        if _row_differs(old, position, category):
            await conn.execute(
                """UPDATE categories SET description = $2, position = $3, privacy_status = $4,
                          rules = $5, updated_at = now()
                   WHERE id = $1""",
                old["id"],
                category.description,
                position,
                category.privacy,
                category.rules,
            )
        if stored[old["id"]] != category.video_ids:
            await store_category_videos(conn, old["id"], category.video_ids)
        change = _compare(old, position, stored[old["id"]], category)
        if change is not None:
            changes.append(change)

    wanted = {category.name for category in valid.categories}
    gone = [row for name, row in existing.items() if name not in wanted]
    # category_videos go with them (ON DELETE CASCADE). A removed category's playlist, if
    # the sync created one, becomes an old playlist like any other.
    await conn.execute(
        "DELETE FROM categories WHERE id = ANY($1::bigint[])", [row["id"] for row in gone]
    )
    changes.extend(
        CategoryChange(
            row["name"],
            ChangeKind.REMOVED,
            videos_removed=len(stored[row["id"]]),
            video_ids=frozenset(stored[row["id"]]),
        )
        for row in sorted(gone, key=lambda row: row["position"])
    )
    return changes


def _row_differs(old: asyncpg.Record, position: int, new: ValidCategory) -> bool:
    # The pool reads and writes jsonb as Python values (db.connection).
    return (old["description"], old["position"], old["privacy_status"], old["rules"]) != (
        new.description,
        position,
        new.privacy,
        new.rules,
    )


def _compare(
    old: asyncpg.Record, position: int, old_videos: list[int], new: ValidCategory
) -> CategoryChange | None:
    """How an existing category differs from the file's, or None when it does not."""
    new_set, old_set = set(new.video_ids), set(old_videos)
    # Categories stored before rules existed have none: gaining them is no change to tell.
    old_rules = old["rules"]
    same_videos = old_videos == new.video_ids
    change = CategoryChange(
        new.name,
        ChangeKind.UPDATED,
        videos_added=len(new_set - old_set),
        videos_removed=len(old_set - new_set),
        reordered=[v for v in old_videos if v in new_set]
        != [v for v in new.video_ids if v in old_set],
        description_changed=old["description"] != new.description,
        moved=old["position"] != position,
        privacy=new.privacy if old["privacy_status"] != new.privacy else None,
        # Told only when the videos say nothing: the new rules select the same ones.
        rules_changed=same_videos and old_rules is not None and old_rules != new.rules,
    )
    unchanged = CategoryChange(new.name, ChangeKind.UPDATED)
    return None if change == unchanged else change


async def store_category_videos(
    conn: asyncpg.Connection, category_id: int, video_ids: list[int]
) -> None:
    await conn.execute("DELETE FROM category_videos WHERE category_id = $1", category_id)
    await conn.execute(
        """INSERT INTO category_videos (category_id, video_id, position)
           SELECT $1, video_id, position - 1
           FROM unnest($2::bigint[]) WITH ORDINALITY AS r (video_id, position)""",
        category_id,
        video_ids,
    )


async def _store_kept(conn: asyncpg.Connection, kept_ids: list[int]) -> tuple[list[str], list[str]]:
    """Sets `playlists.kept` to the file's keep_playlists; titles newly kept / no longer kept."""
    rows = await conn.fetch(
        """UPDATE playlists SET kept = NOT kept, updated_at = now()
           WHERE kept IS DISTINCT FROM (id = ANY($1::bigint[]))
           RETURNING title, kept""",
        kept_ids,
    )
    kept = sorted(row["title"] for row in rows if row["kept"])
    return kept, sorted(row["title"] for row in rows if not row["kept"])
