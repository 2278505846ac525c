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
  words, or when it is shorter but the line after it is such a repeat too (the headline of an
  article pasted twice); shorter repeats on their own (the same question put to each guest of
  an interview, "Yes.", a recipe step) stay: label "repeat", rule "repeats-paragraph";
* a body line equal to the title (from HTML metadata; the plain-text segmenter already takes
  the title line out of the body and labels its repeats "title-repeat"), when it has at least
  three words: label "repeat", rule "repeats-title";

but never the last body line of the document: the first occurrence always stays.

Output: doc.text (the remaining body lines), doc.lines (the repeats relabelled) and the
provenance entry {"removed": [... every earlier entry, then one per repeat, with "repeat_of":
the line number of the occurrence kept, or "title"]}.

Where it runs: right after the segment step, so that scripts, language, dates and the
signature all see the text without its repeats.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from typing import Any

from pipeline.record import BODY, Document, Line
from pipeline.steps import Context, StepOutput
from pipeline.steps.signature import normalise_for_hash

NAME = "repeats"
VERSION = "1"
LABEL = "repeat"
# A copy of the title in the body is removed from this many words on ("Briefly" is not a title).
_TITLE_WORDS = 3


@dataclass(frozen=True)
class Config:
    # remove later copies of a headline or paragraph repeated inside one document
    enabled: bool = True
    # ... paragraphs of at least this many words (a shorter repeated line, such as the same
    # question put to each guest of an interview, goes only with a repeated paragraph after it)
    min_words: int = field(default=8, metadata={"min": 1})


def _lines_of(doc: Document) -> list[Line]:
    if doc.lines:
        return list(doc.lines)
    return [Line(text, BODY, "text", n) for n, text in enumerate(doc.text.split("\n")) if text]


def find_repeats(
    lines: list[Line], title: str | None, min_words: int
) -> dict[int, tuple[str, int | str]]:
    """{position in `lines`: (rule, line number of the kept occurrence or "title")} for the body
    lines to remove.

    A copy of the title goes when it has `_TITLE_WORDS` words or more; a repeated paragraph when
    it has `min_words`; a shorter repeated line only when the line after it is a removed repeat
    too (a headline of an article pasted twice), so the same short question put to each guest
    of an interview, or a recipe step, stays.
    """
    title_key = normalise_for_hash(title) if title else ""
    first: dict[str, int] = {}
    found: dict[int, tuple[str, int | str]] = {}
    short: dict[int, int] = {}  # position of a short repeated line -> position of its first copy
    body = [i for i, ln in enumerate(lines) if ln.label == BODY and ln.text]
    for i in body:
        key = normalise_for_hash(lines[i].text)
        if not key:
            continue
        words = key.count(" ") + 1
        if key == title_key and words >= _TITLE_WORDS:
            found[i] = ("repeats-title", "title")
        elif key in first and words >= min_words:
            found[i] = ("repeats-paragraph", lines[first[key]].line)
        elif key in first:
            short[i] = first[key]
        else:
            first[key] = i
    following = dict(itertools.pairwise(body))
    for i in sorted(short, reverse=True):  # from the end, so a run of short lines chains up
        if following.get(i) in found:
            found[i] = ("repeats-paragraph", lines[short[i]].line)
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
