"""HTML segment step: trafilatura's main text and metadata, every left-out block recorded."""

from __future__ import annotations

import dataclasses

import pytest

from conftest import RAW
from pipeline.config import ConfigError, parse_config
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


ARTICLE_HTML = (
    "<article><h1>Council approves budget</h1>"
    + "<p>The city council approved the new budget on Tuesday after a long debate.</p>" * 4
    + "</article>"
)


def test_the_raw_date_metadata_is_kept_for_the_dates_step(cfg, ctx):
    page = (
        '<html><head><meta name="date" content="02/01/2024">'
        '<meta property="article:modified_time" content="2024-03-05T10:00:00Z"></head>'
        f"<body>{ARTICLE_HTML}</body></html>"
    )
    doc, _ = run_html(cfg, ctx, page)
    assert doc.meta["html"]["date_strings"] == ["02/01/2024"]
    assert doc.meta["html"]["date_updated"] == "2024-03-05"


def test_a_modified_date_alone_is_not_a_publication_date(cfg, ctx):
    page = (
        '<html><head><meta property="article:modified_time" content="2020-08-11T06:00:00Z">'
        f"</head><body>{ARTICLE_HTML}</body></html>"
    )
    doc, _ = run_html(cfg, ctx, page)
    assert doc.meta["html"]["date"] is None
    assert doc.meta["html"]["date_updated"] == "2020-08-11"


def test_a_left_out_byline_with_a_date_is_labelled_for_the_dates_step(cfg, ctx):
    byline = "Von Jonas Weber — Veröffentlicht am 8. September 2020"
    page = f'<html><body><div class="byline">{byline}</div>{ARTICLE_HTML}</body></html>'
    _, prov = run_html(cfg, ctx, page)
    assert {"text": byline, "label": "byline"}.items() <= next(
        r for r in prov["removed"] if r["text"] == byline
    ).items()


def test_the_visible_text_is_a_line_per_block_without_scripts_or_styles():
    from pipeline.render import visible_lines

    html = (
        "<html><head><title>T</title><style>p {color: red}</style></head><body>"
        "<nav><ul><li>Home</li><li><a href='/n'>News</a></li></ul></nav>"
        "<p>First <b>bold</b> words<script>var x = 1;</script> and the tail.</p>"
        "<div>Two<br>lines<noscript>Enable JavaScript</noscript></div>"
        "<p>   spaced \t out   </p></body></html>"
    )
    assert visible_lines(html) == [
        "Home", "News", "First bold words and the tail.", "Two", "lines", "spaced out",
    ]  # fmt: skip


def test_the_stylesheet_and_the_python_walk_render_a_page_alike():
    # The stylesheet is the fast path; the walk serves trees nested deeper than libxslt allows.
    from pipeline.render import _visible_text_walk, parse_html, visible_lines_of

    tree = parse_html(PAGE)
    walked = [" ".join(line.split()) for line in _visible_text_walk(tree).split("\n")]
    assert visible_lines_of(tree) == [line for line in walked if line]
    assert len(visible_lines_of(tree)) > 10


def test_the_page_parsed_by_the_load_step_serves_the_segment_step(cfg, ctx):
    """The load step parses an HTML page once (for its limits) and hands the tree on: the
    segment step's result is the same as from its own parse, and the tree goes no further."""
    from pipeline.steps import load
    from pipeline.steps.load import PARSED_HTML

    raw = Document(
        source_path="p.html", source_sha256="0", source_bytes=0, raw=PAGE.encode("utf-8")
    )
    loaded, _ = load.run(raw, cfg.load, ctx)
    assert loaded.meta[PARSED_HTML][0] is loaded.text
    handed, handed_prov = segment_html.run(loaded, cfg.segment_html, ctx)
    alone = dataclasses.replace(loaded, meta={})
    parsed_here, parsed_here_prov = segment_html.run(alone, cfg.segment_html, ctx)
    assert handed == parsed_here and handed_prov == parsed_here_prov
    assert PARSED_HTML not in handed.meta
    # the tree is left as it was: a second run on the same loaded document gives the same
    assert segment_html.run(loaded, cfg.segment_html, ctx) == (handed, handed_prov)
    # a tree of another text is not used
    other = dataclasses.replace(loaded, text=ARTICLE_HTML)
    text = segment_html.run(other, cfg.segment_html, ctx)[0].text
    assert "The city council approved" in text and "Colombia" not in text


def test_the_page_metadata_is_trafilaturas_without_what_the_step_does_not_keep(cfg):
    """The step reads a page's metadata as trafilatura.metadata.extract_metadata does, minus
    categories, tags and licence: the same title, date, author, site name, URL and summary."""
    import gzip
    from pathlib import Path

    from trafilatura.metadata import extract_metadata

    from pipeline.render import parse_html
    from pipeline.steps.segment_html import _date_params, page_metadata

    pages = sorted((Path(__file__).parent.parent / "bench/data/scrapinghub/html").glob("*.gz"))
    for path in pages[::12]:
        tree = parse_html(gzip.decompress(path.read_bytes()).decode("utf-8"))
        params = _date_params(cfg.segment_html, "2026-11-21")
        theirs = extract_metadata(tree, None, params, False, set()).as_dict()
        ours = page_metadata(tree, cfg.segment_html, "2026-11-21")
        assert ours == {key: theirs[key] for key in ours}, path.name
        assert ours["title"], path.name


def test_fast_mode_is_off_by_default_and_can_be_set(cfg):
    assert cfg.segment_html.fast is False
    assert parse_config({"segment_html": {"fast": True}}).segment_html.fast is True
    with pytest.raises(ConfigError, match=r"key .segment_html\.fast. must be true or false"):
        parse_config({"segment_html": {"fast": "sometimes"}})


def test_fast_mode_still_finds_the_article(cfg, ctx):
    doc, _ = run_html(cfg, ctx, PAGE, fast=True)
    assert doc.text.startswith("Colombia is shoring up its military presence")
    assert doc.meta["html"]["date"] == "2026-01-05"
