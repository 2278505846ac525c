"""Tests of the repeats step: a headline or paragraph repeated inside a document is kept once."""

from __future__ import annotations

import dataclasses
import datetime as dt

from pipeline.record import BODY, Document, Line
from pipeline.steps import Context, repeats, segment_text
from pipeline.steps import signature as signature_step

P1 = "The council approved the new flood defences on Tuesday after a long debate."
P2 = "Residents of the eastern districts said they had waited for years for the money."
P3 = "Work on the embankments is expected to begin in the spring."
HEADLINE = "Council approves flood defences"


def doc_of(*lines: str, title: str | None = None, removed: list[dict] | None = None) -> Document:
    pieces = tuple(Line(text, BODY, "text", n) for n, text in enumerate(lines))
    return Document(
        source_path="a.txt",
        source_sha256="0" * 64,
        source_bytes=0,
        text="\n".join(lines),
        lines=pieces,
        title=title,
        provenance={"removed": removed or []},
    )


def run(doc: Document, cfg: repeats.Config | None = None) -> tuple[Document, dict]:
    out, prov = repeats.run(doc, cfg or repeats.Config(), Context(run_date=dt.date(2026, 1, 1)))
    assert isinstance(out, Document)
    return out, prov


def test_a_repeated_paragraph_is_removed_once_with_provenance() -> None:
    earlier = {"text": "Share", "label": "chrome", "rule": "share", "line": 9, "start": 0}
    out, prov = run(doc_of(P1, P2, P1.upper() + "  ", P3, removed=[earlier]))
    assert out.text == "\n".join([P1, P2, P3])
    assert prov["removed"][0] == earlier  # earlier entries are kept
    assert prov["removed"][1] == {
        "text": P1.upper() + "  ",
        "label": "repeat",
        "rule": "repeats-paragraph",
        "line": 2,
        "start": 0,
        "repeat_of": 0,
    }
    assert [ln.label for ln in out.lines] == [BODY, BODY, "repeat", BODY]


def test_an_article_pasted_twice_is_kept_once() -> None:
    out, prov = run(doc_of(HEADLINE + " today", P1, P2, HEADLINE + " today", P1, P2))
    assert out.text == "\n".join([HEADLINE + " today", P1, P2])
    assert [r["repeat_of"] for r in prov["removed"]] == [0, 1, 2]


def test_the_title_repeated_in_the_body_is_removed_but_never_the_whole_body() -> None:
    out, prov = run(doc_of(HEADLINE, P1, title=HEADLINE + "!"))
    assert out.text == P1
    assert prov["removed"][0]["rule"] == "repeats-title"
    assert prov["removed"][0]["repeat_of"] == "title"
    alone, prov = run(doc_of(HEADLINE, HEADLINE, title=HEADLINE))
    assert alone.text == HEADLINE and len(prov["removed"]) == 1


def test_short_repeated_lines_are_left_alone() -> None:
    doc = doc_of(P1, "Yes, he said.", P2, "Yes, he said.")
    out, prov = run(doc)
    assert out is doc and prov == {}
    out, prov = run(doc, repeats.Config(min_words=3))
    assert out.text == "\n".join([P1, "Yes, he said.", P2])


def test_nothing_to_do_returns_the_document_unchanged() -> None:
    doc = doc_of(P1, P2, P3, title=HEADLINE)
    assert run(doc) == (doc, {})
    assert run(doc_of(P1, P1), repeats.Config(enabled=False))[0].text == "\n".join([P1, P1])


def test_removed_lines_of_the_segment_step_are_not_compared() -> None:
    doc = doc_of(P1, P2)
    lines = (*doc.lines, Line(P1, "chrome", "menu", 5))
    out, prov = run(dataclasses.replace(doc, lines=lines))
    assert prov == {} and out.text == doc.text


def test_without_lines_the_text_is_read_line_by_line() -> None:
    doc = dataclasses.replace(doc_of(P1, P2, P1), lines=())
    out, _prov = run(doc)
    assert out.text == "\n".join([P1, P2])


def test_after_the_segmenter_a_doubled_article_signs_like_the_article(cfg, ctx) -> None:
    single = "\n".join([HEADLINE, P1, P2, P3])
    doubled = "\n".join([HEADLINE, P1, P2, P3, P1, P2, P3])
    signed = []
    for text in (single, doubled):
        doc = Document(source_path="a.txt", source_sha256="0" * 64, source_bytes=0, text=text)
        doc, _ = segment_text.run(doc, cfg.segment_text, ctx)
        assert isinstance(doc, Document)
        doc, _ = run(doc)
        out, _ = signature_step.run(doc, cfg.signature, ctx)
        assert isinstance(out, Document)
        signed.append(out.meta["signature"]["exact"])
    assert signed[0] == signed[1]
