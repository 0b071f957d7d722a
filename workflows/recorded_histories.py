"""What keeps histories recorded by older code replaying: every such branch lives here, apart
from the live path. Workflow code: deterministic.

A running job moves to the newest worker at its next workflow task (auto-upgrade, see
sync_workflow.py), and a sync or a restore runs for days: so each change in the commands a job
workflow issues is behind a `workflow.patched` marker. A run that recorded the marker, or that
started after it, takes the live path; a history recorded before it answers False below and
replays what that older code did. tests/sync/histories and tests/restore/histories hold such
histories (test_replay.py, test_restore_replay.py replay them).

A marker can go, with its old branch, once no job that started before it can still be running
and its recorded histories are re-recorded.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from playlist_sync.pause_state import PauseState
    from playlist_sync.sync.payloads import MirrorAnswer

# A `resume` is counted, and acted on in its handler: before, it set a flag that the waits
# cleared after their mirror, so a resume that arrived during that mirror was lost.
_RESUME_NEVER_LOST = "resume-never-lost"
# A `resume` during a quota sleep mirrors at once that the job is no longer paused by the user.
_MIRROR_RESUME_IN_QUOTA_SLEEP = "mirror-resume-in-quota-sleep"
# A category whose batches keep failing waits on a timer before its next batch.
_ADD_VIDEOS_BACKOFF = "add-videos-backoff"
# The sync plans (which playlist each category adopts) after the backup, from YouTube's truth.
_RECONCILE_PLAN = "reconcile-plan"
# A sync whose plan deletes more than its --max-delete starts paused (needs_approval).
_NEEDS_APPROVAL = "needs-approval"
# A restore edits playlists back in place, then takes out what the snapshot lacks and deletes
# the playlists syncs made since: before, it only recreated the playlists that were gone.
_RESTORE_IN_PLACE = "restore-in-place"
# While new playlists wait for YouTube's creation limit, the playlists already made or adopted
# are filled and old playlists already safe are deleted: before, the sync slept at once.
_WORK_WHILE_CREATIONS_WAIT = "work-while-creations-wait"
# A batch whose answer is slow holds its own playlist, not the others' batches past a quota
# reset: a timer to the reset runs beside the batches in flight.
_RESET_BESIDE_SLOW_BATCHES = "reset-beside-slow-batches"


def resumes_counted() -> bool:
    return workflow.patched(_RESUME_NEVER_LOST)


def mirrors_resume_in_quota_sleep() -> bool:
    return workflow.patched(_MIRROR_RESUME_IN_QUOTA_SLEEP)


def backs_off_after_failures() -> bool:
    return workflow.patched(_ADD_VIDEOS_BACKOFF)


def plans_after_backup() -> bool:
    return workflow.patched(_RECONCILE_PLAN)


def waits_for_approval() -> bool:
    return workflow.patched(_NEEDS_APPROVAL)


def restores_in_place() -> bool:
    return workflow.patched(_RESTORE_IN_PLACE)


def works_while_creations_wait() -> bool:
    return workflow.patched(_WORK_WHILE_CREATIONS_WAIT)


def goes_on_at_reset_beside_slow_batches() -> bool:
    return workflow.patched(_RESET_BESIDE_SLOW_BATCHES)


def quota_in_mirror_answer(answer: MirrorAnswer | int) -> tuple[int, MirrorAnswer | None]:
    """The sync's quota used, and the window's, from the mirror's answer: histories recorded
    before the mirror told the window's quota hold a bare count."""
    if isinstance(answer, MirrorAnswer):
        return answer.quota_used_by_sync, answer
    return answer, None


class ResumeFlag:
    """The `resume` as histories recorded before `resume-never-lost` ran it: a flag, set by the
    handler and cleared by the waits after their mirror."""

    def __init__(self) -> None:
        self.requested = False

    async def wait_for_resume(
        self, state: PauseState, mirror: Callable[[], Awaitable[None]]
    ) -> None:
        await mirror()
        self.requested = False
        await workflow.wait_condition(lambda: self.requested or state.cancel_requested)
        if state.cancel_requested:
            return
        state.pause_reason = None
        state.consecutive_failures = 0
        state.last_resumed_at = workflow.now()
        await mirror()
