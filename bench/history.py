"""A sync's Temporal history, summed over the runs that continue-as-new chained together."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client


@dataclass
class HistoryStats:
    runs: int = 0
    events: int = 0
    bytes: int = 0
    largest_run_events: int = 0
    activities: Counter[str] = field(default_factory=Counter)  # scheduled, by activity type
    timers_fired: list[datetime] = field(default_factory=list)  # when the server fired each

    def describe_activities(self) -> str:
        return ", ".join(f"{name} {n}" for name, n in self.activities.most_common())


async def history_of(client: Client, workflow_id: str, first_run_id: str) -> HistoryStats:
    stats = HistoryStats()
    run_id: str | None = first_run_id
    while run_id:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        events = list(history.events)
        stats.runs += 1
        stats.events += len(events)
        stats.largest_run_events = max(stats.largest_run_events, len(events))
        # The serialized size of the events, which is what the server's history size limit counts.
        stats.bytes += sum(event.ByteSize() for event in events)
        for event in events:
            if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                name = event.activity_task_scheduled_event_attributes.activity_type.name
                stats.activities[name] += 1
            elif event.event_type == EventType.EVENT_TYPE_TIMER_FIRED:
                stats.timers_fired.append(event.event_time.ToDatetime(tzinfo=UTC))
        last = events[-1] if events else None
        run_id = None
        if last is not None and last.HasField(
            "workflow_execution_continued_as_new_event_attributes"
        ):
            run_id = last.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
    return stats
