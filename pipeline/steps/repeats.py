"""Repeats step: a headline or paragraph that occurs twice in one document is kept once.

Scraped pages often carry the same block twice: the headline above the article and again as
its first line, a standfirst repeated as the first paragraph, a paragraph duplicated by a
"read more" expansion, or the whole article pasted twice. This step removes every later
occurrence and records it.

Input: doc.lines (the segment step's labelled lines; when empty, doc.text line by line) and
doc.title. Two lines are the same when their normalised forms are equal
(`signature.normalise_for_hash`: case, compatibility forms, punctuation and whitespace folded),
so the text the duplicate detector hashes never contains a paragraph twice.

Removed, in body order:

* a body line equal to an earlier body line of the document, when it has at least `min_words`
  words (shorter repeats, such as "Yes." in an interview or "Advertisement", are left to the
  segment rules): label "repeat", rule "repeats-paragraph";
* a body line equal to the title (from HTML metadata; the plain-text segmenter already takes
  the title line out of the body and labels its repeats "title-repeat"), when it has at least
  `min_words` words: label "repeat", rule "repeats-title";

but never the last body line of the document: the first occurrence always stays.

Output: doc.text (the remaining body lines), doc.lines (the repeats relabelled) and the
provenance entry {"removed": [... every earlier entry, then one per repeat, with "repeat_of":
the line number of the occurrence kept, or "title"]}.

Where it runs: right after the segment step, so that scripts, language, dates and the
signature all see the text without its repeats.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from pipeline.record import BODY, Document, Line
from pipeline.steps import Context, StepOutput
from pipeline.steps.signature import normalise_for_hash

NAME = "repeats"
VERSION = "1"
LABEL = "repeat"


@dataclass(frozen=True)
class Config:
    # remove later copies of a headline or paragraph repeated inside one document
    enabled: bool = True
    # ... that have at least this many words (shorter repeated lines are left alone)
    min_words: int = field(default=4, metadata={"min": 1})


def _lines_of(doc: Document) -> list[Line]:
    if doc.lines:
        return list(doc.lines)
    return [Line(text, BODY, "text", n) for n, text in enumerate(doc.text.split("\n")) if text]


def find_repeats(
    lines: list[Line], title: str | None, min_words: int
) -> dict[int, tuple[str, int | str]]:
    """{position in `lines`: (rule, line number of the kept occurrence or "title")} for the body
    lines to remove."""
    title_key = normalise_for_hash(title) if title else ""
    first: dict[str, int] = {}
    found: dict[int, tuple[str, int | str]] = {}
    body = [i for i, ln in enumerate(lines) if ln.label == BODY and ln.text]
    for i in body:
        key = normalise_for_hash(lines[i].text)
        if not key or key.count(" ") + 1 < min_words:
            continue
        if key == title_key:
            found[i] = ("repeats-title", "title")
        elif key in first:
            found[i] = ("repeats-paragraph", lines[first[key]].line)
        else:
            first[key] = i
    if found and len(found) == len(body):  # only copies of the title: keep the first
        del found[min(found)]
    return found


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    if not cfg.enabled:
        return doc, {}
    lines = _lines_of(doc)
    repeats = find_repeats(lines, doc.title, cfg.min_words)
    if not repeats:
        return doc, {}
    removed: list[dict[str, Any]] = list(doc.provenance.get("removed", []))
    for i, (rule, kept) in sorted(repeats.items()):
        lines[i] = dataclasses.replace(lines[i], label=LABEL, rule=rule)
        removed.append({**lines[i].to_json(), "repeat_of": kept})
    text = "\n".join(ln.text for ln in lines if ln.label == BODY and ln.text)
    new = dataclasses.replace(doc, text=text, lines=tuple(lines))
    return new, {"removed": removed}
