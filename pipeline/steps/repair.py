"""Repair step: ftfy with its fix plan kept (replayable with ftfy.apply_plan), Unicode
normalisation, control and format characters removed, whitespace normalised. Line structure
is kept: a line is a paragraph, blank lines separate blocks."""

from __future__ import annotations

import dataclasses
import html
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Literal

import ftfy
from ftfy.badness import is_bad

from pipeline.record import Document
from pipeline.steps import Context, StepOutput

NAME = "repair"
VERSION = "1"


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
_KEEP_FORMAT = {"\u200c", "\u200d"}
_SPACES = re.compile(r"[^\S\n]+")
_LINE_SEPARATORS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n", "\x85": "\n"})


def strip_controls(text: str, keep_soft_hyphen: bool = False) -> tuple[str, dict[str, int]]:
    """Drop control (Cc, but tab and newline) and format (Cf) characters; count what went."""
    counts = {"control": 0, "format": 0, "soft_hyphen": 0}
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(ch)
            continue
        cat = unicodedata.category(ch)
        if cat == "Cc" or cat == "Cs":
            counts["control"] += 1
        elif ch == "\u00ad":
            if keep_soft_hyphen:
                out.append(ch)
            else:
                counts["soft_hyphen"] += 1
        elif cat == "Cf" and ch not in _KEEP_FORMAT:
            counts["format"] += 1
        else:
            out.append(ch)
    return "".join(out), counts


def normalise_spaces(text: str, nbsp_to_space: bool = True, collapse: bool = True) -> str:
    """Special spaces to plain spaces; runs of spaces to one; lines stripped."""
    if nbsp_to_space:
        text = "".join(" " if (ch != "\n" and ch != "\t" and ch.isspace()) else ch for ch in text)
    if collapse:
        text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return text


def _ftfy_lines(text: str, config: ftfy.TextFixerConfig) -> tuple[str, list[dict[str, Any]]]:
    """Fix line by line (so one broken paragraph does not decide for the rest); group the plans."""
    fixed_lines = []
    plans: dict[tuple[tuple[str, str], ...], list[int]] = {}
    for number, line in enumerate(text.split("\n")):
        if line.isascii() and "&" not in line and "\x1b" not in line:
            fixed_lines.append(line)  # nothing for ftfy to do: skip the cost
            continue
        result = ftfy.fix_and_explain(line, config)
        fixed_lines.append(result.text)
        if result.explanation:
            key = tuple((step[0], step[1]) for step in result.explanation)
            plans.setdefault(key, []).append(number)
    plan_list = [{"plan": [list(s) for s in key], "lines": lines} for key, lines in plans.items()]
    return "\n".join(fixed_lines), plan_list


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
    nothing changes (at most three rounds): repairing repaired text changes nothing.
    """
    original = text
    report: dict[str, Any] = {}
    for round_number in range(3):
        fixed, this_round = _repair_once(text, cfg, is_html, decode_entities=round_number == 0)
        if round_number == 0:
            report = this_round
        elif fixed != text:
            report["ftfy"] += [{**entry, "round": round_number + 1} for entry in this_round["ftfy"]]
        if fixed == text:
            break
        text = fixed
    report["changed"] = text != original
    if is_bad(text):
        report["still_broken"] = True
    else:
        report.pop("still_broken", None)
    return text, report


def _repair_once(
    text: str, cfg: Config, is_html: bool, decode_entities: bool
) -> tuple[str, dict[str, Any]]:
    text = text.replace("\r\n", "\n").translate(_LINE_SEPARATORS)
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
    fixed, plans = _ftfy_lines(text, fixer)
    normalised = unicodedata.normalize(cfg.normalization, fixed)
    cleaned, counts = strip_controls(normalised)
    if not is_html:
        cleaned = normalise_spaces(cleaned, cfg.nbsp_to_space, cfg.collapse_whitespace)
    report: dict[str, Any] = {
        "ftfy": plans,
        "normalization": cfg.normalization,
        "normalization_changed": normalised != fixed,
        "removed_characters": {k: v for k, v in counts.items() if v},
        "html_entities_decoded": entities,
    }
    return cleaned, report


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    text, report = repair_text(doc.text, cfg, is_html=doc.input_format == "html")
    return dataclasses.replace(doc, text=text), {"encoding": {"repairs": report}}
