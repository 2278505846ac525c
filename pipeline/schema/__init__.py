"""JSON Schemas (draft 2020-12) of the three record kinds, shipped with the package.

    >>> sorted(KINDS)
    ['document', 'duplicate', 'rejected']

`schema(kind)` returns the parsed schema; `validate(record, kind)` checks one record and needs
the `jsonschema` package (not a dependency of the pipeline itself).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from pipeline.record import SCHEMA_VERSION

KINDS = {
    "document": "documents.jsonl",
    "duplicate": "duplicates.jsonl",
    "rejected": "rejected.jsonl",
}
# which schema a partition file's lines follow
FILE_KINDS = {name: kind for kind, name in KINDS.items()}

__all__ = ["FILE_KINDS", "KINDS", "SCHEMA_VERSION", "schema", "validate", "validator"]


def _file(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}; expected one of {sorted(KINDS)}")
    return f"{kind}.schema.json"


@cache
def _text(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one record kind: document, duplicate or rejected."""
    parsed: dict[str, Any] = json.loads(_text(_file(kind)))
    return parsed


@cache
def validator(kind: str) -> Any:
    """A jsonschema validator for one record kind (the schemas refer to each other by file name)."""
    import jsonschema
    from referencing import Registry, Resource

    registry: Registry = Registry().with_resources(
        (_file(k), Resource.from_contents(schema(k))) for k in KINDS
    )
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema(kind))
    return cls(schema(kind), registry=registry, format_checker=cls.FORMAT_CHECKER)


def validate(record: dict[str, Any], kind: str) -> None:
    """Raise jsonschema.ValidationError when `record` does not follow the schema of `kind`."""
    validator(kind).validate(record)
