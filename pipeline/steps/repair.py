"""Repair step: ftfy with its fix plan kept (replayable with ftfy.apply_plan), Unicode
normalisation, control and format characters removed, whitespace normalised. Line structure
is kept: a line is a paragraph, blank lines separate blocks.

ftfy works line by line, so one broken paragraph does not decide for the rest; what it found in
a document is then tried, guarded, on the lines its heuristic left alone (`_propagate`). A text
that still looks broken afterwards is flagged (`still_broken`, with `broken_signs`), never
passed silently. bench/encoding.py measures restorations and false fixes."""

from __future__ import annotations

import dataclasses
import html
import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

import ftfy
from ftfy import chardata
from ftfy.badness import is_bad

from pipeline.record import BODY, Document
from pipeline.steps import Context, StepOutput
from pipeline.steps.load import suspicious

NAME = "repair"
VERSION = "2"


@dataclass(frozen=True)
class Config:
    # Unicode normalisation form of the output text
    normalization: Literal["NFC", "NFKC"] = "NFC"
    # ftfy: straighten curly quotes; off because typographic quotes are not an encoding error
    uncurl_quotes: bool = False
    # ftfy: replace ligatures such as "ﬁ" by their letters
    fix_latin_ligatures: bool = True
    # ftfy: fold full-width Latin letters to normal width (off: CJK text uses them on purpose)
    fix_character_width: bool = False
    # decode HTML entities left in plain text ("&amp;" -> "&"), once
    unescape_html_in_text: bool = True
    # remove soft hyphens (U+00AD)
    remove_soft_hyphens: bool = True
    # turn non-breaking and other special spaces into plain spaces
    nbsp_to_space: bool = True
    # collapse runs of spaces and strip each line's ends (plain text only; HTML is parsed as is)
    collapse_whitespace: bool = True


# Format characters that carry meaning in some scripts (Persian, Indic, emoji sequences).
_KEEP_FORMAT = "\u200c\u200d"


def _removable() -> re.Pattern[str]:
    """Every control (Cc), surrogate (Cs) and format (Cf) character but tab, LF, ZWNJ and ZWJ,
    from the running Python's Unicode tables (Cc, Cf and Cs exist only in these ranges)."""
    points = [
        cp
        for span in (range(0x20000), range(0xE0000, 0xE1000))
        for cp in span
        if unicodedata.category(chr(cp)) in ("Cc", "Cf", "Cs")
        and chr(cp) not in "\t\n" + _KEEP_FORMAT
    ]
    ranges: list[list[int]] = []
    for cp in points:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        for lo, hi in ranges
    )
    return re.compile(f"[{body}]")


_REMOVABLE = _removable()
_SPACES = re.compile(r"[^\S\n]+")
_OTHER_SPACE = re.compile(r"[^\S\n\t ]")  # str.isspace() but tab, LF and the plain space
_LINE_SEPARATORS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n"})
# NEL (U+0085) ends a line, except inside UTF-8 read as latin-1, where it is the byte 0x85 after
# a lead or continuation byte ("х" is D1 85, read as "Ñ\x85"): that one is left to ftfy.
_NEL = re.compile(r"(?<![\x80-\xbf\xc2-\xf4])\x85")


def strip_controls(text: str, keep_soft_hyphen: bool = False) -> tuple[str, dict[str, int]]:
    """Drop control (Cc, but tab and newline) and format (Cf) characters; count what went."""
    counts = {"control": 0, "format": 0, "soft_hyphen": 0}
    if not _REMOVABLE.search(text):
        return text, counts

    def drop(match: re.Match[str]) -> str:
        ch = match.group()
        if ch == "\u00ad":
            if keep_soft_hyphen:
                return ch
            counts["soft_hyphen"] += 1
        elif unicodedata.category(ch) == "Cf":
            counts["format"] += 1
        else:
            counts["control"] += 1
        return ""

    return _REMOVABLE.sub(drop, text), counts


def normalise_spaces(text: str, nbsp_to_space: bool = True, collapse: bool = True) -> str:
    """Special spaces to plain spaces; runs of spaces to one; lines stripped."""
    if nbsp_to_space:
        text = _OTHER_SPACE.sub(" ", text)
    if collapse:
        text = _SPACES.sub(" ", text).replace(" \n", "\n").replace("\n ", "\n").strip(" ")
    return text


Plan = list[tuple[str, str]]


def _untouched_pattern(config: ftfy.TextFixerConfig) -> re.Pattern[str]:
    """The characters on which ftfy's fixers other than the encoding repair act, under this
    config (built from ftfy's own tables): a line without any of them that ftfy's badness
    heuristic does not find bad is returned by ftfy unchanged, with an empty plan (tested)."""
    chars: set[int] = set(range(0x80, 0xA0))  # fix_c1_controls
    chars |= {ord(c) for c in "\r\u2028\u2029\x85\x1b"}  # line breaks, terminal escapes
    chars |= set(range(0xD800, 0xE000))  # fix_surrogates
    chars |= set(chardata.CONTROL_CHARS)  # remove_control_chars
    if config.fix_latin_ligatures:
        chars |= set(chardata.LIGATURES)
    if config.fix_character_width:
        chars |= set(chardata.WIDTH_MAP)
    if config.uncurl_quotes:
        chars |= {0x2BC, *range(0x2018, 0x2020)}
    if config.unescape_html:
        chars.add(ord("&"))
    if not config.fix_encoding:
        raise ValueError("the repair step always fixes the encoding")
    body = "".join(re.escape(chr(c)) for c in sorted(chars))
    return re.compile(f"[{body}]")


_UNTOUCHED: dict[tuple[Any, ...], re.Pattern[str]] = {}


def _ftfy_leaves_alone(
    line: str, config: ftfy.TextFixerConfig, bad: dict[str, bool] | None
) -> bool:
    """Whether ftfy.fix_and_explain(line, config) would return the line unchanged with an empty
    plan, known without running it: no character any other fixer acts on and, for the encoding
    repair, ASCII or not bad by ftfy's heuristic (the test ftfy starts with)."""
    if config.normalization is not None:
        return False
    pattern = _UNTOUCHED.get(config)
    if pattern is None:
        pattern = _UNTOUCHED[config] = _untouched_pattern(config)
    if pattern.search(line):
        return False
    return line.isascii() or not is_bad_line(line, bad)


def is_bad_line(line: str, memo: dict[str, bool] | None = None) -> bool:
    """ftfy's badness test, remembered in `memo` (one document's lines) when given."""
    if memo is None:
        return bool(is_bad(line))
    found = memo.get(line)
    if found is None:
        found = memo[line] = bool(is_bad(line))
    return found


def _ftfy_lines(
    text: str,
    config: ftfy.TextFixerConfig,
    stable: frozenset[str] = frozenset(),
    bad: dict[str, bool] | None = None,
) -> tuple[str, list[dict[str, Any]]]:
    """Fix line by line (so one broken paragraph does not decide for the rest); group the plans.

    Each line's plan replays with ``ftfy.apply_plan`` on that line. Lines that ftfy leaves
    alone, or fixes only in part, get the document's evidence too (``_propagate``); their
    plans are listed with ``"evidence": "document"``. Lines in `stable` went through a whole
    repair unchanged already: ftfy is not asked again; nor is it for a line it would leave
    alone (`_ftfy_leaves_alone`). `bad` remembers ftfy's badness test of the document's lines.
    """
    lines = text.split("\n")
    results: list[tuple[str, Plan]] = []
    for line in lines:
        if (
            (line.isascii() and "&" not in line and "\x1b" not in line)
            or line in stable
            or _ftfy_leaves_alone(line, config, bad)
        ):
            results.append((line, []))  # nothing for ftfy to do: skip the cost
            continue
        result = ftfy.fix_and_explain(line, config)
        results.append((result.text, [(step[0], step[1]) for step in result.explanation or []]))
    layers, depth = _document_layers([plan for _, plan in results])
    from_document: set[int] = set()
    if layers:
        for number, (fixed, plan) in enumerate(results):
            if fixed.isascii():
                continue
            repaired, extra = _propagate(fixed, layers, depth)
            if extra:
                results[number] = (repaired, plan + extra)
                from_document.add(number)
    plans: dict[tuple[tuple[tuple[str, str], ...], bool], list[int]] = {}
    for number, (_, plan) in enumerate(results):
        if plan:
            plans.setdefault((tuple(plan), number in from_document), []).append(number)
    plan_list = []
    for (steps, document), numbers in plans.items():
        entry: dict[str, Any] = {"plan": [list(step) for step in steps], "lines": numbers}
        if document:
            entry["evidence"] = "document"
        plan_list.append(entry)
    return "\n".join(fixed for fixed, _ in results), plan_list


_UTF8 = ("utf-8", "utf-8-variants")


def _document_layers(plans: list[Plan]) -> tuple[list[str], int]:
    """The single-byte encodings through which ftfy found UTF-8 misread in this document (most
    lines first), and the most layers of it on one line (2 for text misread twice)."""
    counts: dict[str, int] = {}
    depth = 0
    for plan in plans:
        layers = [
            step[1]
            for step, following in itertools.pairwise(plan)
            if step[0] == "encode" and following[0] == "decode" and following[1] in _UTF8
        ]
        for encoding in set(layers):
            counts[encoding] = counts.get(encoding, 0) + 1
        depth = max(depth, len(layers))
    return sorted(counts, key=lambda e: -counts[e]), depth


# Letters that UTF-8 misread as a single-byte code page almost never stands for, but that
# decoding correct text by mistake gives ("CAFÉ…" read as UTF-8 is "CAFɅ"): Latin Extended-B,
# IPA, spacing modifiers, archaic and extended Cyrillic.
_UNLIKELY = re.compile(r"[\u0180-\u02ff\u0460-\u052f]")


def _propagate(line: str, layers: list[str], depth: int) -> tuple[str, Plan]:
    """Undo on this line the misreading that ftfy found elsewhere in the document.

    ftfy decides line by line whether text looks broken, and short mojibake can look fine to it
    ("60,000â‚©" for "60,000₩"). When other lines of the same document were UTF-8 read as code
    page X, this line is re-encoded in X and decoded as UTF-8, at most `depth` times, and only
    while the whole line decodes strictly and the result looks no worse: no more suspicious
    characters (load.suspicious) and no new unlikely ones. Text that was right almost never
    passes: its non-ASCII characters would all have to pair up into valid UTF-8 sequences.
    """
    steps: Plan = []
    for _ in range(depth):
        for encoding in layers:
            try:
                candidate = line.encode(encoding).decode("utf-8")
            except UnicodeError:
                continue
            if candidate != line and _no_worse(line, candidate):
                steps += [("encode", encoding), ("decode", "utf-8")]
                line = candidate
                break
        else:
            break
    return line, steps


def _no_worse(before: str, after: str) -> bool:
    if len(_UNLIKELY.findall(after)) > len(_UNLIKELY.findall(before)):
        return False
    return sum(suspicious(after).values()) <= sum(suspicious(before).values())


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def unescape_entities(text: str) -> tuple[str, int]:
    """Decode HTML entities (with their semicolon) once: "&amp;amp;" becomes "&amp;"."""
    count = 0

    def one(match: re.Match[str]) -> str:
        nonlocal count
        decoded = html.unescape(match.group())
        if decoded != match.group():
            count += 1
        return decoded

    return _ENTITY.sub(one, text), count


def repair_text(text: str, cfg: Config, is_html: bool = False) -> tuple[str, dict[str, Any]]:
    """The whole repair on a string; returns the new text and what was done.

    Normalising spaces can expose a pattern ftfy repairs ("Â" before a tab becomes "Â "
    before a space, which is mojibake for a non-breaking space), so the repair runs again until
    nothing changes (at most three rounds): repairing repaired text changes nothing. ftfy's
    output is a fixed point of ftfy, so a line that normalisation left as ftfy gave it is not
    given to ftfy again.
    """
    original = text
    report: dict[str, Any] = {}
    stable: frozenset[str] = frozenset()
    bad: dict[str, bool] = {}  # ftfy's badness test of each line seen, asked once
    for round_number in range(3):
        fixed, this_round, stable = _repair_once(
            text, cfg, is_html, decode_entities=round_number == 0, stable=stable, bad=bad
        )
        if round_number == 0:
            report = this_round
        elif fixed != text:
            report["ftfy"] += [{**entry, "round": round_number + 1} for entry in this_round["ftfy"]]
            removed = report["removed_characters"]
            for kind, count in this_round["removed_characters"].items():
                removed[kind] = removed.get(kind, 0) + count
        if fixed == text:
            break
        text = fixed
    report["changed"] = text != original
    signs = broken_signs(text, bad)
    if signs:
        report["still_broken"] = True
        report["broken_signs"] = signs
    return text, report


# What is left when bytes were lost before the text got here, which ftfy's heuristic does not
# see: U+FFFD (a decoder replaced bytes it could not read), and the lead byte of a UTF-8
# punctuation mark read as latin-1 whose two continuation bytes (C1 controls) were dropped:
# "Colombiaâs", "âsevereâ", "word â word", "look,â said", "âOur".
_LOST = {
    "replacement-character": re.compile("\ufffd"),
    # an English contraction, a quoted word, a dash between spaces, after punctuation or a
    # digit, or before a capital: places where â (French "âge", Portuguese "câmara", Turkish
    # "hâlâ") is no letter of a word
    "lost-continuation-bytes": re.compile(
        r"(?<=[a-z])â(?:s|t|d|m|ll|re|ve)\b|(?<!\w)â\w+â(?!\w)|(?<= )â(?= )"
        r"|(?<=[\d!-/:-@\[-`{-~])â|â(?=[A-Z])"
    ),
}


# a character every match of each _LOST pattern holds: without it, the pattern is not searched
_LOST_NEEDS = {"replacement-character": "\ufffd", "lost-continuation-bytes": "â"}


def broken_signs(text: str, bad: dict[str, bool] | None = None) -> dict[str, int]:
    """Signs that a text is still broken after repair, counted: what ftfy's heuristic finds
    (mojibake), U+FFFD, and leftovers of UTF-8 that lost bytes. Empty when none. `bad`
    remembers ftfy's badness test of lines already tested."""
    signs = {
        "mojibake": sum(
            1 for line in text.split("\n") if not line.isascii() and is_bad_line(line, bad)
        )
    }
    for name, pattern in _LOST.items():
        signs[name] = len(pattern.findall(text)) if _LOST_NEEDS[name] in text else 0
    return {name: n for name, n in signs.items() if n}


def _repair_once(
    text: str,
    cfg: Config,
    is_html: bool,
    decode_entities: bool,
    stable: frozenset[str] = frozenset(),
    bad: dict[str, bool] | None = None,
) -> tuple[str, dict[str, Any], frozenset[str]]:
    """One round: line separators, entities (first round only), ftfy line by line, controls
    removed, Unicode normalisation, spaces. Also returns the lines that ftfy gave and nothing
    after it changed (settled: another round would give them back unchanged)."""
    if "\r" in text or "\u2028" in text or "\u2029" in text:  # translate is slow on non-ASCII
        text = text.replace("\r\n", "\n").translate(_LINE_SEPARATORS)
    if "\x85" in text:
        text = _NEL.sub("\n", text)
    entities = 0
    if cfg.unescape_html_in_text and not is_html and decode_entities:
        text, entities = unescape_entities(text)
    fixer = ftfy.TextFixerConfig(
        unescape_html=False,
        uncurl_quotes=cfg.uncurl_quotes,
        fix_latin_ligatures=cfg.fix_latin_ligatures,
        fix_character_width=cfg.fix_character_width,
        normalization=None,
        explain=True,
    )
    fixed, plans = _ftfy_lines(text, fixer, stable, bad)
    cleaned, counts = strip_controls(fixed, keep_soft_hyphen=not cfg.remove_soft_hyphens)
    normalised = unicodedata.normalize(cfg.normalization, cleaned)
    if not is_html:
        normalised = normalise_spaces(normalised, cfg.nbsp_to_space, cfg.collapse_whitespace)
    report: dict[str, Any] = {
        "ftfy": plans,
        "normalization": cfg.normalization,
        "normalization_changed": not unicodedata.is_normalized(cfg.normalization, cleaned),
        "removed_characters": {k: v for k, v in counts.items() if v},
        "html_entities_decoded": entities,
    }
    before, after = fixed.split("\n"), normalised.split("\n")
    settled: frozenset[str] = frozenset()
    if len(before) == len(after):
        settled = frozenset(a for a, b in zip(before, after, strict=True) if a == b)
    return normalised, report, settled


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    """Repair the text. For HTML this runs on the extracted article (the runner segments HTML
    first): its entities are already decoded and its spaces normalised, and its body lines are
    kept in step with the repaired text."""
    extracted = doc.input_format == "html"
    text, report = repair_text(doc.text, cfg, is_html=extracted)
    lines = doc.lines
    body = [ln for ln in lines if ln.label == BODY]
    repaired = text.split("\n")
    if body and len(body) == len(repaired):
        texts = iter(repaired)
        lines = tuple(
            dataclasses.replace(ln, text=next(texts)) if ln.label == BODY else ln for ln in lines
        )
    return dataclasses.replace(doc, text=text, lines=lines), {"encoding": {"repairs": report}}
