"""The JSON Schema of the records (pipeline/schema/): shipped with the package, valid draft
2020-12, followed by every record of a run on raw/, and strict enough to catch a broken record."""

from __future__ import annotations

import copy
import json
from importlib import resources

import jsonschema
import pytest

from conftest import RAW, ROOT, clean_corpus, read_jsonl
from pipeline import schema
from pipeline.record import SCHEMA_VERSION


@pytest.fixture(scope="module")
def partition(tmp_path_factory):
    # clean_corpus and read_jsonl validate every record they read against the schema
    return clean_corpus(RAW, tmp_path_factory.mktemp("clean"))


@pytest.fixture(scope="module")
def records(partition) -> dict[str, list[dict]]:
    return {kind: read_jsonl(partition / name) for kind, name in schema.KINDS.items()}


def test_the_schemas_ship_inside_the_package_and_are_draft_2020_12():
    for kind in schema.KINDS:
        text = resources.files("pipeline.schema").joinpath(f"{kind}.schema.json").read_text()
        parsed = json.loads(text)
        assert parsed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(parsed)


def test_every_record_of_the_sample_run_follows_its_schema(records):
    assert len(records["document"]) == 7
    assert len(records["duplicate"]) == 7
    assert len(records["rejected"]) == 2
    for kind, lines in records.items():
        for record in lines:
            schema.validate(record, kind)
            assert record["schema_version"] == SCHEMA_VERSION


def _errors(record: dict, kind: str) -> list[str]:
    return [e.message for e in schema.validator(kind).iter_errors(record)]


def test_a_document_missing_provenance_or_with_an_unknown_field_is_refused(records):
    doc = records["document"][0]
    broken = {k: v for k, v in doc.items() if k != "provenance"}
    assert any("'provenance' is a required property" in e for e in _errors(broken, "document"))
    extra = {**doc, "score": 1}
    assert any("'score' was unexpected" in e for e in _errors(extra, "document"))
    bad_date = {**doc, "published": "3 January 2026"}
    assert _errors(bad_date, "document")
    control = {**doc, "text": doc["text"] + "\x1b[31m"}
    assert _errors(control, "document")


def test_a_removal_needs_its_label_and_rule(records):
    doc = next(d for d in records["document"] if d["provenance"]["removed"])
    broken = copy.deepcopy(doc)
    del broken["provenance"]["removed"][0]["rule"]
    assert any("'rule' is a required property" in e for e in _errors(broken, "document"))


def test_a_duplicate_is_a_document_that_names_its_keeper(records):
    dup = records["duplicate"][0]
    assert _errors(dup, "document")  # the duplicate fields are not part of a document
    no_keeper = {k: v for k, v in dup.items() if k != "duplicate_of"}
    assert any(
        "'duplicate_of' is a required property" in e for e in _errors(no_keeper, "duplicate")
    )
    assert _errors({**dup, "duplicate_kind": "similar"}, "duplicate")
    assert _errors({**dup, "text": 3}, "duplicate")  # the document part is checked too


def test_a_rejection_names_stage_reason_and_error(records):
    rejection = records["rejected"][0]
    assert _errors({**rejection, "reason": "Not a code"}, "rejected")
    assert _errors({k: v for k, v in rejection.items() if k != "error"}, "rejected")
    unreadable = {**rejection, "source_sha256": None}  # a file that could not be read
    assert not _errors(unreadable, "rejected")


def test_the_readme_points_to_the_schemas():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for kind in schema.KINDS:
        assert f"pipeline/schema/{kind}.schema.json" in readme
