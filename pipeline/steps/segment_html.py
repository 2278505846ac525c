"""HTML segment step: trafilatura finds the main text and metadata; every visible block it left
out is recorded as removed boilerplate."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import regex
import trafilatura
from lxml import etree
from trafilatura import metadata as trafilatura_metadata

from pipeline.html_author import page_author
from pipeline.record import BODY, Document, Drop, Line
from pipeline.render import parse_html, visible_lines_of
from pipeline.steps import Context, StepOutput
from pipeline.steps.load import PARSED_HTML
from pipeline.steps.repair import normalise_spaces
from pipeline.steps.segment_text import (
    Rules,
    any_zone_rules,
    byline_pattern,
    opens_with_dated_cue,
    word_count,
)

NAME = "segment_html"
VERSION = "1"


@dataclass(frozen=True)
class Config:
    # trafilatura: prefer precision (less text, less chrome); measured better F1 on news pages
    favor_precision: bool = True
    # trafilatura: keep the comments section as part of the text (off: comments are not the article)
    include_comments: bool = False
    # trafilatura: keep the text of <table> elements
    include_tables: bool = True
    # htmldate: also search the page text for dates (off: only markup and metadata are trusted)
    date_extensive_search: bool = False
    # with favor_precision: when the main text has fewer words than this, extract again without it
    fallback_below_words: int = field(default=100, metadata={"min": 0})
    # ... and use that second text when the precise one has less than this share of its length
    # (precision mode sometimes keeps a notice and drops the article)
    fallback_share: float = field(default=0.25, metadata={"min": 0.0, "max": 1.0})
    # remove lines of the extracted text that the plain-text rules label anywhere in a document
    # (captions, share bars, related links, comment headings ...)
    clean_with_text_rules: bool = True
    # the plain-text line rules (segment_text.rules_file), loaded with the configuration
    rules: Rules = Rules()
    # a left-out line opening with a byline cue and at most this many words is a byline
    max_byline_words: int = field(default=16, metadata={"min": 1})
    # record every visible block trafilatura left out in provenance.removed
    record_removed: bool = True
    # trafilatura's fast mode: skip comparing its extraction with its readability and jusText
    # fallbacks (faster, lower F1: off keeps the HTML quality target)
    fast: bool = False


_FOLD = re.compile(r"\W+")


def _fold(text: str) -> str:
    return _FOLD.sub(" ", text.casefold()).strip()


def extract(
    html: str | etree._Element,
    cfg: Config,
    run_date: str,
    precision: bool,
    with_metadata: bool = True,
) -> dict[str, Any] | None:
    """trafilatura's main text (and, with_metadata, its metadata) as a dict, or None when it
    finds nothing. The text does not depend on the metadata.

    A parsed tree is left as it is: trafilatura 2 works on its own copy.
    """
    result = trafilatura.bare_extraction(
        html,
        with_metadata=with_metadata,
        include_comments=cfg.include_comments,
        include_tables=cfg.include_tables,
        favor_precision=precision,
        fast=cfg.fast,
        deduplicate=False,  # its process-wide cache would make output depend on earlier documents
        date_extraction_params=_date_params(cfg, run_date),
    )
    if result is None:
        return None
    data: dict[str, Any] = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    return data


def _date_params(cfg: Config, run_date: str) -> dict[str, Any]:
    """htmldate's options: the date as published, searched in markup and metadata (and the
    text when configured), never after the run date."""
    return {
        "original_date": True,
        "extensive_search": cfg.date_extensive_search,
        "max_date": run_date,
    }


# The metadata the step keeps (provenance segment.metadata, the title, htmldate's date)
_KEPT_METADATA = ("title", "date", "author", "sitename", "url", "description")


def page_metadata(tree: etree._Element, cfg: Config, run_date: str) -> dict[str, Any]:
    """trafilatura's metadata of a page, worked out as trafilatura.metadata.extract_metadata
    does (meta tags, JSON-LD, title, author, URL, htmldate's date, site name, then trimmed)
    without the categories, tags, licence and host name, which the step does not keep and which
    cost about two thirds of that function's time; the author is read as
    trafilatura.metadata.extract_author reads it, without copying the page (html_author). The
    tree is not changed."""
    meta = trafilatura_metadata.examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None
    with contextlib.suppress(Exception):  # trafilatura goes on without JSON-LD metadata too
        meta = trafilatura_metadata.extract_meta_json(tree, meta)
    if not meta.title:
        meta.title = trafilatura_metadata.extract_title(tree)
    if not meta.author:
        meta.author = page_author(tree)
    if not meta.url:
        meta.url = trafilatura_metadata.extract_url(tree, None)
    date_config = {**_date_params(cfg, run_date), "url": meta.url}
    meta.date = trafilatura_metadata.find_date(tree, **date_config)
    if not meta.sitename:
        meta.sitename = trafilatura_metadata.extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")
        if meta.sitename and "." not in meta.sitename and not meta.sitename[0].isupper():
            meta.sitename = meta.sitename.title()
    elif meta.url:
        found = trafilatura_metadata.META_URL.match(meta.url)
        if found:
            meta.sitename = found[1]
    meta.filedate = date_config.get("max_date")
    meta.clean_and_trim()
    return {key: getattr(meta, key) for key in _KEPT_METADATA}


_PUBLISHED_KEYS = (
    "article:published_time", "datepublished", "date", "pubdate", "publishdate", "dc.date",
    "dc.date.issued", "dcterms.created", "dcterms.issued", "og:published_time",
    "sailthru.date", "publication_date", "citation_publication_date", "created",
)  # fmt: skip
_UPDATED_KEYS = (
    "article:modified_time", "datemodified", "og:updated_time", "last-modified", "dc.date.modified",
    "dcterms.modified", "modified",
)  # fmt: skip
_JSON_DATE = re.compile(r'"(datePublished|dateCreated|dateModified)"\s*:\s*"([^"]{4,40})"')


def metadata_dates(tree: etree._Element) -> dict[str, Any]:
    """The raw strings of a page's publication-date metadata (meta tags, <time datetime>,
    JSON-LD datePublished) and its modified date, read before any library normalises them:
    htmldate reads "01/03/2026" day-first without saying so, and falls back to the modified
    date when there is no published one."""
    published: list[str] = []
    updated: list[str] = []
    times: list[str] = []
    scripts: list[str] = []
    for el in tree.iter("meta", "time", "script"):  # one walk; read in the order meta, time, script
        tag = el.tag
        if tag == "meta":
            key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
            value = (el.get("content") or "").strip()
            if not value:
                continue
            if key in _PUBLISHED_KEYS:
                published.append(value)
            elif key in _UPDATED_KEYS:
                updated.append(value)
        elif tag == "time":
            if el.get("itemprop", "").lower() == "datemodified":
                continue
            if el.get("datetime"):
                times.append(el.get("datetime", "").strip())
        elif (el.get("type") or "").lower() == "application/ld+json" and el.text:
            scripts.append(el.text)
    published += times
    for script in scripts:
        for key, value in _JSON_DATE.findall(script):
            (updated if key == "dateModified" else published).append(value)
    iso = re.compile(r"^\d{4}-\d{2}-\d{2}")
    found: dict[str, Any] = {"date_updated": next((u[:10] for u in updated if iso.match(u)), None)}
    if published:  # without any, the dates step checks the date against the page's own lines
        found["date_strings"] = published
    return found


def _main_text(data: dict[str, Any] | None) -> str:
    return normalise_spaces((data or {}).get("text") or "")


_WORDS = re.compile(r"\w+")
_DIGIT = regex.compile(r"\d")


def removed_blocks(
    visible: list[str], body: list[str], cfg: Config, run_date: dt.date
) -> list[Line]:
    """The visible blocks of the page that are not part of the kept text (compared folded:
    case and punctuation aside), each labelled: a left-out byline or dated header line ("Von
    Jonas Weber — Veröffentlicht am 8. September 2020") as such, so the dates step can read
    it, the rest as boilerplate."""
    kept = _fold("\n".join(body))
    # _fold of every block (its words joined by one space), casefolded at once: the blocks hold
    # no line break
    words = _WORDS.findall
    folded = [" ".join(words(block)) for block in "\n".join(visible).casefold().split("\n")]
    byline = byline_pattern(cfg.rules)
    out: list[Line] = []
    append = out.append
    for number, block in enumerate(visible):
        fold = folded[number]
        if not fold or fold in kept:
            continue
        if byline and byline.match(block) and word_count(block) <= cfg.max_byline_words:
            append(Line(block, "byline", "byline-cue", number))
        elif _DIGIT.search(block) and opens_with_dated_cue(block, run_date):
            append(Line(block, "dateline", "dateline-cue", number))
        else:
            append(Line(block, "boilerplate", "trafilatura:not-main-text", number))
    return out


def _parsed(doc: Document) -> etree._Element | None:
    """The page as the load step parsed it (for its limits), else parsed here."""
    handed = doc.meta.get(PARSED_HTML)
    if handed is not None and (handed[0] is doc.text or handed[0] == doc.text):
        tree: etree._Element = handed[1]
        return tree
    return parse_html(doc.text)


_WORD_RUN = regex.compile(r"\w+")


def _fewer_words(text: str, limit: int) -> bool:
    """word_count(text) < limit, without counting past the limit in a long text."""
    if limit <= 0:
        return False
    for number, _ in enumerate(_WORD_RUN.finditer(text), 1):
        if number >= limit:
            return False  # word_count adds to these runs (CJK and Thai letters), never less
    return word_count(text) < limit


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    run_date = ctx.run_date.isoformat()
    # One parse serves the limits of the load step, the account of what was left out and
    # trafilatura (which works on a copy of the tree it is given).
    tree = _parsed(doc)
    visible = visible_lines_of(tree) if tree is not None and cfg.record_removed else []
    dates_meta = (
        metadata_dates(tree) if tree is not None else {"date_strings": [], "date_updated": None}
    )
    data = extract(
        tree if tree is not None else doc.text, cfg, run_date, cfg.favor_precision, False
    )
    # the page the metadata is read from: trafilatura reads it from the tree it extracted from
    metadata_tree = tree
    text = _main_text(data)
    segment: dict[str, Any] = {"method": "trafilatura", "favor_precision": cfg.favor_precision}
    if cfg.favor_precision and _fewer_words(text, cfg.fallback_below_words):
        other = extract(doc.text, cfg, run_date, precision=False, with_metadata=False)
        other_text = _main_text(other)
        if len(text) < cfg.fallback_share * len(other_text):
            segment["fallback"] = {
                "reason": "precision mode kept too little of the page",
                "precise_words": word_count(text),
                "default_words": word_count(other_text),
            }
            data, text, metadata_tree = other, other_text, None
    if data is not None:  # read as trafilatura reads the page it is given
        if metadata_tree is None:
            metadata_tree = trafilatura.load_html(doc.text)
        if metadata_tree is not None:
            data = {**data, **page_metadata(metadata_tree, cfg, run_date)}
    lines: list[Line] = []
    texts = [ln for ln in text.split("\n") if ln]
    rules = any_zone_rules(texts, cfg.rules) if cfg.clean_with_text_rules else [None] * len(texts)
    for number, (line, rule) in enumerate(zip(texts, rules, strict=True)):
        if rule is None:
            lines.append(Line(line, BODY, "trafilatura:main-text", number))
        else:
            lines.append(Line(line, rule.label, rule.name, number))
    body = [ln.text for ln in lines if ln.label == BODY]
    if not body:
        reason = "trafilatura found no main text in the page"
        return Drop("no-content-after-cleaning", reason), {}
    if cfg.record_removed:
        lines += removed_blocks(visible, body, cfg, ctx.run_date)
    meta = {key: data.get(key) if data else None for key in _KEPT_METADATA}
    meta.update(dates_meta)
    if meta["date"] and "date_strings" not in meta and meta["date"] == meta["date_updated"]:
        meta["date"] = None  # htmldate falls back to the modified date: that is not publication
    title = normalise_spaces(meta["title"]) if meta["title"] else None
    new = dataclasses.replace(
        doc,
        text="\n".join(body),
        lines=tuple(lines),
        title=title or None,
        meta={**{k: v for k, v in doc.meta.items() if k != PARSED_HTML}, "html": meta},
    )
    segment["metadata"] = {k: v for k, v in meta.items() if v}
    prov = {"removed": [ln.to_json() for ln in lines if ln.label != BODY], "segment": segment}
    return new, prov
