"""The shards' result files (`shard-*.jsonl` in a night's work folder), written by ProcessShard
and read by DedupEntries and the partition writer.

Each input takes two lines: a short header (what deduplication and the partition's counts need)
and the output record's own JSONL line, exactly as the partition writes it. So the partition
indexes a shard by its headers and copies the records' bytes, without parsing and serialising
every document again. The last line of a file holds the shard's step times.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import IO, Any

from pipeline.io import dumps
from pipeline.record import output_record
from pipeline.runner import Outcome

# The layout of these files (and of the facts pass's hand-off); part of the work folders' key
# (nightly.code_key), so a run never reads intermediate files another layout wrote.
FORMAT = "2"


def write_outcome(out: IO[str], outcome: Outcome) -> None:
    """The header line and the record line of one input's outcome."""
    if outcome.rejection is not None:
        record = outcome.rejection.to_json()
        header: dict[str, Any] = {
            "kind": "rejected",
            "source_path": record["source_path"],
            "source_sha256": record["source_sha256"],
            "reason": record["reason"],
        }
    else:
        assert outcome.doc is not None
        record = output_record(outcome.doc)
        prov = record["provenance"]
        removed = Counter(f"{e['label']}:{e['rule']}" for e in prov.get("removed", []))
        header = {
            "kind": "document",
            "id": record["id"],
            "source_path": prov["source_path"],
            "signature": outcome.doc.meta.get("signature", {}),
            "summary": {  # what the partition's manifest counts of a kept document
                "removed": dict(removed),
                "language": record["language"],
                "input_format": prov.get("input_format", "unknown"),
                "published": bool(record["published"]),
            },
        }
    out.write(dumps(header) + "\n" + dumps(record) + "\n")


def write_stats(out: IO[str], stats: dict[str, Any]) -> None:
    """The shard's last line: its step times (runner.stage_stats)."""
    out.write(dumps({"kind": "stats", **stats}) + "\n")


def headers(handle: IO[bytes]) -> Iterator[tuple[dict[str, Any], int]]:
    """(header, byte offset of its record line) of every input of a shard file opened in binary
    mode, and the stats line (offset -1); record lines are skipped unread."""
    offset = 0
    while True:
        raw = handle.readline()
        if not raw:
            return
        offset += len(raw)
        header: dict[str, Any] = json.loads(raw)
        if header["kind"] == "stats":
            yield header, -1
            continue
        record = handle.readline()
        yield header, offset
        offset += len(record)


def documents(path: str) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(header, record) of every kept-or-duplicate candidate document of a shard file."""
    with open(path, "rb") as handle:
        while True:
            raw = handle.readline()
            if not raw:
                return
            header: dict[str, Any] = json.loads(raw)
            if header["kind"] == "stats":
                continue
            record = handle.readline()
            if header["kind"] == "document":
                yield header, json.loads(record)


def with_fields(record_line: bytes, fields: dict[str, Any]) -> bytes:
    """A record line with more fields at its end: the line of dumps({**record, **fields}), when
    the record has none of them."""
    body = record_line.rstrip(b"\n")
    return body[:-1] + b"," + dumps(fields)[1:].encode("utf-8") + b"\n"
