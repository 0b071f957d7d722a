"""The plan as a person reads it: per category, the playlist it becomes and the videos that
playlist gains, loses and moves (titles, and where each comes from or goes); the playlists
kept as they are. Long lists are folded with a count unless `full`."""

from __future__ import annotations

from rich.console import Console

from playlist_sync.config import Settings
from playlist_sync.models import PlannedVideo, PlaylistPlan, SyncPreview

# Enough videos per list to recognise it; `preview --full` (or `--json`) has them all.
FOLDED_AFTER = 5


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else words or word + 's'}"


def show_playlist_plans(preview: SyncPreview, console: Console, *, full: bool) -> None:
    if not preview.playlists:
        return
    console.print("Your playlists after the sync", style="bold")
    folded = False
    for plan in preview.playlists:
        console.print(f"  {plan.category_name}: {becomes(plan)}", markup=False)
        for sign, label, videos, where in (
            ("+", "gains", plan.gains, _from),
            ("-", "loses", plan.loses, _to),
            ("~", "moves into place", plan.moves, None),
        ):
            if not videos:
                continue
            console.print(f"    {sign} {label} {plural(len(videos), 'video')}", markup=False)
            shown = videos if full else videos[:FOLDED_AFTER]
            for video in shown:
                note = f"  ({where(plan, video)})" if where else ""
                console.print(
                    f"        {video.title} [{video.youtube_video_id}]{note}", markup=False
                )
            if len(shown) < len(videos):
                folded = True
                console.print(f"        ... and {len(videos) - len(shown):,} more", markup=False)
    if preview.kept_playlists:
        kept = ", ".join(
            f"{p.playlist_name} ({plural(p.video_count, 'video')})" for p in preview.kept_playlists
        )
        console.print(f"Kept as they are (keep_playlists): {kept}", markup=False)
    if folded:
        console.print("`preview --full` lists every video; `preview --json` has them all.")


def becomes(plan: PlaylistPlan) -> str:
    """What the category's playlist is: new, its own, or an old one it takes over."""
    size = plural(plan.video_count, "video")
    if plan.action == "create":
        return f"a new playlist ({size})"
    if plan.renamed:
        what = f'takes over "{plan.playlist_name}", renamed to "{plan.category_name}"'
    elif plan.action == "own":
        what = "keeps its playlist"
    else:
        what = f'takes over "{plan.playlist_name}"'
    if plan.update and not plan.renamed:
        what += " (description or privacy updated)"
    unchanged = not (plan.update or plan.gains or plan.loses or plan.moves)
    return f"{what} ({size}{', unchanged' if unchanged else ''})"


def _from(plan: PlaylistPlan, video: PlannedVideo) -> str:
    return f"now in {', '.join(video.held_by)}" if video.held_by else "in no playlist now"


def _to(plan: PlaylistPlan, video: PlannedVideo) -> str:
    if plan.category_name in video.goes_to:
        return "a second copy"
    if video.goes_to:
        return f"goes to {', '.join(video.goes_to)}"
    return "in no playlist afterwards; the backup keeps it"


def window_word(settings: Settings) -> str:
    return "day" if settings.quota_reset.seconds is None else "quota window"


def plan_sentence(preview: SyncPreview, settings: Settings) -> str:
    """The plan's totals in one sentence, or that there is nothing to do."""
    if preview.total_quota_cost == 0:
        return "Nothing to do: YouTube already matches your categories (0 writes)."
    stages = preview.stages
    return (
        f"It creates {plural(stages.create_playlists.count, 'playlist')}, takes over"
        f" {plural(stages.adopt_playlists.count, 'old playlist')}, adds"
        f" {plural(stages.add_videos.count, 'video')}, moves {stages.move_videos.count:,},"
        f" removes {stages.remove_videos.count:,} and deletes"
        f" {plural(stages.delete_playlists.count, 'old playlist')}:"
        f" {preview.total_quota_cost:,} units, about"
        f" {plural(preview.estimated_days, window_word(settings))}."
    )


def plan_summary(preview: SyncPreview, settings: Settings) -> list[str]:
    """What a person approves before a sync writes: the totals, each category's playlist and
    how many videos it gains, loses and moves, and the playlists deleted."""
    lines = [plan_sentence(preview, settings)]
    for plan in preview.playlists or []:
        changes = ", ".join(
            f"{sign}{len(videos):,}"
            for sign, videos in (("+", plan.gains), ("-", plan.loses), ("~", plan.moves))
            if videos
        )
        lines.append(f"  {plan.category_name}: {becomes(plan)}{f' {changes}' if changes else ''}")
    deleted = preview.stages.delete_playlists.items
    if deleted:
        lines.append(
            "  Deletes (backed up first): "
            + ", ".join(f"{p.playlist_name} ({plural(p.video_count, 'video')})" for p in deleted)
        )
    if preview.kept_playlists:
        lines.append("  Keeps: " + ", ".join(p.playlist_name for p in preview.kept_playlists))
    lines.append("`starter.py preview` lists every video each playlist gains, loses and moves.")
    return lines
