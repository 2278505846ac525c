"""The runner: one outcome per input whatever the bytes, errors counted, provenance uniform."""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RAW
from pipeline.record import Document, output_record
from pipeline.runner import STEPS, ShardFailed, prepare, process, process_all

NAMES = st.sampled_from(["a.txt", "b.html", "c.txt.gz", "d.htm", "e", "f.bin", "g/h.txt"])


def make_doc(name: str, data: bytes) -> Document:
    digest = hashlib.sha256(data).hexdigest()
    return Document(source_path=name, source_sha256=digest, source_bytes=len(data), raw=data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES, data=st.binary(max_size=3000) | st.text(max_size=3000).map(str.encode))
def test_any_bytes_give_exactly_one_clean_outcome(cfg, ctx, name, data):
    outcome = process(make_doc(name, data), cfg, ctx, "0" * 64)
    assert (outcome.doc is None) != (outcome.rejection is None)
    if outcome.rejection:
        assert outcome.rejection.reason and outcome.rejection.error.startswith(name)
        assert not outcome.rejection.reason.startswith("error:"), outcome.rejection
    else:
        text = outcome.doc.text
        assert text and unicodedata.normalize("NFC", text) == text
        # format characters go, but ZWNJ and ZWJ, which Persian and Indic words need (repair)
        assert all(
            ch in "\n\u200c\u200d" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
            for ch in text
        )


def test_every_step_records_its_version(cfg, ctx):
    data = (RAW / "002_bf9c0ceb983e1a5f.txt").read_bytes()
    outcome = process(make_doc("002.txt", data), cfg, ctx, "f" * 64)
    prov = outcome.doc.provenance
    assert list(prov["steps"]) == [
        "load", "repair", "segment_text", "repeats", "scripts", "language", "dates", "signature",
    ]  # fmt: skip
    assert prov["config_sha256"] == "f" * 64
    assert prov["source_sha256"] == hashlib.sha256(data).hexdigest()
    assert set(outcome.seconds) == set(prov["steps"])
    assert len(STEPS) == 8


def test_an_unexpected_error_is_a_counted_drop_and_too_many_fail_the_shard(cfg, ctx):
    # A size limit of None (built directly, past the validator) makes the load step raise
    # TypeError on every document: the same path a broken library would take.
    broken = dataclasses.replace(cfg, load=dataclasses.replace(cfg.load, max_bytes=None))
    docs = [make_doc(f"{i}.txt", b"Some words here.") for i in range(5)]
    outcomes = []
    with pytest.raises(ShardFailed, match="5 of 5 documents failed"):
        for outcome in process_all(docs, broken, ctx, "0" * 64):
            outcomes.append(outcome)
    assert [o.rejection.reason for o in outcomes] == ["error:TypeError"] * 5
    assert all(o.rejection.stage == "load" for o in outcomes)


def _record(outcome):
    return output_record(outcome.doc) if outcome.doc else outcome.rejection.to_json()


@pytest.mark.parametrize(
    "name", ["002_bf9c0ceb983e1a5f.txt", "103_seed000_mojibake.txt", "102_seed004_utf16.txt"]
)
def test_a_document_prepared_by_the_facts_pass_ends_as_if_processed_from_its_start(cfg, ctx, name):
    doc = make_doc(name, (RAW / name).read_bytes())
    facts, prepared = prepare(doc, cfg, ctx, "f" * 64)
    assert facts is not None and prepared is not None
    assert list(prepared.seconds) == ["load", "repair"] and prepared.steps == 2
    resumed, whole = (
        process(prepared.doc, cfg, ctx, "f" * 64, prepared),
        process(doc, cfg, ctx, "f" * 64),
    )
    assert _record(resumed) == _record(whole)
    assert list(resumed.seconds) == list(whole.seconds)  # every step timed, load and repair too


def test_html_and_unreadable_inputs_are_not_prepared(cfg, ctx):
    page = make_doc("100_news_page.html", (RAW / "100_news_page.html").read_bytes())
    assert prepare(page, cfg, ctx, "f" * 64) == (None, None)
    html_inside = make_doc("page", b"<!DOCTYPE html><html><body><p>Hello there.</p></body></html>")
    assert prepare(html_inside, cfg, ctx, "f" * 64) == (None, None)  # HTML by its content
    assert prepare(make_doc("empty.txt", b""), cfg, ctx, "f" * 64) == (None, None)
