"""HTML segment step: trafilatura's main text and metadata, every left-out block recorded."""

from __future__ import annotations

import dataclasses

from conftest import RAW
from pipeline.record import Document, Drop
from pipeline.steps import segment_html

PAGE = (RAW / "100_news_page.html").read_text(encoding="utf-8")


def run_html(cfg, ctx, html: str, **overrides):
    step_cfg = dataclasses.replace(cfg.segment_html, **overrides)
    doc = Document(source_path="p.html", source_sha256="0", source_bytes=0, text=html)
    return segment_html.run(dataclasses.replace(doc, input_format="html"), step_cfg, ctx)


def test_the_article_is_kept_and_the_chrome_recorded(cfg, ctx):
    doc, prov = run_html(cfg, ctx, PAGE)
    assert doc.text.startswith("Colombia is shoring up its military presence")
    lowered = doc.text.lower()
    for chrome in ("cookie", "newsletter", "all rights reserved", "reply"):
        assert chrome not in lowered
    removed = [r["text"] for r in prov["removed"] if r["label"] == "boilerplate"]
    assert any("cookie" in text.lower() for text in removed)
    assert doc.title and doc.meta["html"]["date"] == "2026-01-05"


def test_recording_removed_blocks_can_be_turned_off(cfg, ctx):
    doc, prov = run_html(cfg, ctx, PAGE, record_removed=False)
    assert not [r for r in prov["removed"] if r["label"] == "boilerplate"]
    assert doc.text == run_html(cfg, ctx, PAGE)[0].text


def test_leftover_chrome_in_the_main_text_is_cleaned_by_the_text_rules(cfg, ctx):
    page = (
        "<html><body><article><h1>Council approves budget</h1>"
        + "<p>The city council approved the new budget on Tuesday after a long debate.</p>" * 3
        + "<p>Read more: Transit fares to rise in spring</p>"
        + "<p>Officials said the plan would add teachers and repair three old buildings.</p>" * 3
        + "</article></body></html>"
    )
    doc, prov = run_html(cfg, ctx, page)
    assert "Read more" not in doc.text
    assert {"label": "related", "rule": "related-link"}.items() <= prov["removed"][0].items()
    kept, _ = run_html(cfg, ctx, page, clean_with_text_rules=False)
    assert "Read more" in kept.text


def test_a_page_without_main_text_is_dropped(cfg, ctx):
    result, _ = run_html(cfg, ctx, "<html><body><script>var x = 1;</script></body></html>")
    assert isinstance(result, Drop) and result.reason == "no-content-after-cleaning"
