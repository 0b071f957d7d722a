"""One Data API request as the method handlers see it, and the table entry of each method."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from multidict import MultiMapping
from pydantic import BaseModel, ValidationError

from playlist_sync.emulator.errors import ApiError
from playlist_sync.emulator.library import Library, ListedPlaylist

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class ApiCall:
    query: MultiMapping[str]
    body: Any
    parts: frozenset[str]
    now: datetime
    # For the list methods (`lags`): the playlists as the call sees them, maybe lagging.
    playlists: Mapping[str, ListedPlaylist] = field(default_factory=dict)
    # Another account's channel id (a grant made with `login_hint`); None: the library's.
    account: str | None = None

    def one(self, name: str) -> str | None:
        return self.query.get(name)

    def many(self, name: str) -> list[str]:
        """A list parameter sent either comma-separated or repeated."""
        return [
            value.strip()
            for raw in self.query.getall(name, [])
            for value in raw.split(",")
            if value.strip()
        ]

    def body_as(self, model: type[ModelT]) -> ModelT:
        try:
            return model.model_validate(self.body if self.body is not None else {})
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "resource"
            raise ApiError(
                400, "invalid", f"Invalid value at 'resource.{where}'", "global"
            ) from None


def only_filter(call: ApiCall, names: tuple[str, ...]) -> str:
    """The one filter parameter a list request uses, as YouTube insists on exactly one."""
    present = [name for name in names if call.one(name) not in (None, "", "false")]
    if not present:
        raise ApiError(
            400,
            "missingRequiredParameter",
            f"No filter selected. Expected one of: {', '.join(sorted(names))}",
            "youtube.parameter",
        )
    if len(present) > 1:
        raise ApiError(
            400,
            "incompatibleParameters",
            f"Incompatible parameters specified in the request: {', '.join(present)}",
            "youtube.parameter",
        )
    return present[0]


Handler = Callable[[Library, ApiCall], "dict[str, Any] | None"]
Target = Callable[[Library, ApiCall], "str | None"]


def no_target(library: Library, call: ApiCall) -> str | None:
    return None


@dataclass(frozen=True)
class ApiMethod:
    """A Data API method: its cost, whether it writes, and which playlist it would lock."""

    name: str
    cost: int
    writes: bool
    # None for methods without a `part` parameter (the deletes).
    parts: frozenset[str] | None
    handler: Handler
    target: Target = no_target
    # Answers from `ApiCall.playlists`, which trail the writes by `listLagMs`.
    lags: bool = False
    # Counts against the limit on new playlists per window.
    creates_playlist: bool = False
