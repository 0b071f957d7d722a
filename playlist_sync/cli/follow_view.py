"""How a followed sync is shown: live progress bars on a terminal, plain lines elsewhere.

A pipe, a CI log or `make demo` without a TTY cannot redraw, so there each change worth
knowing becomes one line instead; `--json` prints the job's JSON each time it changes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from playlist_sync.cli.follow import Snapshot, View
from playlist_sync.cli.job_summary import failures, pause_text, skips, stage_line, when
from playlist_sync.cli.jobs import WORK_STAGES, work_stage
from playlist_sync.cli.plan_view import plural
from playlist_sync.models import STAGE_LABELS, SyncJobRecord, SyncStage

BAR_WIDTH = 32
# Without a terminal, progress alone is printed at most this often (stage changes at once).
LINE_SECONDS = 2.0


@contextmanager
def open_view(console: Console, *, json_lines: bool = False) -> Iterator[View]:
    if json_lines:
        yield JsonLinesView()
    elif console.is_terminal:
        with Live(console=console, refresh_per_second=4, transient=False) as live:
            yield LiveView(live)
    else:
        yield LineView(console)


class LiveView:
    def __init__(self, live: Live) -> None:
        self._live = live

    def show(self, snapshot: Snapshot) -> None:
        self._live.update(render(snapshot), refresh=True)


class LineView:
    def __init__(self, console: Console) -> None:
        self._console = console
        self._last_key: tuple[object, ...] | None = None
        self._last_line = ""
        self._printed_at = 0.0

    def show(self, snapshot: Snapshot) -> None:
        record = snapshot.job.record()
        key = (record.stage, record.pause_reason, snapshot.job.active, work_stage(record))
        # Compared without the pause's countdown, which changes every second by itself.
        progress = status_line(snapshot, with_pause=False)
        due = time.monotonic() - self._printed_at >= LINE_SECONDS and progress != self._last_line
        if key != self._last_key or due:
            self._console.print(status_line(snapshot), markup=False)
            self._last_key, self._last_line = key, progress
            self._printed_at = time.monotonic()


class JsonLinesView:
    def __init__(self) -> None:
        self._last = ""

    def show(self, snapshot: Snapshot) -> None:
        text = json.dumps(snapshot.job.to_json())
        if text != self._last:
            print(text, flush=True)
            self._last = text


def status_line(snapshot: Snapshot, *, with_pause: bool = True) -> str:
    job, record = snapshot.job, snapshot.job.record()
    parts = [
        f"sync {job.id}: {stage_line(job)}",
        f"quota {snapshot.window_used:,}/{snapshot.daily_quota:,} this window,"
        f" {snapshot.sync_used:,} by the sync",
        f"{plural(len(failures(record)), 'error')}, {len(skips(record)):,} skipped",
    ]
    pause = pause_text(job) if job.active and with_pause else None
    waits = [text for text in (snapshot.no_worker_text, pause) if text]
    return " · ".join(parts + waits)


def render(snapshot: Snapshot) -> RenderableType:
    job, record = snapshot.job, snapshot.job.record()
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(width=BAR_WIDTH)
    grid.add_column(no_wrap=True)
    for label, bar, figures in _stage_rows(record, job.active):
        grid.add_row(label, bar, figures)
    used, limit = snapshot.window_used, snapshot.daily_quota
    grid.add_row(
        "  Quota, this window",
        ProgressBar(total=limit, completed=min(used, limit), width=BAR_WIDTH),
        f"{used:,} of {limit:,} units; next window {when(snapshot.window_resets_at)}",
    )
    by_sync = snapshot.sync_used
    needed = record.preview_data.total_quota_cost if record.preview_data else 0
    grid.add_row(
        "  Quota, this sync",
        ProgressBar(total=max(needed, by_sync, 1), completed=by_sync, width=BAR_WIDTH),
        f"{by_sync:,} units (its writes need {needed:,})",
    )
    pause = pause_text(job) if job.active else None
    lines: list[RenderableType] = [
        Text(f"Sync {job.id} ({job.workflow_id}): {stage_line(job)}", style="bold"),
        grid,
    ]
    if snapshot.no_worker_text:
        lines.append(Text(snapshot.no_worker_text, style="yellow"))
    if pause:
        lines.append(Text(f"Paused: {pause}", style="yellow"))
    # The sync's error list also holds the videos it skipped (deleted, private) and the
    # user's cancel: those are told as what they are.
    failed = failures(record)
    error_text = f"{plural(len(failed), 'error')}, {len(skips(record)):,} skipped"
    if failed:
        last = failed[-1]
        error_text += f"; the last error: {last.entity_type} {last.entity_id}: {last.message}"
    lines.append(Text(error_text, style="red" if failed else "dim"))
    return Group(*lines)


def _stage_rows(record: SyncJobRecord, active: bool) -> Iterator[tuple[str, ProgressBar, str]]:
    """(label, bar, figures) per work stage: done ones full, the current one moving."""
    done_all = record.stage is SyncStage.COMPLETED
    current = len(WORK_STAGES) if done_all else WORK_STAGES.index(work_stage(record))
    planned = _planned(record)
    for index, stage in enumerate(WORK_STAGES):
        if index < current:
            done = total = _finished_count(record, stage)
            mark = "✓"
        elif index == current:
            done, total = record.current_stage_progress, record.current_stage_total
            mark = "▶" if active else "✗"
        else:
            done, total = 0, planned.get(stage, 0)
            mark = " "
        # An unknown total (the backup reads before it knows) pulses instead of lying.
        moving = index == current and active and total == 0
        bar = ProgressBar(
            total=None if moving else max(total, 1),
            completed=done if total else (1 if index < current else 0),
            width=BAR_WIDTH,
        )
        figures = f"{done:,} of {total:,}" if total else ""
        yield f"{mark} {STAGE_LABELS[stage]}", bar, figures


def _finished_count(record: SyncJobRecord, stage: SyncStage) -> int:
    counts = record.stage_results.of(stage)
    return counts.finished if counts else 0


def _planned(record: SyncJobRecord) -> dict[SyncStage, int]:
    preview = record.preview_data
    if preview is None:
        return {}
    s = preview.stages
    return {
        # Made or adopted: both are the stage's work (an adoption may need no write).
        SyncStage.CREATE_PLAYLISTS: s.create_playlists.count + s.adopt_playlists.count,
        SyncStage.ADD_VIDEOS: s.add_videos.count
        + s.move_videos.count
        + s.remove_videos.count
        + len(preview.unavailable_videos),
        SyncStage.DELETE_PLAYLISTS: s.delete_playlists.count,
    }
