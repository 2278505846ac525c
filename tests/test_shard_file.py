"""The shards' result files: a header line and the output record's own line per input, so the
partition copies records without parsing them again."""

from __future__ import annotations

import hashlib
import io
import json

from conftest import RAW
from pipeline import shard_file
from pipeline.io import dumps
from pipeline.record import Document, output_record
from pipeline.runner import process


def outcome_of(name: str, data: bytes, cfg, ctx):
    doc = Document(name, hashlib.sha256(data).hexdigest(), len(data), raw=data)
    return process(doc, cfg, ctx, "0" * 64)


def test_each_input_is_a_header_and_the_record_line_the_partition_writes(cfg, ctx):
    kept = outcome_of("002.txt", (RAW / "002_bf9c0ceb983e1a5f.txt").read_bytes(), cfg, ctx)
    empty = outcome_of("empty.txt", b"", cfg, ctx)
    out = io.StringIO()
    shard_file.write_outcome(out, kept)
    shard_file.write_outcome(out, empty)
    shard_file.write_stats(out, {"seconds": {"load": 0.1}, "calls": {"load": 2}})
    data = out.getvalue().encode("utf-8")
    found = list(shard_file.headers(io.BytesIO(data)))
    assert [h["kind"] for h, _ in found] == ["document", "rejected", "stats"]
    (doc_header, doc_at), (rej_header, rej_at), (_, stats_at) = found
    record = output_record(kept.doc)
    assert data[doc_at:].split(b"\n", 1)[0].decode() == dumps(record)
    assert doc_header["id"] == record["id"] and doc_header["signature"]["exact"]
    assert doc_header["summary"]["language"] == record["language"]
    removed = record["provenance"]["removed"]
    assert sum(doc_header["summary"]["removed"].values()) == len(removed)
    assert rej_header["reason"] == "empty"
    assert json.loads(data[rej_at:].split(b"\n", 1)[0])["reason"] == "empty"
    assert stats_at == -1


def test_a_duplicate_is_its_record_line_with_the_decision_appended():
    record = {"id": "a", "text": "Zürich — “quoted”", "provenance": {"steps": {}}}
    fields = {"duplicate_of": "b", "similarity": 0.9, "duplicate_of_night": None}
    line = (dumps(record) + "\n").encode("utf-8")
    assert shard_file.with_fields(line, fields) == (dumps({**record, **fields}) + "\n").encode()
