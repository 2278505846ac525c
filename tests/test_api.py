"""The Python API: one document cleaned without Luigi gives the record the nightly DAG writes."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import RAW, ROOT, RUN_DATE, clean_corpus, read_jsonl
from pipeline import schema
from pipeline.api import clean_document
from pipeline.config import ConfigError, load_config

DUPLICATE_FIELDS = ("duplicate_of", "duplicate_kind", "similarity", "cluster", "duplicate_of_night")


@pytest.fixture(scope="module")
def dag_records(tmp_path_factory) -> dict[str, dict]:
    """Every record of a DAG run on raw/ by source path (a duplicate without its dedup fields)."""
    part = clean_corpus(RAW, tmp_path_factory.mktemp("clean"))
    records = {}
    for record in read_jsonl(part / "documents.jsonl") + read_jsonl(part / "duplicates.jsonl"):
        view = {k: v for k, v in record.items() if k not in DUPLICATE_FIELDS}
        records[record["provenance"]["source_path"]] = view
    for record in read_jsonl(part / "rejected.jsonl"):
        records[record["source_path"]] = record
    return records


def test_every_sample_gives_the_dag_record(dag_records):
    inputs = sorted(p.name for p in RAW.iterdir() if p.name != "README.md")
    assert sorted(dag_records) == inputs
    for name in inputs:
        record = clean_document((RAW / name).read_bytes(), name, run_date=RUN_DATE)
        assert record == dag_records[name], name


def test_a_seed_document_in_detail(dag_records):
    data = (RAW / "002_bf9c0ceb983e1a5f.txt").read_bytes()
    record = clean_document(data, "002_bf9c0ceb983e1a5f.txt", ROOT / "config" / "pipeline.yaml")
    schema.validate(record, "document")
    assert record["published"] == "2026-01-03"  # 01/03/2026, resolved by "Saturday 3rd"
    assert record["provenance"]["date"]["resolution"]["by"] == "weekday"
    assert record["id"] == dag_records["002_bf9c0ceb983e1a5f.txt"]["id"]


def test_a_rejected_input_gives_a_rejection_record():
    record = clean_document(b"\x89PNG\r\n\x1a\n" + bytes(64), "img/logo.txt")
    schema.validate(record, "rejected")
    assert (record["stage"], record["reason"]) == ("load", "binary")
    assert record["error"].startswith("img/logo.txt: ")


def test_the_run_date_bounds_the_publication_date():
    data = (RAW / "004_63b06e8f733e3164.txt").read_bytes()
    assert clean_document(data, "a.txt", run_date="2026-11-21")["published"] == "2026-01-05"
    # a run on 1 January 2026 cannot trust a date four days later
    early = clean_document(data, "a.txt", run_date=dt.date(2026, 1, 1))
    assert early["published"] is None
    assert early["provenance"]["date"]["rejected"]


def test_a_config_object_or_file_gives_the_same_record(tmp_path):
    data = (RAW / "001_ea4337dc22b15d88.txt").read_bytes()
    cfg = load_config(ROOT / "config" / "pipeline.yaml")
    by_object = clean_document(data, "001.txt", cfg, RUN_DATE)
    assert by_object == clean_document(data, "001.txt", None, RUN_DATE)
    assert json.loads(json.dumps(by_object)) == by_object  # plain JSON data


def test_a_bad_config_file_names_the_key(tmp_path):
    bad = tmp_path / "pipeline.yaml"
    bad.write_text("dedup:\n  threshold: high\n")
    with pytest.raises(ConfigError, match=r"dedup\.threshold"):
        clean_document(b"text", "a.txt", bad)
