"""The runner: one outcome per input whatever the bytes, errors counted, provenance uniform."""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RAW
from pipeline.record import Document
from pipeline.runner import STEPS, ShardFailed, process, process_all

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
