"""Tests of the signature step: normalisation, shingles, exact hash, MinHash determinism."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.record import Document
from pipeline.steps import Context
from pipeline.steps import signature as signature_step
from pipeline.steps.signature import Config, normalise_for_hash, shingles

REPO = Path(__file__).resolve().parent.parent
CTX = Context(run_date=dt.date(2026, 1, 1))

PARAGRAPH = (
    "The harbour authority confirmed on Monday that the old ferry terminal will close at the end "
    "of the summer, ending more than a century of crossings from the eastern pier. Passengers "
    "will be moved to a new terminal two kilometres along the coast, which has a larger car park "
    "and a covered waiting area but is further from the town centre and the railway station. "
    "Shop owners near the old pier fear that the loss of daily foot traffic will force several "
    "cafés and a bookshop to close, and they have asked the council for help with rents during "
    "the first winter. The authority said it would run a free shuttle bus between the station "
    "and the new terminal for at least two years."
)


def sign(text: str, cfg: Config | None = None, meta: dict[str, object] | None = None) -> Document:
    doc = Document(
        source_path="a.txt", source_sha256="0" * 64, source_bytes=0, text=text, meta=meta or {}
    )
    out, _prov = signature_step.run(doc, cfg or Config(), CTX)
    assert isinstance(out, Document)
    return out


# --- normalisation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Hello, World!", "hello world"),
        ("  many   spaces\n\tand\r\nlines  ", "many spaces and lines"),
        ("Straße — STRASSE", "strasse strasse"),  # casefold, dash is a separator
        ("ＦＵＬＬ－ｗｉｄｔｈ", "full width"),  # NFKC
        ("ﬁnal ligature", "final ligature"),  # NFKC
        ("infor\u00admation", "information"),  # soft hyphen is deleted, not a space
        ("zero\u200bwidth", "zerowidth"),
        ("snake_case and emoji ❤️ here", "snake case and emoji here"),
        ("café vs cafe\u0301", "café vs café"),  # composed either way
        ("£1,000.50", "1 000 50"),
        ("", ""),
        (" ... !!! ", ""),
    ],
)
def test_normalise_for_hash(raw: str, expected: str) -> None:
    assert normalise_for_hash(raw) == expected


@given(st.text())
def test_normalisation_is_idempotent_and_canonical(text: str) -> None:
    once = normalise_for_hash(text)
    assert normalise_for_hash(once) == once
    assert once == once.strip()
    assert "  " not in once


# --- shingles ------------------------------------------------------------------------------


def test_shingles_are_k_consecutive_normalised_words() -> None:
    assert shingles("One, two. THREE four!", 2) == {"one two", "two three", "three four"}


def test_a_text_shorter_than_a_shingle_is_one_shingle() -> None:
    assert shingles("Just three words.", 5) == {"just three words"}
    assert shingles("exactly five words in here", 5) == {"exactly five words in here"}


def test_an_empty_text_has_no_shingles() -> None:
    assert shingles("", 5) == set()
    assert shingles(" -- ", 5) == set()


def test_shingle_size_must_be_positive() -> None:
    with pytest.raises(ValueError):
        shingles("a b c", 0)


# --- the step ------------------------------------------------------------------------------


def test_run_writes_meta_and_provenance() -> None:
    doc = Document(source_path="a.txt", source_sha256="0" * 64, source_bytes=0, text=PARAGRAPH)
    out, prov = signature_step.run(doc, Config(), CTX)
    assert isinstance(out, Document)
    sig = out.meta["signature"]
    expected_exact = hashlib.sha256(normalise_for_hash(PARAGRAPH).encode()).hexdigest()
    assert sig["exact"] == expected_exact
    assert isinstance(sig["minhash"], list)
    assert len(sig["minhash"]) == 128
    assert all(isinstance(v, int) and 0 <= v < 2**32 for v in sig["minhash"])
    assert prov == {"signature": {"exact": expected_exact, "shingles": len(shingles(PARAGRAPH, 5))}}
    assert json.loads(json.dumps(out.meta)) == out.meta
    assert doc.meta == {}  # the input record is not mutated
    assert out.text == doc.text


def test_run_keeps_other_meta() -> None:
    out = sign(PARAGRAPH, meta={"html_title": "Ferry"})
    assert out.meta["html_title"] == "Ferry"
    assert set(out.meta) == {"html_title", "signature"}


def test_case_whitespace_punctuation_variants_have_the_same_signature() -> None:
    base = sign(PARAGRAPH).meta["signature"]
    variant = sign(PARAGRAPH.upper().replace(". ", "...\n\n").replace(",", " ;")).meta["signature"]
    assert variant == base


def test_a_changed_word_changes_the_exact_hash_but_not_most_of_the_minhash() -> None:
    base = sign(PARAGRAPH).meta["signature"]
    edited = sign(PARAGRAPH.replace("free shuttle bus", "free minibus")).meta["signature"]
    assert edited["exact"] != base["exact"]
    agreeing = sum(a == b for a, b in zip(base["minhash"], edited["minhash"], strict=True))
    assert agreeing > 128 * 0.8


def test_empty_text_gives_an_empty_signature() -> None:
    out, prov = signature_step.run(
        Document(source_path="a.txt", source_sha256="0" * 64, source_bytes=0, text=""),
        Config(),
        CTX,
    )
    assert isinstance(out, Document)
    assert out.meta["signature"] == {"exact": hashlib.sha256(b"").hexdigest(), "minhash": []}
    assert prov["signature"]["shingles"] == 0


def test_num_perm_and_seed_are_honoured() -> None:
    default = sign(PARAGRAPH).meta["signature"]["minhash"]
    assert len(sign(PARAGRAPH, Config(num_perm=64)).meta["signature"]["minhash"]) == 64
    assert sign(PARAGRAPH, Config(seed=2)).meta["signature"]["minhash"] != default
    assert sign(PARAGRAPH, Config(seed=2**64 - 1)).meta["signature"]["minhash"]


def test_signature_is_deterministic_within_a_process() -> None:
    assert sign(PARAGRAPH).meta == sign(PARAGRAPH).meta


_CHILD = """
import datetime as dt, json, sys
from pipeline.record import Document
from pipeline.steps import Context
from pipeline.steps import signature
doc = Document(source_path="a.txt", source_sha256="0" * 64, source_bytes=0, text=sys.stdin.read())
out, prov = signature.run(doc, signature.Config(), Context(run_date=dt.date(2026, 1, 1)))
print(json.dumps({"meta": out.meta, "prov": prov, "hash": hash("salted")}))
"""


def _signature_in_subprocess(text: str, hashseed: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD],
        input=text,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=True,
        timeout=60,
    )
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def test_signatures_are_deterministic_across_processes() -> None:
    text = PARAGRAPH + " Ünïcödé, 漢字 and кириллица too."
    first = _signature_in_subprocess(text, "1")
    second = _signature_in_subprocess(text, "2")
    assert first["hash"] != second["hash"]  # the str hash really was salted differently
    assert first["meta"] == second["meta"]
    assert first["prov"] == second["prov"]
    here = sign(text)
    assert first["meta"] == json.loads(json.dumps(here.meta))


def test_the_minhash_does_not_depend_on_the_order_shingles_are_fed_in() -> None:
    from rensa import RMinHash

    shingle_set = shingles(PARAGRAPH, 5)
    expected = signature_step.minhash(shingle_set, 128, 1)
    for order in (sorted(shingle_set), sorted(shingle_set, reverse=True), list(shingle_set)):
        sketch = RMinHash(128, 1)
        sketch.update(order)
        assert [int(v) for v in sketch.digest()] == expected


@given(st.text(alphabet=st.sampled_from("ab cd,.\nÉé"), max_size=80), st.integers(1, 6))
def test_shingles_are_every_run_of_k_words(text: str, k: int) -> None:
    words = normalise_for_hash(text).split(" ") if normalise_for_hash(text) else []
    expected = (
        {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}
        if len(words) > k
        else ({" ".join(words)} if words else set())
    )
    assert shingles(text, k) == expected


def test_sign_is_what_the_step_records() -> None:
    out = sign(PARAGRAPH)
    exact, minhash, count, normalised = signature_step.sign(PARAGRAPH, Config())
    assert out.meta["signature"] == {"exact": exact, "minhash": minhash}
    assert count == len(shingles(PARAGRAPH, 5))
    assert normalised == normalise_for_hash(PARAGRAPH)


def _normalise_slowly(text: str) -> str:
    """The general path of normalise_for_hash, without the ASCII shortcut."""
    import unicodedata

    text = signature_step._FORMAT_CHARS.sub("", text)
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    text = signature_step._ORPHAN_MARKS.sub("", text)
    return str(signature_step._NON_WORD.sub(" ", text).strip())


# ASCII, the characters the shortcut reads as spaces, and look-alikes it must not take: the
# trade mark sign (NFKC: "TM"), ordinals and superscripts, a soft hyphen and a zero-width space
# (deleted, not spaces), a combining accent, accented letters, the Kelvin sign, full-width "Ａ".
_TRICKY = (
    "aZ09 _-.,'\"\n\t\x00\x7f"
    + "".join(signature_step._TYPOGRAPHIC)
    + ("™ªº²½\u00ad\u200b\u0301éÉ\u212aＡ\u2122")
)


@given(st.text(alphabet=st.sampled_from(_TRICKY), max_size=60))
def test_the_ascii_shortcut_gives_what_the_general_path_gives(text: str) -> None:
    assert normalise_for_hash(text) == _normalise_slowly(text)


def test_the_ascii_shortcut_on_real_bodies() -> None:
    bodies = json.loads((REPO / "bench/data/scrapinghub/ground-truth.json").read_text())
    texts = [b["articleBody"] for b in bodies.values()]
    shortcut = 0
    for text in texts:
        assert normalise_for_hash(text) == _normalise_slowly(text)
        plain = text
        for char in signature_step._TYPOGRAPHIC:
            plain = plain.replace(char, " ")
        shortcut += plain.isascii()
    assert shortcut > len(texts) / 2  # the shortcut is the common case
