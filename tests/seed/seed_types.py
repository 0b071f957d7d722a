"""The seed's TypeScript types, read from docs/seed-types.md, and a check of JSON against them.

Only the subset the seed uses is parsed: `export type X = ...;`, `export interface X { ... }`,
object literals, `Array<T>`, `T[]`, unions, string literals and index signatures. The check
is the seed's contract: every key it names is there, with the kind of value it names (object,
array, number, string, null); keys of our own may stand beside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

VENDORED = Path(__file__).resolve().parents[2] / "docs" / "seed-types.md"
# Beside the repository in the project's workspace; absent on a clean CI checkout.
SHARED = Path(__file__).resolve().parents[3] / "shared" / "seed-types.md"


@dataclass(frozen=True)
class Obj:
    fields: dict[str, Shape]
    index: Shape | None = None


@dataclass(frozen=True)
class Arr:
    item: Shape


@dataclass(frozen=True)
class Ref:
    name: str  # a primitive (number, string, Date, null) or a declared type


@dataclass(frozen=True)
class Lit:
    value: str


@dataclass(frozen=True)
class Union:
    options: tuple[Shape, ...]


Shape: TypeAlias = Obj | Arr | Ref | Lit | Union

_TOKEN = re.compile(r"\s+|//[^\n]*|(?P<tok>'[^']*'|[A-Za-z_]\w*|[{}\[\]<>:;|,=?()])")


@dataclass
class _Parser:
    tokens: list[str]
    at: int = 0
    declared: dict[str, Shape] = field(default_factory=dict)

    def peek(self) -> str:
        return self.tokens[self.at]

    def take(self, expected: str | None = None) -> str:
        token = self.tokens[self.at]
        if expected is not None and token != expected:
            raise ValueError(f"expected {expected!r}, found {token!r} at token {self.at}")
        self.at += 1
        return token

    def declarations(self) -> dict[str, Shape]:
        while self.at < len(self.tokens):
            self.take("export")
            kind = self.take()
            if kind == "type":
                name = self.take()
                self.take("=")
                self.declared[name] = self.union()
                self.take(";")
            elif kind == "interface":
                name = self.take()
                self.declared[name] = self.object()
            else:  # a constant (the UI's labels): values, not a shape
                while self.take() != ";":
                    pass
        return self.declared

    def union(self) -> Shape:
        if self.peek() == "|":
            self.take()
        options = [self.postfix()]
        while self.peek() == "|":
            self.take()
            options.append(self.postfix())
        return options[0] if len(options) == 1 else Union(tuple(options))

    def postfix(self) -> Shape:
        shape = self.primary()
        while self.peek() == "[" and self.tokens[self.at + 1] == "]":
            self.take("[")
            self.take("]")
            shape = Arr(shape)
        return shape

    def primary(self) -> Shape:
        token = self.peek()
        if token == "{":
            return self.object()
        if token.startswith("'"):
            return Lit(self.take()[1:-1])
        name = self.take()
        if name == "Array":
            self.take("<")
            item = self.union()
            self.take(">")
            return Arr(item)
        return Ref(name)

    def object(self) -> Obj:
        self.take("{")
        fields: dict[str, Shape] = {}
        index: Shape | None = None
        while self.peek() != "}":
            if self.peek() == "[":
                self.take("[")
                self.take()  # the key's name
                self.take(":")
                self.take()  # the key's type: string
                self.take("]")
                self.take(":")
                index = self.union()
            else:
                key = self.take()
                self.take(":")
                fields[key] = self.union()
            if self.peek() in (";", ","):
                self.take()
        self.take("}")
        return Obj(fields, index)


def seed_types(path: Path = VENDORED) -> dict[str, Shape]:
    """Every type the seed's TypeScript block declares, by name."""
    block = re.search(r"```typescript\n(.*?)```", path.read_text(), re.S)
    assert block is not None, f"no typescript block in {path}"
    tokens = [m["tok"] for m in _TOKEN.finditer(block.group(1)) if m["tok"]]
    return _Parser(tokens).declarations()


def literals(shape: Shape) -> set[str]:
    """The values of a union of string literals, such as SyncStage."""
    options = shape.options if isinstance(shape, Union) else (shape,)
    assert all(isinstance(option, Lit) for option in options), shape
    return {option.value for option in options if isinstance(option, Lit)}


_PRIMITIVES = {
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "Date": lambda v: isinstance(v, str),  # ISO 8601 in JSON
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def mismatches(value: Any, shape: Shape, types: dict[str, Shape], path: str = "$") -> list[str]:
    """Where `value` departs from the seed's `shape`: missing keys and values of the wrong
    kind, each with its path. Empty when it carries everything the seed names."""
    if isinstance(shape, Ref):
        if shape.name in _PRIMITIVES:
            ok = _PRIMITIVES[shape.name](value)
            return [] if ok else [f"{path}: {value!r} is not a {shape.name}"]
        return mismatches(value, types[shape.name], types, path)
    if isinstance(shape, Lit):
        # The seed's closed sets (stage, entityType, pauseReason) are strings; ours may add values.
        return [] if isinstance(value, str) else [f"{path}: {value!r} is not a string"]
    if isinstance(shape, Union):
        found = [mismatches(value, option, types, path) for option in shape.options]
        return [] if any(not f for f in found) else min(found, key=len)
    if isinstance(shape, Arr):
        if not isinstance(value, list):
            return [f"{path}: not an array"]
        return [
            found
            for i, item in enumerate(value)
            for found in mismatches(item, shape.item, types, f"{path}[{i}]")
        ]
    if not isinstance(value, dict):
        return [f"{path}: not an object"]
    found = [f"{path}: no key {key!r}" for key in shape.fields if key not in value]
    for key, inner in shape.fields.items():
        if key in value:
            found += mismatches(value[key], inner, types, f"{path}.{key}")
    if shape.index is not None:
        for key, inner_value in value.items():
            found += mismatches(inner_value, shape.index, types, f"{path}.{key}")
    return found
