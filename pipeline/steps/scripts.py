"""Scripts step: script shares of the text and every foreign-script span, with what was done.

Input: doc.text (the final body) and doc.lines (body and removed lines; may be empty for HTML).
Output: doc.scripts = script_shares(doc.text) and the provenance entry

    {"main_script": "Latn" | None,          # the largest share of the body (None: no letters)
     "native_scripts": ["Latn"],            # the main script's writing system: never foreign
     "foreign_script_spans": [span, ...],   # text spans in order, then removed lines in order
     "foreign_script_spans_omitted": 0,     # spans beyond max_spans (counted, not listed)
     "mixed_script_words": [word, ...],
     "mixed_script_words_omitted": 0}

A span is a maximal run of letters of a foreign script (spaces, punctuation and digits between
them stay inside; it starts and ends on a letter, plus any combining marks after the last one):

    {"where": "text", "start": 12, "end": 16, "script": "Hani", "scripts": ["Hani"],
     "letters": 4, "text": "...", "truncated": false, "language": "zh" | None,
     "action": "kept", "reason": "inside-main-text" | "inside-mixed-script-word"}
    {"where": "removed", "line": 3, "label": "chrome", "rule": "...", "start": 12, "end": 21, ...,
     "action": "removed-with-line", "reason": "chrome/<rule>"}

Offsets are Python str indices into doc.text, or into that removed Line's text. "text" is the
span's first max_span_text characters (text == source[start:end][:max_span_text]).

Han is shared by Chinese, Japanese and Korean, whose writing systems mix scripts: their letters
count together when the main script is chosen (see main_and_native), a Japanese body has Hani,
Hira and Kana as native scripts, a Korean one Hang and Hani, a Chinese one Hani and Bopo; kanji
next to kana (or Hanja next to Hangul) form one span and one word, not a mixture. Text and
removed lines are both compared with the body's writing system; a body without letters has no
main script, and then nothing is reported as foreign.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import regex
from langdetect.lang_detect_exception import LangDetectException

from pipeline.record import BODY, Document
from pipeline.steps import Context, Provenance, StepOutput
from pipeline.steps.language import DEFAULT_SEED, detect_probabilities
from pipeline.unicode_scripts import script_counts, script_of, script_shares

NAME = "scripts"
VERSION = "1"

# Scripts written together as one writing system (ISO 15924 Jpan, Kore, Hanb).
_SCRIPT_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"Hani", "Hira", "Kana"}),
    frozenset({"Hang", "Hani"}),
    frozenset({"Hani", "Bopo"}),
)
# Scripts written without spaces between words (or whose particles attach to a foreign word, as
# Korean "iPhone을"): a change of script next to one of their letters is a word boundary.
_UNSPACED = frozenset({"Hani", "Hira", "Kana", "Hang", "Bopo", "Thai", "Laoo", "Khmr", "Mymr"})
# Scripts of the Chinese, Japanese and Korean writing systems.
_CJK = frozenset({"Hani", "Hira", "Kana", "Hang", "Bopo"})
# A body's Han and kana are Japanese when kana make at least this share of them.
_JAPANESE_KANA_SHARE = 0.1
# A body's Hangul and Han are Korean when Hangul makes at least this share of them.
_KOREAN_HANGUL_SHARE = 0.5
# Characters of a span given to langdetect.
_SPAN_SAMPLE_CHARS = 2000

_WORD = regex.compile(r"[\p{L}\p{M}]+")


@dataclass(frozen=True)
class Config:
    # characters of a span's text recorded in provenance (longer spans are cut, "truncated": true)
    max_span_text: int = field(default=200, metadata={"min": 1, "max": 100_000})
    # a span needs at least this many letters before its language is detected (else null)
    span_language_min_letters: int = field(default=20, metadata={"min": 1, "max": 100_000})
    # a span's language is recorded only when langdetect's top probability reaches this
    span_language_min_confidence: float = field(default=0.70, metadata={"min": 0.0, "max": 1.0})
    # seed of langdetect's random sampling for span languages
    language_seed: int = field(default=DEFAULT_SEED, metadata={"min": 0})
    # foreign-script spans listed per document; the rest are only counted
    max_spans: int = field(default=500, metadata={"min": 0, "max": 1_000_000})
    # mixed-script words listed per document; the rest are only counted
    max_mixed_words: int = field(default=500, metadata={"min": 0, "max": 1_000_000})


def compatible(a: str, b: str) -> bool:
    """Whether letters of scripts a and b belong to one writing system.

    >>> compatible("Hani", "Hira"), compatible("Latn", "Cyrl"), compatible("Hang", "Hira")
    (True, False, False)
    """
    return a == b or any(a in group and b in group for group in _SCRIPT_GROUPS)


def main_and_native(counts: Counter[str]) -> tuple[str | None, frozenset[str]]:
    """The body's main script and the scripts of its writing system, from its letter counts.

    The main script is the one with the most letters, except that the scripts of one CJK
    writing system count together: Japanese (Han + kana, when kana make at least a tenth of
    them), Korean (Hangul + Han, when Hangul is at least half) and Chinese (Han + Bopomofo). The
    main script is then the largest script of that system.

    >>> main, native = main_and_native(Counter({"Latn": 11, "Hani": 10, "Hira": 6}))
    >>> main, sorted(native)
    ('Hani', ['Hani', 'Hira', 'Kana'])
    """
    systems: list[frozenset[str]] = [frozenset({c}) for c in counts if c not in _CJK]
    kana = counts["Hira"] + counts["Kana"]
    if kana and kana >= _JAPANESE_KANA_SHARE * (kana + counts["Hani"]):
        systems.append(frozenset({"Hani", "Hira", "Kana"}))
    if counts["Hang"] and counts["Hang"] >= _KOREAN_HANGUL_SHARE * (
        counts["Hang"] + counts["Hani"]
    ):
        systems.append(frozenset({"Hang", "Hani"}))
    if counts["Hani"] or counts["Bopo"]:
        systems.append(frozenset({"Hani", "Bopo"}))
    if not systems:
        return None, frozenset()
    # a lone kana or Hangul letter that founds no system of its own
    systems += [frozenset({c}) for c in counts if c in _CJK and not any(c in g for g in systems)]

    def size(system: frozenset[str]) -> int:
        return sum(counts[c] for c in system)

    native = min(systems, key=lambda g: (-size(g), sorted(g)))
    main = min((c for c in native if counts[c]), key=lambda c: (-counts[c], c))
    return main, native


@dataclass(frozen=True)
class Run:
    """A maximal run of foreign-script letters in one string: [start, end) and its letters."""

    start: int
    end: int
    counts: Counter[str]

    @property
    def script(self) -> str:
        return min(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def foreign_runs(text: str, native: frozenset[str]) -> Iterator[Run]:
    """Maximal runs of letters whose script is not native (mutually compatible within a run)."""
    start = end = -1
    counts: Counter[str] = Counter()
    for i, ch in enumerate(text):
        code = script_of(ch)
        if code is None:
            continue
        if code not in native and counts and all(compatible(code, c) for c in counts):
            end = i + 1
            counts[code] += 1
            continue
        if counts:
            yield Run(start, _extend_marks(text, end), counts)
            counts = Counter()
        if code not in native:
            start, end = i, i + 1
            counts[code] += 1
    if counts:
        yield Run(start, _extend_marks(text, end), counts)


def _extend_marks(text: str, end: int) -> int:
    """Extend an end offset over the combining marks attached to the last letter."""
    while end < len(text) and unicodedata.category(text[end]).startswith("M"):
        end += 1
    return end


def mixed_script_words(text: str) -> Iterator[tuple[int, int, list[str]]]:
    """(start, end, scripts) of every word whose letters come from incompatible scripts.

    A word is a run of letters and marks; a change of script next to a letter of a script
    written without spaces (Han, kana, Hangul, Thai...) splits it, so "iPhone発売" is two words.

    >>> list(mixed_script_words("Pаypal and iPhone発売"))
    [(0, 6, ['Cyrl', 'Latn'])]
    """
    for match in _WORD.finditer(text):
        piece_start = match.start()
        scripts: list[str] = []
        prev: str | None = None
        for i in range(match.start(), match.end()):
            code = script_of(text[i])
            if code is None:
                continue
            if (
                prev is not None
                and (prev in _UNSPACED or code in _UNSPACED)
                and not compatible(prev, code)
            ):
                yield from _if_mixed(piece_start, i, scripts)
                piece_start, scripts = i, []
            if code not in scripts:
                scripts.append(code)
            prev = code
        yield from _if_mixed(piece_start, match.end(), scripts)


def _if_mixed(start: int, end: int, scripts: list[str]) -> Iterator[tuple[int, int, list[str]]]:
    if any(not compatible(a, b) for a in scripts for b in scripts):
        yield start, end, sorted(scripts)


def _span_language(span_text: str, letters: int, cfg: Config) -> str | None:
    if letters < cfg.span_language_min_letters:
        return None
    try:
        probabilities = detect_probabilities(span_text[:_SPAN_SAMPLE_CHARS], cfg.language_seed)
    except LangDetectException:  # no features in the text
        return None
    if probabilities and probabilities[0][1] >= cfg.span_language_min_confidence:
        return probabilities[0][0]
    return None


def _span_record(source: str, run: Run, cfg: Config) -> dict[str, Any]:
    full = source[run.start : run.end]
    letters = sum(run.counts.values())
    return {
        "start": run.start,
        "end": run.end,
        "script": run.script,
        "scripts": sorted(run.counts),
        "letters": letters,
        "text": full[: cfg.max_span_text],
        "truncated": len(full) > cfg.max_span_text,
        "language": _span_language(full, letters, cfg),
    }


def _inside_any(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in ranges)


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    counts = script_counts(doc.text)
    shares = script_shares(doc.text)
    main, native = main_and_native(counts)

    spans: list[dict[str, Any]] = []
    words: list[dict[str, Any]] = []
    spans_seen = words_seen = 0

    def scan(source: str, where: dict[str, Any], action: str, reason: str) -> None:
        nonlocal spans_seen, words_seen
        word_ranges = []
        for start, end, scripts in mixed_script_words(source):
            word_ranges.append((start, end))
            words_seen += 1
            if len(words) < cfg.max_mixed_words:
                word = {"start": start, "end": end, "word": source[start:end], "scripts": scripts}
                words.append({**where, **word})
        if main is None:  # no letters in the body: nothing is foreign to it
            return
        for found in foreign_runs(source, native):
            spans_seen += 1
            if len(spans) >= cfg.max_spans:
                continue
            why = reason
            if action == "kept" and _inside_any(found.start, found.end, word_ranges):
                why = "inside-mixed-script-word"
            record = _span_record(source, found, cfg)
            spans.append({**where, **record, "action": action, "reason": why})

    scan(doc.text, {"where": "text"}, "kept", "inside-main-text")
    for line in doc.lines:
        if line.label != BODY:
            where = {"where": "removed", "line": line.line, "label": line.label, "rule": line.rule}
            scan(line.text, where, "removed-with-line", f"{line.label}/{line.rule}")

    provenance: Provenance = {
        "main_script": main,
        "native_scripts": sorted(native),
        "foreign_script_spans": spans,
        "foreign_script_spans_omitted": spans_seen - len(spans),
        "mixed_script_words": words,
        "mixed_script_words_omitted": words_seen - len(words),
    }
    return dataclasses.replace(doc, scripts=shares), provenance
