"""docs/seed-types.md is the seed's text, our enums hold the seed's values, and the key check
that the JSON tests rely on fails on a renamed key."""

from __future__ import annotations

import re

import pytest

from playlist_sync.models import (
    STAGE_LABELS,
    AddVideosPlan,
    CategoryAddition,
    CreatePlaylistsPlan,
    DeletePlaylistsPlan,
    PauseReason,
    PlannedStages,
    PlaylistToCreate,
    PlaylistToDelete,
    SyncPreview,
    SyncStage,
    SyncVideoStatus,
)
from tests.seed.seed_types import SHARED, VENDORED, literals, mismatches, seed_types

SEED = seed_types()


def test_the_vendored_copy_is_the_seed_text() -> None:
    if not SHARED.exists():
        pytest.skip(f"{SHARED} is not here (a clean checkout): the copy is all there is")
    assert VENDORED.read_text() == SHARED.read_text()


def test_the_types_the_json_checks_use_are_declared() -> None:
    assert {
        "SyncStage",
        "PauseReason",
        "SyncError",
        "StageResults",
        "SyncPreview",
        "SyncJobRecord",
        "SyncVideoStatus",
        "SyncVideoOperationRecord",
    } <= set(SEED)


def test_our_enums_hold_the_seed_values() -> None:
    assert {s.value for s in SyncStage} == literals(SEED["SyncStage"])
    assert {s.value for s in SyncVideoStatus} == literals(SEED["SyncVideoStatus"])
    # Beside the seed's reasons: auth_required (only the user can renew the grant).
    assert literals(SEED["PauseReason"]) <= {r.value for r in PauseReason}


def test_the_stage_labels_are_the_seeds_word_for_word() -> None:
    block = VENDORED.read_text().split("export const STAGE_LABELS", 1)[1].split("};", 1)[0]
    seed = dict(re.findall(r"^\s*(\w+): '([^']*)',$", block, re.MULTILINE))
    assert len(seed) == len(SyncStage)
    assert {stage.value: label for stage, label in STAGE_LABELS.items()} == seed


def _preview() -> dict:
    return SyncPreview(
        stages=PlannedStages(
            create_playlists=CreatePlaylistsPlan(
                count=1, quota_cost=50, items=[PlaylistToCreate(category_name="A", category_id=1)]
            ),
            add_videos=AddVideosPlan(
                count=2,
                quota_cost=100,
                by_category=[CategoryAddition(category_name="A", category_id=1, video_count=2)],
            ),
            delete_playlists=DeletePlaylistsPlan(
                count=1,
                quota_cost=50,
                items=[
                    PlaylistToDelete(
                        playlist_name="Old", playlist_id=7, youtube_id="PL7", video_count=3
                    )
                ],
            ),
        ),
        total_quota_cost=200,
        estimated_days=1,
        daily_quota_limit=10_000,
    ).to_json()


def test_a_renamed_key_fails_the_check() -> None:
    preview = _preview()
    assert mismatches(preview, SEED["SyncPreview"], SEED) == []

    item = preview["stages"]["deletePlaylists"]["items"][0]
    item["youtubePlaylistId"] = item.pop("youtubeId")
    assert mismatches(preview, SEED["SyncPreview"], SEED) == [
        "$.stages.deletePlaylists.items[0]: no key 'youtubeId'"
    ]


def test_the_old_shapes_fail_the_check() -> None:
    """What the JSON looked like before issue 9: the check would have caught it."""
    old_results = {"addVideos": {"added": 28, "skipped": 2, "failed": 0}}
    assert mismatches(old_results, SEED["StageResults"], SEED) == [
        "$.addVideos: no key 'succeeded'"
    ]
    old_preview = {
        "createPlaylists": {"count": 0, "quotaCost": 0, "categories": []},
        "totalQuotaCost": 0,
        "estimatedDays": 0,
        "dailyQuotaLimit": 10_000,
    }
    assert mismatches(old_preview, SEED["SyncPreview"], SEED) == ["$: no key 'stages'"]
    wrong_kind = {"id": 1, "stage": "completed", "stageResults": []}
    assert "$.stageResults: not an object" in mismatches(wrong_kind, SEED["SyncJobRecord"], SEED)
