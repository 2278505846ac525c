"""HTML segment step: trafilatura finds the main text and metadata; every visible block it left
out is recorded as removed boilerplate."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

import trafilatura

from pipeline.record import BODY, Document, Drop, Line
from pipeline.render import visible_lines
from pipeline.steps import Context, StepOutput
from pipeline.steps.repair import normalise_spaces

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
    # record every visible block trafilatura left out in provenance.removed
    record_removed: bool = True


_FOLD = re.compile(r"\W+")


def _fold(text: str) -> str:
    return _FOLD.sub(" ", text.casefold()).strip()


def extract(html: str, cfg: Config, run_date: str) -> dict[str, Any] | None:
    """trafilatura's main text and metadata as a dict, or None when it finds nothing."""
    result = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=cfg.include_comments,
        include_tables=cfg.include_tables,
        favor_precision=cfg.favor_precision,
        deduplicate=False,  # its process-wide cache would make output depend on earlier documents
        date_extraction_params={
            "original_date": True,
            "extensive_search": cfg.date_extensive_search,
            "max_date": run_date,
        },
    )
    if result is None:
        return None
    data: dict[str, Any] = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    return data


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    data = extract(doc.text, cfg, ctx.run_date.isoformat())
    text = normalise_spaces((data or {}).get("text") or "")
    body = [ln for ln in text.split("\n") if ln]
    if not body:
        reason = "trafilatura found no main text in the page"
        return Drop("no-content-after-cleaning", reason), {}
    lines = [Line(t, BODY, "trafilatura:main-text", i) for i, t in enumerate(body)]
    if cfg.record_removed:
        kept = _fold("\n".join(body))
        for number, visible in enumerate(visible_lines(doc.text)):
            folded = _fold(visible)
            if folded and folded not in kept:
                lines.append(Line(visible, "boilerplate", "trafilatura:not-main-text", number))
    meta = {
        key: data.get(key) if data else None
        for key in ("title", "date", "author", "sitename", "url", "description")
    }
    title = normalise_spaces(meta["title"]) if meta["title"] else None
    new = dataclasses.replace(
        doc,
        text="\n".join(body),
        lines=tuple(lines),
        title=title or None,
        meta={**doc.meta, "html": meta},
    )
    prov = {
        "removed": [ln.to_json() for ln in lines if ln.label != BODY],
        "segment": {
            "method": "trafilatura",
            "metadata": {k: v for k, v in meta.items() if v},
        },
    }
    return new, prov
