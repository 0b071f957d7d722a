"""Connecting to Temporal with the pydantic data converter and the sync's search attributes."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.contrib.pydantic import pydantic_data_converter

from playlist_sync.config import Settings

data_converter = pydantic_data_converter

SYNC_STAGE = SearchAttributeKey.for_keyword("SyncStage")
SYNC_JOB_ID = SearchAttributeKey.for_int("SyncJobId")


def search_attribute_keys() -> list[SearchAttributeKey]:
    return [SYNC_STAGE, SYNC_JOB_ID]


class TemporalUnavailable(Exception):
    """No Temporal server answers; the message says where, in one line."""


async def connect(settings: Settings) -> Client:
    try:
        return await Client.connect(
            settings.temporal_address,
            namespace=settings.temporal_namespace,
            data_converter=data_converter,
        )
    except RuntimeError as error:
        raise TemporalUnavailable(
            f"cannot reach Temporal at {settings.temporal_address} ({error}); "
            "run `starter.py stack up` or set TEMPORAL_ADDRESS"
        ) from None
