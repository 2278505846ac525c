"""Plain-text segment step: every line is labelled (title, dateline, byline, chrome, caption,
related, body ...) by rules from config; the text is the body lines, the rest is recorded.

How a line is labelled, in order:
1. header prefixes: in the first lines, a header cue with a date ("Written on 01/03/2026",
   " date 2026-01-05 ...") becomes a dateline; text after it on the same line stays body;
   a cue without a date ("Updated (2 articles)") is chrome;
2. lines with no letters (donation amounts, counters, "()") are chrome;
3. the configured rules (phrase patterns: comment widgets, share bars, related links,
   attributions, photo credits ...), each with a label, a zone and a word limit;
4. short lines that mix scripts without forming a sentence (widgets in another script);
5. zones: the body is the main block of body-like paragraphs (enough words and a sentence end;
   a teaser cut short with "..." is not one): blocks are split by long runs of other lines and
   by comment or review headings, weighed by their words times their density of paragraphs and
   short sentences; neighbouring blocks close enough and heavy enough join it, across a short
   passage between two lists too. Before it, the headline-like line nearest it is the title,
   name-like lines are bylines, other short lines are chrome; after it, a closing short
   sentence stays and other short lines are chrome;
6. a later line that repeats the title is removed; bracketed citation markers ([1], ([2]))
   are cut from body lines when configured.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import importlib
import itertools
import operator
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import ahocorasick_rs
import regex
import yaml

from pipeline.corpus import (
    NOT_PLAIN,
    ascii_word_count,
    ascii_word_counts,
    fold_case,
    fold_line,
    line_key,
    line_keys_of,
    lookup,
)
from pipeline.record import BODY, Document, Drop, Line, lines_of
from pipeline.steps import Context, StepOutput, dates
from pipeline.unicode_scripts import script_counts

NAME = "segment_text"
VERSION = "1"


@dataclass(frozen=True)
class Rule:
    # a short name recorded with every line the rule removes
    name: str
    # the label given to matching lines: chrome, related, caption, attribution, byline ...
    label: str
    # regular expression searched in the stripped line (case-insensitive unless case_sensitive)
    pattern: str
    # the rule only applies to lines of at most this many words (0: any length)
    max_words: int = field(default=0, metadata={"min": 0})
    # where the rule applies: anywhere, before the body (header) or after it (tail)
    zone: Literal["any", "header", "tail", "outside-body"] = "any"
    # match case as written
    case_sensitive: bool = False
    # the line marks where the article stops (a comment section's heading): the body never
    # continues past it
    ends_body: bool = False
    # a fast screen: the pattern is only tried on lines that contain one of these strings
    # (compared in lower case); every line the pattern can match must contain one (empty: none)
    contains: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rules:
    # line rules, tried in order; the first that matches labels the line
    rules: tuple[Rule, ...] = ()
    # words that introduce an author ("By", "Von", "Por" ...)
    byline_cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    # YAML file of rules, relative to the config file
    rules_file: str = "boilerplate.yaml"
    # the rules themselves, loaded from rules_file
    rules: Rules = Rules()
    # a paragraph with at least this many words and a sentence end is body-like
    min_body_words: int = field(default=10, metadata={"min": 1})
    # ... as is any line with at least this many words
    long_line_words: int = field(default=40, metadata={"min": 1})
    # before the body, a line of at most this many words holding a date is a dateline
    max_dated_line_words: int = field(default=12, metadata={"min": 1})
    # a line that opens with a byline cue ("By", "Von", "Por") and has at most this many words
    # is a byline (it may carry the date)
    max_byline_words: int = field(default=16, metadata={"min": 1})
    # a title has between these many words
    min_title_words: int = field(default=3, metadata={"min": 1})
    max_title_words: int = field(default=30, metadata={"min": 1})
    # header cues (datelines) are looked for in this many non-blank lines from the top
    header_scan_lines: int = field(default=8, metadata={"min": 0})
    # body-like paragraphs separated by more than this many other lines are separate blocks
    max_gap_lines: int = field(default=5, metadata={"min": 0})
    # ... and at least this density (the share of its lines that are paragraphs)
    min_join_density: float = field(default=0.5, metadata={"min": 0.0, "max": 1.0})
    # inside the article, a run of more than this many lines that are not paragraphs is removed
    # (0: keep every line between paragraphs)
    max_inner_run: int = field(default=3, metadata={"min": 0})
    # a block of at least this many words before a comment section's heading is the article
    min_article_words: int = field(default=50, metadata={"min": 0})
    # a block next to the main (largest) block joins it when it has this share of its words
    min_block_share: float = field(default=0.25, metadata={"min": 0.0, "max": 1.0})
    # ... and is at most this many lines away (0: any distance)
    max_join_gap_lines: int = field(default=60, metadata={"min": 0})
    # a short sentence (3+ words) that is not a paragraph counts this much of a paragraph in a
    # block's density
    sentence_line_weight: float = field(default=1.0, metadata={"min": 0.0, "max": 1.0})
    # up to this many light but dense blocks (a passage between two lists) join the article
    # when a block heavy enough to join lies beyond them ...
    bridge_blocks: int = field(default=2, metadata={"min": 0})
    # ... and each gap crossed is at most this many lines
    max_bridge_gap_lines: int = field(default=20, metadata={"min": 0})
    # remove short lines that recur across many documents of the same source (site chrome)
    remove_repeated_lines: bool = True
    # ... found in at least this many distinct documents of the source
    repeated_min_documents: int = field(default=5, metadata={"min": 2})
    # ... and in at least this share of them
    repeated_min_share: float = field(default=0.1, metadata={"min": 0.0, "max": 1.0})
    # bracketed citation markers such as [1] or ([2]): removed (and recorded) or kept
    citation_markers: Literal["remove", "keep"] = "remove"
    # a line cut short with "..." or "[…]" (a teaser of another story) is not a paragraph
    teasers_not_paragraphs: bool = True
    # a short sentence (3+ words) right after the last paragraph is the article's closing line
    keep_closing_sentence: bool = True
    # a line of at most this many words mixing scripts without a sentence is a widget fragment
    foreign_fragment_max_words: int = field(default=8, metadata={"min": 0})
    # ... when the second script has at least this share of its letters
    foreign_fragment_min_share: float = field(default=0.2, metadata={"min": 0.0, "max": 1.0})


def load_rules(path: str | Path) -> Any:
    """Read the rules YAML as plain data (validated by the config loader)."""
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


_WORD = regex.compile(r"\w+")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
# Scripts written without spaces between words: about one word per four letters.
_UNSPACED = regex.compile(r"[\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]")
_LETTER = regex.compile(r"\p{L}")
# Every character of those scripts (Han, kana, Thai, Lao, Khmer, Myanmar) matches this, so a line
# that it does not match has none: a quick screen before counting them.
_MAYBE_WIDE = re.compile(r"[^\x00-\u0dff\u2000-\u206f]")
_SENTENCE_END = regex.compile(r"[.!?…。！？؟।۔](?:[\"'”’»)\]]*)(?:\s|$)")
_ENDS_SENTENCE = re.compile(  # plain character classes: `re` reads them alike, faster
    r"[.!?…。！？؟।۔:;][\"'”’»)\]]*$"
)
# ... its two character classes
_SENTENCE_ENDERS = frozenset(".!?…。！？؟।۔:;")
_SENTENCE_CLOSERS = "\"'”’»)]"
# ... the characters a line ending a sentence ends with
_SENTENCE_LAST = _SENTENCE_ENDERS | frozenset(_SENTENCE_CLOSERS)
# Patterns anchored at the end of a line are searched in its last characters only.
_TAIL = 16
# A bracketed number after "in", "see", "from" ... is a reference the sentence talks about
# ("reported in [1]"), not a marker: it stays.
_CITATION = regex.compile(
    r"\s*(?<!\b(?:in|see|from|per|cf\.?|and|or|of)\s+)(?:\(\[\d+(?:\s*[,–-]\s*\d+)*\]\)|\[\d+(?:\s*[,–-]\s*\d+)*\])",
    regex.IGNORECASE,
)
_NAME_TOKEN = regex.compile(r"\p{Lu}[\p{L}'’.-]*")


def _mostly_unspaced(line: str) -> bool:
    """Most letters are of a script written without spaces or sentence punctuation (Thai ...)."""
    if line.isascii() or not _MAYBE_WIDE.search(line):
        return False
    return len(_UNSPACED.findall(line)) * 2 > len(_LETTER.findall(line))


@lru_cache(maxsize=8192)
def word_count(line: str) -> int:
    """Words in a line; CJK characters count as half a word each, letters of Thai, Lao, Khmer
    and Myanmar (written without spaces) as a quarter."""
    if line.isascii():
        return ascii_word_count(line)  # the same words, counted faster
    if not NOT_PLAIN.search(line):  # ASCII and punctuation (quotes, dashes ...): no regex needed
        return ascii_word_count(line)
    if not _MAYBE_WIDE.search(line):
        return len(_WORD.findall(line))
    return (
        len(_WORD.findall(line)) + len(_CJK.findall(line)) // 2 + len(_UNSPACED.findall(line)) // 4
    )


def compile_rule(rule: Rule) -> regex.Pattern[str]:
    flags = regex.V1 if rule.case_sensitive else regex.V1 | regex.IGNORECASE
    return regex.compile(rule.pattern, flags)


def _matcher(rule: Rule) -> re.Pattern[str] | regex.Pattern[str]:
    """The rule's pattern compiled by the standard library when it can read it (two to three
    times faster on these patterns), else by `regex` (\\p{...} classes and other extensions)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a set operation re would read differently: use regex
        try:
            return re.compile(rule.pattern, 0 if rule.case_sensitive else re.IGNORECASE)
        except (re.error, FutureWarning, DeprecationWarning):
            return compile_rule(rule)


_CompiledRule = tuple[Rule, re.Pattern[str] | regex.Pattern[str], re.Pattern[str] | None]


@dataclass(frozen=True)
class _RuleSet:
    """Rules tried in order on a line (the first that matches labels it), each with its pattern
    and its `contains` screen, and the screens that let a line through only to the rules it
    may match."""

    rules: list[_CompiledRule]
    # a line none of these two matches cannot match any of the rules (unless not `screened`:
    # some rule has neither an anchored pattern nor `contains`, and every line is tried):
    # the rules anchored at the line's start, as one pattern, and every `contains` string
    start: re.Pattern[str] | None
    contains: re.Pattern[str] | None
    screened: bool
    # every `contains` string, in lower case, and one search for all of them (None: no string)
    strings: tuple[str, ...]
    finder: ahocorasick_rs.AhoCorasick | None
    # for each of those strings, the positions (in rules) of the rules that list it
    string_rules: tuple[tuple[int, ...], ...]
    # the positions of the anchored rules, and for each rule the ASCII characters a line it
    # matches can open with (None: any, or not an anchored rule)
    anchored: tuple[int, ...]
    firsts: tuple[frozenset[str] | None, ...]
    # `start` by the line's first character, when it is ASCII (see _start_screens)
    start_by_char: dict[str, re.Pattern[str] | None] | None
    # the screens as strings, searched in all the lines at once (None: some rule is beyond them)
    literal: _LiteralScreen | None = None
    # short lines already matched: line -> the rule (or None)
    remembered: dict[str, Rule | None] = field(default_factory=dict)


@dataclass(frozen=True)
class _LiteralScreen:
    """The rule set's screens as strings, found in all the lines of a text by one search (in
    lower case): `contains` strings anywhere in a line; for an anchored rule, the strings a
    line it matches opens with ("share", "read more" ...), or else strings it holds ("says:").
    Parts of anchored rules with neither are screened by the line's first character."""

    finder: ahocorasick_rs.AhoCorasick
    # for each string: whether it opens a line (it is searched with a line break before it),
    # and the positions (in _RuleSet.rules) of the rules a line holding it may match
    opens: tuple[bool, ...]
    rules_of: tuple[tuple[int, ...], ...]
    # the parts of anchored rules with no strings, by the line's first character (see
    # _start_screens), and all of them (None: there are none)
    rest_by_char: dict[str, re.Pattern[str] | None] | None
    rest: re.Pattern[str] | None


@dataclass(frozen=True)
class _Compiled:
    rules: list[tuple[Rule, re.Pattern[str] | regex.Pattern[str]]]
    ending_rules: frozenset[str]
    byline: regex.Pattern[str] | None
    # the ASCII characters a byline can open with (None: any)
    byline_firsts: frozenset[str] | None
    # the rules that apply anywhere, before the body (header) and after it (tail)
    any_zone: _RuleSet
    header: _RuleSet
    tail: _RuleSet


def _contains_screen(rule: Rule) -> re.Pattern[str] | None:
    """One search for any of the rule's `contains` strings, in a line in lower case."""
    if not rule.contains:
        return None
    return re.compile("|".join(re.escape(c.lower()) for c in rule.contains))


def _has_top_level_alternation(pattern: str) -> bool:
    """A "|" outside every group and character class: "^a|b" can match away from the start."""
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            i += 1
            if pattern[i : i + 1] == "^":
                i += 1
            if pattern[i : i + 1] == "]":  # a "]" first in a class is a literal
                i += 1
            continue
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            return True
        i += 1
    return False


def _is_anchored(rule: Rule, pattern: re.Pattern[str] | regex.Pattern[str]) -> bool:
    """The rule has no `contains` and its pattern only matches at the line's start."""
    return (
        not rule.contains
        and isinstance(pattern, re.Pattern)
        and rule.pattern.startswith("^")
        and not _has_top_level_alternation(rule.pattern)
    )


def _anchored(
    rules: list[tuple[Rule, re.Pattern[str] | regex.Pattern[str]]],
) -> list[tuple[str, int]]:
    """The patterns of the anchored rules, each with its flags, and their word limits."""
    return [
        (f"(?{'' if rule.case_sensitive else 'i'}:{rule.pattern})", rule.max_words)
        for rule, pattern in rules
        if _is_anchored(rule, pattern)
    ]


def _screens(
    rules: list[tuple[Rule, re.Pattern[str] | regex.Pattern[str]]],
) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None, bool]:
    """One pattern for the rules anchored at the line's start (tried at its start only), one
    for every `contains` string, and whether every rule is covered by one of the two."""
    anchored, strings, covered = _anchored(rules), [], True
    for rule, pattern in rules:
        if rule.contains:
            strings += [re.escape(c.lower()) for c in rule.contains]
            if not all(rule.contains):  # an empty string is in every line: no screen
                covered = False
        elif not _is_anchored(rule, pattern):
            covered = False
    start = re.compile("|".join(p for p, _ in anchored)) if anchored else None
    contains = re.compile("|".join(strings)) if strings else None
    return start, contains, covered


def compile_rules(rules: Rules) -> _Compiled:
    byline, byline_firsts = None, None
    if rules.byline_cues:
        alts = "|".join(regex.escape(c) for c in rules.byline_cues)
        byline = regex.compile(rf"^(?:{alts})\s+\p{{Lu}}", regex.I)
        if all(rules.byline_cues):
            openings = [regex.compile(regex.escape(c[0]), regex.I) for c in rules.byline_cues]
            byline_firsts = frozenset(ch for ch in _ASCII if any(o.match(ch) for o in openings))
    compiled = [(r, _matcher(r), _contains_screen(r)) for r in rules.rules]
    return _Compiled(
        rules=[(r, p) for r, p, _ in compiled],
        ending_rules=frozenset(r.name for r in rules.rules if r.ends_body),
        byline=byline,
        byline_firsts=byline_firsts,
        any_zone=_rule_set([c for c in compiled if c[0].zone == "any"]),
        header=_rule_set([c for c in compiled if c[0].zone in ("header", "outside-body")]),
        tail=_rule_set([c for c in compiled if c[0].zone in ("tail", "outside-body")]),
    )


def _rule_set(rules: list[_CompiledRule]) -> _RuleSet:
    start, contains, covered = _screens([(r, p) for r, p, _ in rules])
    anchored = [p for p, _ in _anchored([(r, p) for r, p, _ in rules])]
    strings = tuple(dict.fromkeys(c.lower() for r, _, _ in rules for c in r.contains if c))
    return _RuleSet(
        rules=rules,
        start=start,
        contains=contains,
        screened=covered,
        strings=strings,
        finder=ahocorasick_rs.AhoCorasick(list(strings), implementation=_AC_DFA)
        if strings
        else None,
        string_rules=tuple(
            tuple(i for i, (r, _, _) in enumerate(rules) if s in (c.lower() for c in r.contains))
            for s in strings
        ),
        anchored=tuple(i for i, (r, p, _) in enumerate(rules) if _is_anchored(r, p)),
        firsts=tuple(
            _rule_first_characters(r) if _is_anchored(r, p) else None for r, p, _ in rules
        ),
        start_by_char=_start_screens(anchored) if anchored else None,
        literal=_literal_screen(rules, strings) if covered else None,
    )


# The string searches are compiled to a deterministic automaton: a few hundred strings, searched
# in every document
_AC_DFA = ahocorasick_rs.Implementation.DFA


# A part of an anchored rule is screened by a string it needs when that string has at least
# this many characters (shorter ones are in too many lines to be worth it), and by the strings
# it opens with when there are at most this many.
_MIN_NEEDED_CHARS = 3
_MAX_OPENINGS = 256
# With fewer parts of anchored rules than this, trying each line's first character costs less
# than the one search.
_MIN_UNITS_FOR_STRINGS = 10
# An opening is searched by its first characters only (a smaller automaton, as good a screen)
_OPENING_CHARS = 6


def _literal_screen(rules: list[_CompiledRule], contains: tuple[str, ...]) -> _LiteralScreen | None:
    """The screens of the rules as strings (None when a pattern is beyond this reading)."""
    strings: dict[str, set[int]] = {}  # "\n" + opening, or a string held -> rule positions
    for string in contains:
        strings[string] = {
            i for i, (r, _, _) in enumerate(rules) if string in (c.lower() for c in r.contains)
        }
    rest: list[tuple[Any, Any, set[str] | None]] = []
    units_seen = 0
    for position, (rule, pattern, _) in enumerate(rules):
        if not _is_anchored(rule, pattern):
            continue
        units = _units([f"(?{'' if rule.case_sensitive else 'i'}:{rule.pattern})"])
        if units is None:
            return None
        units_seen += len(units)
        for unit in units:
            try:
                openings = _openings(unit[1])
                needed = None if openings else _requirement(unit[1])
            except Exception:  # a form this reading does not know
                return None
            if openings:
                for opening in openings:
                    strings.setdefault("\n" + opening[:_OPENING_CHARS], set()).add(position)
            elif needed and min(map(len, needed)) >= _MIN_NEEDED_CHARS:
                for string in needed:
                    strings.setdefault(string, set()).add(position)
            else:
                rest.append(unit)
    if not strings or units_seen < _MIN_UNITS_FOR_STRINGS:
        return None
    try:
        rest_by_char = _screens_of_units(rest) if rest else None
        rest_all = _joined(rest) if rest else None
    except Exception:  # a form this reading does not know
        return None
    return _LiteralScreen(
        finder=ahocorasick_rs.AhoCorasick(list(strings), implementation=_AC_DFA),
        opens=tuple(string.startswith("\n") for string in strings),
        rules_of=tuple(tuple(sorted(r)) for r in strings.values()),
        rest_by_char=rest_by_char,
        rest=rest_all,
    )


def _openings(items: Any) -> frozenset[str] | None:
    """Strings in lower case, one of which the lower-case form of every text the parsed items
    match opens with (None: none found, or too many)."""
    found, _ = _opening_of(items)
    if found is None or "" in found:
        return None
    return frozenset(found)


def _opening_of(items: Any) -> tuple[set[str] | None, bool]:
    """(strings in lower case one of which every match opens with, None when too many; whether
    every match is one of them): literal characters joined while the sequence is certain."""
    out, whole = {""}, True
    for op, av in items:
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue  # takes no character
        if op is _sre.LITERAL and (low := _usable_literal(av)) is not None:
            more, more_whole = {low}, True
        elif op is _sre.SUBPATTERN:
            more_found, more_whole = _opening_of(av[3])
            if more_found is None:
                return (None, False) if out == {""} else (out, False)
            more = more_found
        elif op is _sre.BRANCH:
            more, more_whole = set(), True
            for branch in av[1]:
                found, branch_whole = _opening_of(branch)
                if found is None:
                    return (None, False) if out == {""} else (out, False)
                more |= found
                more_whole = more_whole and branch_whole
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            low, high, sub = av
            found, sub_whole = _opening_of(sub)
            if found is None or (low == 0 and high != 1):
                return out, False
            if low == 0:  # optional
                more, more_whole = found | {""}, sub_whole
            else:
                more, more_whole = found, sub_whole and low == high == 1
        else:  # a class of characters, any character ...: the strings stop here
            return out, False
        out = {a + b for a in out for b in more}
        if len(out) > _MAX_OPENINGS:
            return None, False
        if not more_whole:
            return out, False
    return out, whole


def _usable_literal(code: int) -> str | None:
    """The literal character in lower case when "a pattern's literal matches a character" gives
    "their lower cases are equal" (texts with _CASE_SPECIAL_CHARS aside); else None."""
    low = chr(code).lower()
    if len(low) == 1 and low.upper().lower() == low and low not in _CASE_SPECIAL_CHARS:
        return low
    return None


def _requirement(items: Any) -> frozenset[str] | None:
    """Strings in lower case, one of which the lower-case form of every text a sequence of
    parsed items matches holds (None: none found): a run of literal characters, or one of the
    runs of each branch of a choice. Of several, the one with the longest shortest string."""
    best: frozenset[str] | None = None

    def consider(found: frozenset[str] | None) -> None:
        nonlocal best
        if found and (best is None or min(map(len, found)) > min(map(len, best))):
            best = found

    run: list[str] = []
    for op, av in items:
        if op is _sre.LITERAL and (low := _usable_literal(av)) is not None:
            run.append(low)
            continue
        consider(frozenset(["".join(run)]) if run else None)
        run = []
        if op is _sre.SUBPATTERN:
            consider(_requirement(av[3]))
        elif op is _sre.BRANCH:
            branches = [_requirement(branch) for branch in av[1]]
            if all(branches):
                consider(frozenset().union(*branches))  # type: ignore[arg-type]
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and av[0] >= 1:
            consider(_requirement(av[2]))
    consider(frozenset(["".join(run)]) if run else None)
    return best


def _rule_first_characters(rule: Rule) -> frozenset[str] | None:
    """The ASCII characters a line the rule matches can open with (None: any, or unknown)."""
    try:
        return first_characters(f"(?{'' if rule.case_sensitive else 'i'}:{rule.pattern})")
    except Exception:  # a form the standard library's parser does not read: try every line
        return None


def _stdlib_module(name: str, before_3_11: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:  # pragma: no cover - Python 3.10
        return importlib.import_module(before_3_11)


# The standard library's regular expression parser and compiler: they tell which alternatives of
# the anchored rules a line can match from its first character on.
_sre_parser = _stdlib_module("re._parser", "sre_parse")
_sre_compiler = _stdlib_module("re._compiler", "sre_compile")
_sre = _stdlib_module("re._constants", "sre_constants")
_ASCII = tuple(chr(c) for c in range(128))
# A pattern spread into more alternatives than this is tried whole.
_MAX_ALTERNATIVES = 2000


def _start_screens(patterns: list[str]) -> dict[str, re.Pattern[str] | None] | None:
    """For each ASCII character, the alternatives of the anchored patterns (tried at a line's
    start) that a line opening with it can match, as one pattern (None: none can): the same
    answer as all the patterns, fewer tried. None when a pattern is beyond this reading (a back
    reference, an unknown construct): then every line is tried with all of them.

    A choice at a pattern's start ("^(?:more:|related|...)") is spread into one alternative per
    branch; each alternative's possible first characters are read from its parsed form."""
    units = _units(patterns)
    if units is None:
        return None
    try:
        return _screens_of_units(units)
    except Exception:  # a form this reading does not know: no screen, every rule is tried
        return None


def _screens_of_units(
    units: list[tuple[Any, Any, set[str] | None]],
) -> dict[str, re.Pattern[str] | None]:
    """For each ASCII character, the units that can open with it joined in one pattern."""
    screens: dict[str, re.Pattern[str] | None] = {}
    made: dict[tuple[int, ...], re.Pattern[str] | None] = {}
    for ch in _ASCII:
        chosen = tuple(i for i, u in enumerate(units) if u[2] is None or ch in u[2])
        if chosen not in made:
            made[chosen] = _joined([units[i] for i in chosen]) if chosen else None
        screens[ch] = made[chosen]
    return screens


def _units(patterns: list[str]) -> list[tuple[Any, Any, set[str] | None]] | None:
    """The parsed alternatives of the patterns (see _start_screens), each with the ASCII
    characters it can open with (None: any); None when a pattern is beyond this reading."""
    if any(_BACK_REFERENCE.search(p) for p in patterns):
        return None
    try:
        units: list[tuple[Any, Any, set[str] | None]] = []
        for pattern in patterns:
            tree = _sre_parser.parse(pattern, 0)
            alternatives = _spread(list(tree.data))
            if len(alternatives) > _MAX_ALTERNATIVES:
                alternatives = [list(tree.data)]
            for items in alternatives:
                first, empty = _first_of(items, tree.state.flags)
                units.append((tree.state, items, None if empty else first))
        return units
    except Exception:  # a form this reading does not know
        return None


# Characters for which "holds the string in lower case" does not follow from "a pattern's
# literal matches it" (ignoring case): those lowering to an unusual member of a case class the
# regular expression engine treats as one ("ſ" matches "s"), "İ" (its lower case is two
# characters) and "Σ" (its lower case depends on the next character).
_CASE_FIXES: dict[int, tuple[int, ...]] = getattr(
    _stdlib_module("re._casefix", "sre_compile"), "_EXTRA_CASES", {}
)
_CASE_SPECIAL_CHARS = frozenset(
    "İΣ"
    + "".join(
        ch
        for code, more in _CASE_FIXES.items()
        for ch in (chr(code), *map(chr, more))
        if ch.upper().lower() != ch
    )
)
_CASE_SPECIAL = re.compile(f"[{re.escape(''.join(sorted(_CASE_SPECIAL_CHARS)))}]")


_BACK_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


def _joined(units: list[tuple[Any, Any, set[str] | None]]) -> re.Pattern[str]:
    """One pattern trying the parsed alternatives in turn."""
    state = max((u[0] for u in units), key=lambda st: st.groups)
    branch = [_sre_parser.SubPattern(state, items) for _, items, _ in units]
    tree = _sre_parser.SubPattern(state, [(_sre.BRANCH, (None, branch))])
    pattern: re.Pattern[str] = _sre_compiler.compile(tree, 0)
    return pattern


def _spread(items: list[Any]) -> list[list[Any]]:
    """Sequences of parsed items that match, together, what the sequence matches: a choice
    first in it (after anchors, in groups that capture nothing) becomes one sequence a branch."""
    for i, (op, av) in enumerate(items):
        if op is _sre.AT:
            continue
        if op is _sre.BRANCH:
            out = []
            for branch in av[1]:
                out += _spread(items[:i] + list(branch) + items[i + 1 :])
                if len(out) > _MAX_ALTERNATIVES:
                    break
            return out
        if op is _sre.SUBPATTERN and av[0] is None:
            _group, add, remove, sub = av
            spread = [_sre_parser.SubPattern(sub.state, inner) for inner in _spread(list(sub))]
            return [[*items[:i], (op, (None, add, remove, one)), *items[i + 1 :]] for one in spread]
        break
    return [items]


def first_characters(pattern: str) -> frozenset[str] | None:
    """The ASCII characters a match of the pattern can open with; None when it may open with any
    character or match nothing."""
    tree = _sre_parser.parse(pattern, 0)
    found, empty = _first_of(list(tree.data), tree.state.flags)
    return None if found is None or empty else frozenset(found)


def _first_of(items: Any, flags: int) -> tuple[set[str] | None, bool]:
    """(the ASCII characters a sequence of parsed items can match first, None for any; whether
    it can match an empty string)."""
    out: set[str] = set()
    for op, av in items:
        if op in (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT):
            continue  # takes no character
        if op in (_sre.LITERAL, _sre.NOT_LITERAL, _sre.IN, _sre.CATEGORY):
            one = _one_character(op, av, flags)
            return (None if one is None else out | one), False
        if op is _sre.SUBPATTERN:
            _group, add, remove, sub = av
            found, empty = _first_of(sub, (flags | add) & ~remove)
        elif op is _sre.BRANCH:
            found, empty = set(), False
            for branch in av[1]:
                more, more_empty = _first_of(branch, flags)
                if more is None:
                    return None, False
                found |= more
                empty = empty or more_empty
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            low, _high, sub = av
            found, empty = _first_of(sub, flags)
            empty = empty or low == 0
        else:  # any character, a back reference ...: anything may come first
            return None, False
        if found is None:
            return None, False
        out |= found
        if not empty:
            return out, False
    return out, True


_CLASS_OF_CATEGORY = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


def _one_character(op: Any, av: Any, flags: int) -> set[str] | None:
    """The ASCII characters that one parsed single-character item matches, each tried."""
    if op is _sre.LITERAL:
        written = re.escape(chr(av))
    elif op is _sre.NOT_LITERAL:
        written = f"[^{re.escape(chr(av))}]"
    elif op is _sre.CATEGORY:
        written = _CLASS_OF_CATEGORY[str(av)]
    else:  # a character class
        parts: list[str] = []
        for kind, value in av:
            if kind is _sre.NEGATE:
                parts.insert(0, "^")
            elif kind is _sre.LITERAL:
                parts.append(re.escape(chr(value)))
            elif kind is _sre.RANGE:
                parts.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
            elif kind is _sre.CATEGORY:
                parts.append(_CLASS_OF_CATEGORY[str(value)])
            else:
                return None
        written = f"[{''.join(parts)}]"
    one = re.compile(written, flags & (re.IGNORECASE | re.ASCII))
    return {ch for ch in _ASCII if one.fullmatch(ch)}


def _starts_like_rule(rule_set: _RuleSet, line: str) -> bool:
    """Whether a rule anchored at the line's start matches it (rule_set.start.match)."""
    start = rule_set.start
    if start is None:
        return False
    first = line[:1]
    if rule_set.start_by_char is None or not first or not first.isascii():
        return bool(start.match(line))
    screen = rule_set.start_by_char[first]
    return bool(screen and screen.match(line))


_CACHE: dict[int, tuple[Rules, _Compiled]] = {}


def _compiled(rules: Rules) -> _Compiled:
    # Compiled patterns are a pure function of the (frozen) rules. Keyed by identity: hashing
    # the nested rules on every line costs more than matching them.
    cached = _CACHE.get(id(rules))
    if cached is None or cached[0] is not rules:
        cached = (rules, compile_rules(rules))
        _CACHE[id(rules)] = cached
    return cached[1]


# A teaser cut short by its site: "... may soon...", "... the [...]" (a list of other stories).
_TRUNCATED = regex.compile(r"(?:\w(?:\.{3}|…)|[\[(](?:\.{3}|…)[\])])[\"'”’»]?$")


def is_truncated(line: str) -> bool:
    """The line ends where its site cut it (a teaser of another story), not with a sentence."""
    return bool(_TRUNCATED.search(line[-_TAIL:]))


def is_body_like(line: str, cfg: Config) -> bool:
    return _body_like(line, cfg.min_body_words, cfg.long_line_words, cfg.teasers_not_paragraphs)


@lru_cache(maxsize=8192)
def _body_like(line: str, min_body_words: int, long_line_words: int, teasers: bool) -> bool:
    if teasers and is_truncated(line):
        return False
    words = word_count(line)
    if words >= long_line_words:
        return True
    if _ENDS_SENTENCE.search(line[-_TAIL:]):
        return words >= min_body_words
    # Thai, Lao, Khmer and Myanmar end sentences with a space, so headlines and paragraphs look
    # alike but for their length.
    return _mostly_unspaced(line) and words >= 2 * min_body_words


def match_any_zone_rule(line: str, rules: Rules) -> Rule | None:
    """The first rule that applies anywhere in a document and matches the line, if any.

    Lines recur across the documents of a run (a site's menus and widgets), so the answer for a
    short line is remembered (a pure function of the line and the rules)."""
    rule_set = _compiled(rules).any_zone
    if len(line) > _REMEMBER_CHARS:
        return _match_rule(line, rule_set)
    known = rule_set.remembered
    if line in known:
        return known[line]
    if len(known) >= _REMEMBER_LINES:
        known.clear()
    found = known[line] = _match_rule(line, rule_set)
    return found


# Lines of up to this many characters have their rule remembered, for this many lines at most.
_REMEMBER_CHARS = 80
_REMEMBER_LINES = 50_000


def any_zone_rules(lines: list[str], rules: Rules) -> list[Rule | None]:
    """match_any_zone_rule() of each line (none holding a line break)."""
    return first_rules(lines, _compiled(rules).any_zone)


def first_rules(lines: list[str], rule_set: _RuleSet) -> list[Rule | None]:
    """The first rule of the set that matches each line (none holding a line break), if any.
    The screens run over all the lines at once: one search finds every `contains` string in
    them, and the rules anchored at a line's start are screened by its first character. A line
    is then tried only against the rules a screen let it through for, in their order."""
    out: list[Rule | None] = [None] * len(lines)
    if not rule_set.rules:
        return out
    tries: dict[int, list[int]] | dict[int, None]
    if rule_set.screened:
        tries = _rules_to_try(lines, rule_set)
    else:  # some rule has no screen: every line is tried against every rule
        tries = dict.fromkeys(range(len(lines)))
    known = rule_set.remembered
    for index in sorted(tries):
        line = lines[index]
        if len(line) > _REMEMBER_CHARS:
            out[index] = _first_rule(line, rule_set, tries[index])
            continue
        if line in known:
            out[index] = known[line]
            continue
        if len(known) >= _REMEMBER_LINES:
            known.clear()
        out[index] = known[line] = _first_rule(line, rule_set, tries[index])
    return out


def _rules_to_try(lines: list[str], rule_set: _RuleSet) -> dict[int, list[int]]:
    """For each line a screen lets through, the positions (in rule_set.rules) of the rules it
    may match: those with a `contains` string the line holds, and the anchored rules whose
    pattern can open with the line's first character."""
    joined = "\n".join(lines)
    literal = rule_set.literal
    if literal is not None and _CASE_FIXES and not _CASE_SPECIAL.search(joined):
        return _rules_to_try_by_strings(lines, joined, rule_set, literal)
    tries: dict[int, set[int]] = {}
    string_rules = rule_set.string_rules
    for index, strings in _strings_held(lines, joined, rule_set).items():
        tries[index] = {rule for string in strings for rule in string_rules[string]}
    for index in _lines_starting_like_rule(lines, rule_set):
        tries.setdefault(index, set()).update(_anchored_opening_with(lines[index][:1], rule_set))
    return {index: sorted(rules) for index, rules in tries.items()}


def _anchored_opening_with(first: str, rule_set: _RuleSet) -> list[int]:
    """The positions of the anchored rules a line opening with `first` may match (every one
    for a line opening with a character beyond ASCII: the first-character sets are ASCII)."""
    if not first.isascii() or not first:
        return list(rule_set.anchored)
    firsts = rule_set.firsts
    return [rule for rule in rule_set.anchored if (f := firsts[rule]) is None or first in f]


def _rules_to_try_by_strings(
    lines: list[str], joined: str, rule_set: _RuleSet, literal: _LiteralScreen
) -> dict[int, list[int]]:
    """_rules_to_try() from one search of the screens' strings in the lines (joined by line
    breaks, none of _CASE_SPECIAL_CHARS in them: each line in lower case keeps its length)."""
    text = "\n" + joined.lower()  # a line break before every line, the first too
    starts = list(itertools.accumulate((len(line) + 1 for line in lines), initial=1))
    tries: dict[int, set[int]] = {}
    opens, rules_of = literal.opens, literal.rules_of
    for string, at, _ in literal.finder.find_matches_as_indexes(text, overlapping=True):
        # an opening is found at the line break before its line
        index = bisect.bisect_right(starts, at + 1 if opens[string] else at) - 1
        tries.setdefault(index, set()).update(rules_of[string])
    if literal.rest_by_char is not None:
        screen_of, rest = literal.rest_by_char.get, literal.rest
        for index, line in enumerate(lines):
            first = line[:1]
            screen = screen_of(first, rest)
            if screen is not None and screen.match(line):
                tries.setdefault(index, set()).update(_anchored_opening_with(first, rule_set))
    return {index: sorted(rules) for index, rules in tries.items()}


def _strings_held(lines: list[str], joined: str, rule_set: _RuleSet) -> dict[int, set[int]]:
    """For the lines that hold `contains` strings (in lower case), the strings' positions in
    rule_set.strings; `joined` is the lines joined by line breaks."""
    finder = rule_set.finder
    if finder is None:
        return {}
    text = joined.lower()  # as each line in lower case: a line break is not cased
    found = finder.find_matches_as_indexes(text, overlapping=True)
    if not found:
        return {}
    if len(text) == sum(map(len, lines)) + len(lines) - 1:
        sizes: Iterable[int] = map(len, lines)
    else:  # lower case is longer for some characters ("İ" is "i̇"): the lines' places moved
        sizes = map(len, text.split("\n"))
    starts = list(itertools.accumulate((size + 1 for size in sizes), initial=0))
    held: dict[int, set[int]] = {}
    for string, at, _ in found:
        held.setdefault(bisect.bisect_right(starts, at) - 1, set()).add(string)
    return held


def _lines_starting_like_rule(lines: list[str], rule_set: _RuleSet) -> list[int]:
    """The indexes of the lines a rule anchored at the line's start matches (_starts_like_rule
    of each line)."""
    start = rule_set.start
    if start is None:
        return []
    by_char = rule_set.start_by_char
    if by_char is None:
        return [index for index, line in enumerate(lines) if start.match(line)]
    screen_of = by_char.get  # a line opening with a character not in it (none, not ASCII): all
    return [
        index
        for index, line in enumerate(lines)
        if (screen := screen_of(line[:1], start)) is not None and screen.match(line)
    ]


def _first_rule(line: str, rule_set: _RuleSet, tries: list[int] | None = None) -> Rule | None:
    """The first rule of the set that matches, of those at the positions `tries` (their
    `contains` screens passed) or, without it, of all (each screened here)."""
    words = word_count(line)
    if tries is not None:
        for position in tries:
            rule, pattern, _ = rule_set.rules[position]
            if (not rule.max_words or words <= rule.max_words) and pattern.search(line):
                return rule
        return None
    lower = line.lower()
    for rule, pattern, screen in rule_set.rules:
        if (
            (not rule.max_words or words <= rule.max_words)
            and (screen is None or screen.search(lower))
            and pattern.search(line)
        ):
            return rule
    return None


def _match_rule(line: str, rule_set: _RuleSet) -> Rule | None:
    """The first rule of the set that matches, the screens tried first."""
    if rule_set.screened:
        holds = bool(rule_set.contains and rule_set.contains.search(line.lower()))
        if not holds and not _starts_like_rule(rule_set, line):
            return None
    return _first_rule(line, rule_set)


# A character beyond Latin-1: a line without one has letters of one script (Latin) at most
_BEYOND_LATIN_1 = re.compile(r"[^\x00-\xff]")


def _is_foreign_fragment(line: str, cfg: Config) -> bool:
    # The letters of Latin-1 are Latin: a line with no letter beyond it (its curly quotes and
    # dashes are not letters) has one script at most
    if line.isascii() or not any(map(str.isalpha, _BEYOND_LATIN_1.findall(line))):
        return False
    if word_count(line) > cfg.foreign_fragment_max_words or _SENTENCE_END.search(line):
        return False
    counts = script_counts(line)
    if len(counts) < 2:
        return False
    total = sum(counts.values())
    return min(counts.values()) / total >= cfg.foreign_fragment_min_share


def _is_name_like(line: str) -> bool:
    tokens = line.split()
    if not 2 <= len(tokens) <= 4 or len(line) > 50:
        return False
    return all(_NAME_TOKEN.fullmatch(t) for t in tokens)


_MENU_SEPARATORS = regex.compile(r"\s[|·•»/]\s")


def _is_title_like(line: str, comp: _Compiled, cfg: Config) -> bool:
    return cfg.min_title_words <= word_count(line) <= cfg.max_title_words and _title_shaped(
        line, comp
    )


# Two of these characters, at least, for two menu separators
_TWO_SEPARATORS = re.compile(r"[|·•»/].*[|·•»/]", re.DOTALL)


def _title_shaped(line: str, comp: _Compiled) -> bool:
    """Not a label ("Topics:"), not a menu ("Home | News | Sport"), not a byline."""
    return (
        not line.endswith(":")
        and not (_TWO_SEPARATORS.search(line) and len(_MENU_SEPARATORS.findall(line)) >= 2)
        and not (comp.byline and comp.byline.match(line))
    )


def _pick_title(header: list[int], doc: _Lines, comp: _Compiled) -> int | None:
    """Position of the headline among the header lines: the title-like line nearest the body
    with at least five words (site names, sections and menu items are shorter), else the
    longest title-like line."""
    least, most, words, texts = (
        doc.cfg.min_title_words,
        doc.cfg.max_title_words,
        doc.word_counts,
        doc.texts,
    )
    candidates = [
        (at, words[at])
        for at in header
        if least <= words[at] <= most and _title_shaped(texts[at], comp)
    ]
    for at, count in reversed(candidates):
        if count >= 5:
            return at
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c[1], -c[0]))[0]


def _fold(text: str) -> str:
    """The words of a text, NFKC-normalised and case-folded, joined by single spaces."""
    return fold_line(text)


# What may follow a date on a header line: a time and a time zone.
_TIME_AFTER_DATE = regex.compile(
    r"[\s,]*(?:(?:at|um|à|a las|às|alle|om|в)\s+)?\d{1,2}[:.h]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*(?:GMT|UTC|[A-Z]{2,5}|[+-]\d{2}:?\d{2})\b)?",
    regex.IGNORECASE,
)
_JOINERS = " ,;:：|-–—•·"


def date_at(text: str, start: int, run_date: dt.date) -> int | None:
    """End offset of a date expression (with any time after it) opening text[start:], or None.

    The date grammar is the dates step's, so that what is labelled a dateline here is exactly
    what that step can read.
    """
    rest = text[start:]
    lead = len(rest) - len(rest.lstrip(_JOINERS))
    found = _dates_in(rest, run_date)
    if not found or found[0].start != lead:
        return None
    end = start + found[0].end
    time = _TIME_AFTER_DATE.match(text, end)
    return time.end() if time else end


_DIGIT = regex.compile(r"\d")
_CUE_SCAN_CHARS = 160
_ASCII_DIGIT = re.compile(r"[0-9]")


def _has_digit(line: str) -> bool:
    """_DIGIT.search(line): an ASCII line's digits are 0 to 9."""
    return bool(_ASCII_DIGIT.search(line) if line.isascii() else _DIGIT.search(line))


_DATE_ONLY_CHARS = (4, 60)


@lru_cache(maxsize=8192)
def _is_date_only(line: str, run_date: dt.date) -> bool:
    # Remembered (the same lines recur across a run's documents). Cheap screen first: every
    # date form the dates step reads has a digit and at least four characters ("5月5日"), and a
    # line that is only a date (and a time) is short.
    if not _DATE_ONLY_CHARS[0] <= len(line) <= _DATE_ONLY_CHARS[1] or not _DIGIT.search(line):
        return False
    end = date_at(line, 0, run_date)
    return end is not None and not line[end:].strip(_JOINERS)


def _is_dated_line(line: str, run_date: dt.date, cfg: Config) -> bool:
    """A short line that is not a sentence and holds a calendar date (with a day)."""
    return _dated_line(line, run_date, cfg.max_dated_line_words)


@lru_cache(maxsize=8192)
def _dated_line(line: str, run_date: dt.date, max_words: int) -> bool:
    if word_count(line) > max_words or _ENDS_SENTENCE.search(line[-_TAIL:]):
        return False
    if not _DIGIT.search(line):
        return False
    return any(match.readings for match in _dates_in(line, run_date))


@lru_cache(maxsize=8192)
def _dates_in(text: str, run_date: dt.date) -> tuple[dates.DateMatch, ...]:
    """dates.find_dates(), remembered: a header line is read both as a date alone and as a line
    that carries a date."""
    return tuple(dates.find_dates(text, run_date))


def cue_label(line: str, rules: Rules, run_date: dt.date, max_byline_words: int) -> str | None:
    """ "byline" or "dateline" for a line that opens with a byline cue or a dated header cue."""
    byline = _compiled(rules).byline
    if byline and byline.match(line) and word_count(line) <= max_byline_words:
        return "byline"
    if not _DIGIT.search(line):  # a dateline holds a date, and every date has a digit
        return None
    return "dateline" if opens_with_dated_cue(line, run_date) else None


def byline_pattern(rules: Rules) -> regex.Pattern[str] | None:
    """A line that this matches opens with a byline cue ("By", "Von" ...) and a capital."""
    return _compiled(rules).byline


def opens_with_dated_cue(line: str, run_date: dt.date) -> bool:
    """The line opens with a header cue and a date ("Published on 8 September 2020")."""
    return _opens_with_dated_cue(line[:_CUE_SCAN_CHARS], run_date)


@lru_cache(maxsize=8192)
def _opens_with_dated_cue(opening: str, run_date: dt.date) -> bool:
    """A header cue and the date after it, read from a line's opening characters (remembered:
    the same header lines recur across a run's documents)."""
    found = _header_prefix(opening, run_date)
    return bool(found and found[0] == "dateline")


def _header_prefix(line: str, run_date: dt.date) -> tuple[str, str, str] | None:
    """(label, prefix, rest) when a line opens with a header cue; None otherwise."""
    if not dates._CUE_RE.match(line):  # no cue at its start: not worth finding every cue
        return None
    cues = dates.find_cues(line)
    if not cues or cues[0].start != 0:
        return None
    end = date_at(line, cues[0].end, run_date)
    if end is not None:
        return "dateline", line[:end].rstrip(_JOINERS), line[end:].lstrip(_JOINERS)
    if word_count(line) <= 6 and not _SENTENCE_END.search(line):
        return "chrome", line, ""
    return None


_LOWER_START = regex.compile(r"[\p{Ll}]")
# A hard-wrapped line is a long one cut short; a tag cloud's one-word lines in lower case are not.
_WRAPPED_LINE_WORDS = 6


class _Lines:
    """The non-blank lines of one text, by position: what each one's last piece says (its text,
    label and rule) and its features, each worked out once (word count, paragraph, sentence end).
    """

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.numbers: list[int] = []  # line number of each position
        self.texts: list[str] = []
        self.starts: list[int] = []
        self.labels: list[str] = []
        self.rules: list[str] = []
        self.heads: dict[int, Line] = {}  # position -> the header cue split off before its text
        # set by measure()
        self.ascii: list[bool] = []
        self.word_counts: list[int] = []
        self.paragraphs: list[bool] = []
        self.sentence_ends: list[bool] = []

    def add(self, number: int, text: str, start: int, label: str, rule: str) -> int:
        self.numbers.append(number)
        self.texts.append(text)
        self.starts.append(start)
        self.labels.append(label)
        self.rules.append(rule)
        return len(self.texts) - 1

    def relabel(self, at: int, label: str, rule: str) -> None:
        self.labels[at] = label
        self.rules[at] = rule

    def measure(self) -> None:
        """Work out every line's word count, whether it is a paragraph (is_body_like) and
        whether it ends a sentence. Most lines are short and end with no punctuation (menus,
        links): each feature is screened for all lines at once and worked out for the few."""
        cfg, texts = self.cfg, self.texts
        count = len(texts)
        self.ascii = ascii = list(map(str.isascii, texts))
        others = list(itertools.compress(range(count), map(operator.not_, ascii)))
        # the lines word_count() reads as ASCII counted together, the others one by one
        not_plain = [at for at in others if NOT_PLAIN.search(texts[at])]
        if not_plain:
            parts = list(texts)
            for at in not_plain:
                parts[at] = ""
            self.word_counts = words = ascii_word_counts("\n".join(parts))
            for at in not_plain:
                words[at] = word_count(texts[at])
        else:
            self.word_counts = words = ascii_word_counts("\n".join(texts)) if texts else []
        # Thai, Lao, Khmer, Myanmar: most letters of a script written without spaces
        unspaced = [at for at in others if _mostly_unspaced(texts[at])]
        # as _ENDS_SENTENCE.search(text[-_TAIL:]): the closing quotes and brackets stripped, the
        # last character ends a sentence, and it is within the tail
        closers, enders, within = _SENTENCE_CLOSERS, _SENTENCE_ENDERS, _TAIL - 1
        last = _SENTENCE_LAST
        ends = [
            text[-1:] in last
            and (bare := text.rstrip(closers))[-1:] in enders
            and len(text) - len(bare) <= within
            for text in texts
        ]
        # a sentence ends with final punctuation, or at the line's end in a script that writes
        # none (Thai ...)
        self.sentence_ends = sentence_ends = list(ends)
        for at in unspaced:
            sentence_ends[at] = True
        least, long = cfg.min_body_words, cfg.long_line_words
        # as _body_like(): a line with fewer words than both limits is none
        shortest = min(least, long)
        self.paragraphs = paragraphs = [False] * count
        unspaced_set = set(unspaced)
        for at in [at for at, n in enumerate(words) if n >= shortest]:
            n = words[at]
            paragraphs[at] = n >= long or (
                n >= least if ends[at] else at in unspaced_set and n >= 2 * least
            )
        if cfg.teasers_not_paragraphs:  # a teaser cut short with "..." is no paragraph
            for at in [at for at, text in enumerate(texts) if "..." in text or "…" in text]:
                if paragraphs[at] and is_truncated(texts[at]):
                    paragraphs[at] = False

    def pieces(self, cut_citations: bool) -> list[Line]:
        """Every labelled piece in order: a header cue before its line's text, citation markers
        after the body text they were cut from."""
        out = lines_of(self.texts, self.labels, self.rules, self.numbers, self.starts)
        labels = self.labels
        cut = (
            [at for at, text in enumerate(self.texts) if "[" in text and labels[at] == BODY]
            if cut_citations
            else []
        )
        if not self.heads and not cut:
            return out
        more: dict[int, list[Line]] = {at: [head, out[at]] for at, head in self.heads.items()}
        for at in cut:
            more[at] = [*more.get(at, [])[:-1], *_cut_citations(out[at])]
        return [piece for at, line in enumerate(out) for piece in more.get(at, [line])]


def _body_like_lines(lines: list[int], doc: _Lines) -> list[int]:
    """Lines that are paragraphs, judging hard-wrapped paragraphs whole: a line that does not end
    a sentence, followed directly by one that starts in lower case, continues on it."""
    numbers, texts, words, ends = doc.numbers, doc.texts, doc.word_counts, doc.sentence_ends
    paragraphs, least = doc.paragraphs, _WRAPPED_LINE_WORDS
    # each line that continues the line before it, with that line
    wrapped = [
        (previous, at)
        for previous, at in itertools.pairwise(lines)
        if words[previous] >= least
        and not ends[previous]
        and numbers[previous] == numbers[at] - 1
        and _LOWER_START.match(texts[at])
    ]
    if not wrapped:
        return [at for at in lines if paragraphs[at]]
    groups: list[list[int]] = []
    for previous, at in wrapped:
        if groups and groups[-1][-1] == previous:
            groups[-1].append(at)
        else:
            groups.append([previous, at])
    # a hard-wrapped paragraph is judged whole
    verdict = {
        at: verdict
        for group in groups
        for verdict in [is_body_like(" ".join(texts[at] for at in group), doc.cfg)]
        for at in group
    }
    return [at for at in lines if verdict.get(at, paragraphs[at])]


def _main_block(
    good: list[int],
    ends: list[int],
    cfg: Config,
    words: Callable[[int], int],
    prose: frozenset[int] = frozenset(),
) -> tuple[int, int] | None:
    """First and last line of the article: the block of body-like lines with the most words,
    joined by neighbouring blocks of a similar size. Blocks are split by long runs of other lines
    (menus, link lists) and by lines that end the article (a comment section's heading).

    Lines are given by their position among the text's non-blank lines."""
    if not good:
        return None
    blocks: list[list[int]] = [[good[0]]]
    for number in good[1:]:
        previous = blocks[-1][-1]
        gap = number - previous - 1
        if gap > cfg.max_gap_lines or any(previous < end < number for end in ends):
            blocks.append([])
        blocks[-1].append(number)
    # A block weighs its words times its density (the share of its lines that are paragraphs):
    # an article is paragraph after paragraph, a teaser list or comment thread is not.
    prose_at = sorted(prose)

    def prose_within(block: list[int]) -> int:
        return bisect.bisect_right(prose_at, block[-1]) - bisect.bisect_left(prose_at, block[0])

    density = [
        (len(block) + cfg.sentence_line_weight * prose_within(block)) / (block[-1] - block[0] + 1)
        for block in blocks
    ]
    weight = [sum(words(n) for n in block) * d for block, d in zip(blocks, density, strict=True)]
    # The article comes before the comments: when a comment heading follows a block large
    # enough to be an article, the main block is chosen among the blocks before it.
    candidates = list(range(len(blocks)))
    later_ends = [end for end in ends if end > blocks[0][0]]
    if later_ends:
        before = [i for i in candidates if blocks[i][-1] < later_ends[0]]
        if before and max(weight[i] for i in before) >= cfg.min_article_words:
            candidates = before
    main = max(candidates, key=lambda i: (weight[i], -i))
    first = last = main
    floor = cfg.min_block_share * weight[main]

    def joins(i: int, a: int, b: int) -> bool:
        """Block i (between blocks a < b) joins the article: heavy and dense enough, and no
        comment heading between."""
        return (
            weight[i] >= floor
            and density[i] >= cfg.min_join_density
            and not any(blocks[a][-1] < end < blocks[b][0] for end in ends)
            and (
                not cfg.max_join_gap_lines
                or blocks[b][0] - blocks[a][-1] - 1 <= cfg.max_join_gap_lines
            )
        )

    def near(a: int, b: int) -> bool:
        return blocks[b][0] - blocks[a][-1] - 1 <= cfg.max_bridge_gap_lines

    def dense(i: int, a: int, b: int) -> bool:
        return (
            density[i] >= cfg.min_join_density
            and near(a, b)
            and not any(blocks[a][-1] < end < blocks[b][0] for end in ends)
        )

    while first > 0:
        if joins(first - 1, first - 1, first):
            first -= 1
            continue
        # a light but dense block (a short passage between two lists) joins when a heavy block
        # beyond it does
        j = first - 1
        while j > 0 and dense(j, j, j + 1) and j > first - 1 - cfg.bridge_blocks:
            j -= 1
            if joins(j, j, j + 1):
                break
        if j < first - 1 and joins(j, j, j + 1) and near(j, j + 1):
            first = j
            continue
        break
    while last < len(blocks) - 1:
        if joins(last + 1, last, last + 1):
            last += 1
            continue
        j = last + 1
        while j < len(blocks) - 1 and dense(j, j - 1, j) and j < last + 1 + cfg.bridge_blocks:
            j += 1
            if joins(j, j - 1, j):
                break
        if j > last + 1 and joins(j, j - 1, j) and near(j - 1, j):
            last = j
            continue
        break
    return blocks[first][0], blocks[last][-1]


def _split_lines(text: str, cfg: Config, run_date: dt.date) -> tuple[_Lines, list[int]]:
    """The non-blank lines, header cues (in the first lines) and lines with no letters labelled;
    with the positions of the lines still to label."""
    doc = _Lines(cfg)
    open_lines: list[int] = []
    raw = text.split("\n")
    stripped_lines = list(map(str.strip, raw))
    numbers = list(itertools.compress(range(len(raw)), stripped_lines))  # the non-blank lines
    scan = cfg.header_scan_lines
    for number in numbers[:scan]:
        line = raw[number]
        stripped = line.strip()
        offset = line.index(stripped[0])
        found = _header_prefix(stripped, run_date)
        if found:
            label, prefix, after = found
            why = "header-cue-with-date" if label == "dateline" else "header-cue-without-date"
            if after:
                start = offset + stripped.index(after, len(prefix))
                at = doc.add(number, after, start, BODY, "")
                doc.heads[at] = Line(prefix, label, why, number, offset)
                open_lines.append(at)
            else:
                doc.add(number, prefix, offset, label, why)
        elif not _has_letter(stripped) and not _is_date_only(stripped, run_date):
            doc.add(number, stripped, offset, "chrome", "no-letters")
        else:
            open_lines.append(doc.add(number, stripped, offset, BODY, ""))
    # the other lines, a list at a time
    rest = numbers[scan:]
    texts = [stripped_lines[n] for n in rest]
    # as _has_letter(): an ASCII line stripped of every ASCII character but the letters
    not_letters, letter = _ASCII_NOT_LETTERS, _LETTER.search
    kept = [
        bool(line.strip(not_letters) if line.isascii() else letter(line))
        or _is_date_only(line, run_date)
        for line in texts  # letters or a date
    ]
    first = len(doc.texts)
    doc.numbers += rest
    doc.texts += texts
    # a stripped line is the line itself when there was nothing to strip
    doc.starts += [
        0 if line is text else line.index(text[0])
        for line, text in zip([raw[n] for n in rest], texts, strict=True)
    ]
    if all(kept):
        doc.labels += [BODY] * len(kept)
        doc.rules += [""] * len(kept)
        open_lines += range(first, first + len(kept))
    else:
        doc.labels += [BODY if keep else "chrome" for keep in kept]
        doc.rules += ["" if keep else "no-letters" for keep in kept]
        open_lines += [first + i for i, keep in enumerate(kept) if keep]
    return doc, open_lines


_ASCII_LETTER = re.compile(r"[A-Za-z]")
_ASCII_NOT_LETTERS = "".join(chr(c) for c in range(128) if not chr(c).isalpha())


def _has_letter(line: str) -> bool:
    if line.isascii():  # the ASCII letters are the only letters there
        return bool(_ASCII_LETTER.search(line))
    return bool(_LETTER.search(line))


def segment(
    text: str, cfg: Config, run_date: dt.date, repeated: Mapping[str, int] | None = None
) -> tuple[list[Line], str | None]:
    """Label every non-blank line of a plain text; returns the labelled pieces and the title.

    `repeated` holds the keys (pipeline.corpus.line_key) of lines that recur across many
    documents of the same source: short ones among them are site chrome.
    """
    comp = _compiled(cfg.rules)
    doc, open_lines = _split_lines(text, cfg, run_date)
    doc.measure()
    texts, labels, relabel = doc.texts, doc.labels, doc.relabel
    words, paragraph, sentence_end = doc.word_counts, doc.paragraphs, doc.sentence_ends
    ascii = doc.ascii
    count = len(texts)

    # Rules that need no zone first, so that a photo credit cannot pass as the first paragraph.
    hits = any_zone_rules(
        texts if len(open_lines) == count else [texts[at] for at in open_lines], cfg.rules
    )
    rules = doc.rules
    removed: set[int] = set()
    for at, hit in zip(itertools.compress(open_lines, hits), filter(None, hits), strict=True):
        labels[at], rules[at] = hit.label, hit.name
        removed.add(at)
    if repeated:
        maybe = [at for at in open_lines if at not in removed and not paragraph[at]]
        keys = line_keys_of([texts[at] for at in maybe])
        for at, key in zip(maybe, keys, strict=True):
            if key in repeated:
                labels[at], rules[at] = "chrome", "repeated-across-documents"
                removed.add(at)
    fragment_words = cfg.foreign_fragment_max_words  # a longer line is no fragment
    for at in [at for at in open_lines if not ascii[at]]:
        if (
            at not in removed
            and words[at] <= fragment_words
            and _is_foreign_fragment(texts[at], cfg)
        ):
            labels[at], rules[at] = "chrome", "mixed-script-fragment"
            removed.add(at)
    pending = [at for at in open_lines if at not in removed] if removed else list(open_lines)

    body_like = _body_like_lines(pending, doc)
    ending = comp.ending_rules
    ends = [at for at, rule in enumerate(doc.rules) if rule in ending] if ending else []
    body_like_set = set(body_like)
    prose = frozenset(
        at for at in pending if at not in body_like_set and words[at] >= 3 and sentence_end[at]
    )
    block = _main_block(body_like, ends, cfg, words.__getitem__, prose)
    if block:
        first_body, last_body = block
        body_like = [at for at in body_like if first_body <= at <= last_body]
    else:  # every line is in the body zone
        first_body, last_body = count, -1
        body_like = []
    body_like_set = set(body_like)

    # A line that is nothing but a date, before the body or among its first lines, is a dateline.
    with_digit: set[int] = set()  # of the lines before the body and the opening ones
    if block:
        before = bisect.bisect_left(pending, first_body)  # pending is in order
        after = bisect.bisect_right(pending, first_body)
        opening = sorted(set(body_like[:1] + pending[after : after + 3]))
        with_digit = {at for at in pending[:before] + opening if _has_digit(texts[at])}
        least, most = _DATE_ONLY_CHARS
        dated = [
            at
            for at in sorted(with_digit)
            if least <= len(texts[at]) <= most and _is_date_only(texts[at], run_date)
        ]
        if dated:
            for at in dated:
                relabel(at, "dateline", "date-only-line")
            pending = [at for at in pending if labels[at] == BODY]

    # Inside the article, a run of several lines that are not paragraphs is an embedded widget
    # (a share bar, a link list), not a heading.
    if cfg.max_inner_run and block:
        run: list[int] = []
        for at in [*range(first_body, last_body + 1), -1]:
            if at != -1 and at not in body_like_set:
                run.append(at)  # removed lines (a share button) count towards the run
                continue
            if len(run) > cfg.max_inner_run:
                for n in run:
                    if labels[n] == BODY:
                        relabel(n, "chrome", "run-of-short-lines-in-body")
            run = []
        pending = [at for at in pending if labels[at] == BODY]

    # the line right after the last paragraph
    closing = last_body + 1 if block and cfg.keep_closing_sentence else None
    header: list[int] = []
    if block:  # the zoned rules apply before or after the body only
        before = bisect.bisect_left(pending, first_body)  # pending is in order
        after = bisect.bisect_right(pending, last_body)
        for zone, rule_set in (("header", comp.header), ("tail", comp.tail)):
            lines = pending[:before] if zone == "header" else pending[after:]
            hits = first_rules([texts[at] for at in lines], rule_set)
            if any(hits):
                for at, hit in zip(
                    itertools.compress(lines, hits), filter(None, hits), strict=True
                ):
                    labels[at], rules[at] = hit.label, hit.name
                lines = [at for at, hit in zip(lines, hits, strict=True) if not hit]
            if zone == "header":
                header = lines
                continue
            for at in lines:
                if paragraph[at]:
                    labels[at], rules[at] = "chrome", "outside-main-text"
                elif at == closing and words[at] >= 3 and sentence_end[at]:
                    pass  # the closing line: a short sentence right after the last paragraph
                else:
                    labels[at], rules[at] = "chrome", "short-line-after-body"

    # Before the body, a header cue with a date anywhere, or a short line that carries a date
    # (with a time, a place or a reading time beside it), is a dateline; a byline cue, a byline.
    byline, byline_firsts = comp.byline, comp.byline_firsts
    undecided = []
    for at in header:
        line = texts[at]
        if (
            byline
            and (byline_firsts is None or line[:1] in byline_firsts or not line[:1].isascii())
            and byline.match(line)
            and words[at] <= cfg.max_byline_words
        ):
            relabel(at, "byline", "byline-cue")
        elif at not in with_digit:  # both kinds of dateline hold a date, with a digit
            undecided.append(at)
        elif (found := _header_prefix(line, run_date)) and found[0] == "dateline":
            relabel(at, "dateline", "header-cue-with-date")
        elif _is_dated_line(line, run_date, cfg):
            relabel(at, "dateline", "dated-header-line")
        else:
            undecided.append(at)
    header = undecided

    # The headline is the longest title-like line before the body (site names, sections and
    # menus are shorter); bylines follow it; the rest of the header is chrome.
    title_line = _pick_title(header, doc, comp)
    title: str | None = texts[title_line] if title_line is not None else None
    labels, rules, numbers = doc.labels, doc.rules, doc.numbers
    for at in header:
        if at == title_line:
            labels[at], rules[at] = "title", "headline-before-body"
        elif (
            title_line is not None
            and 0 < numbers[at] - numbers[title_line] <= 3
            and _is_name_like(texts[at])
        ):
            labels[at], rules[at] = "byline", "name-after-title"
        elif paragraph[at]:
            labels[at], rules[at] = "chrome", "outside-main-text"
        else:
            labels[at], rules[at] = "chrome", "short-line-before-body"

    if title is None and not block:
        # No paragraph reads as prose: keep everything, take a leading headline as title.
        lone = [at for at in pending if labels[at] == BODY]
        if len(lone) > 1:
            line = texts[lone[0]]
            if _is_title_like(line, comp, cfg):
                title = line
                relabel(lone[0], "title", "first-headline")

    # A related-links heading ("More:", "Related stories") takes the short headline-like lines
    # and story dates that follow it, up to the next paragraph or the article's headline.
    in_block = False
    for at in range(labels.index("related") if "related" in labels else count, count):
        label = labels[at]
        if label == "related" and words[at] <= 6:
            in_block = True
        elif label in ("title", "byline"):
            in_block = False  # the article's own header: the list is over
        elif in_block and doc.rules[at] in ("date-only-line", "dated-header-line"):
            relabel(at, "related", "follows-related-heading")  # the date of a linked story
        elif in_block and label == BODY:
            if paragraph[at] or _SENTENCE_END.search(texts[at]):
                in_block = False
            else:
                relabel(at, "related", "follows-related-heading")

    if title is not None:
        folded_title = _fold(title)
        title_words = len(folded_title.split())
        # a line folds to the title only if its folded text holds the title's first word
        title_opening = folded_title.split(" ", 1)[0]
        for at in [at for at in pending if labels[at] == BODY]:
            line = texts[at]
            if (
                # an ASCII line folds to its words in lower case: as many as the title's, or
                # it is not the title
                (words[at] == title_words if ascii[at] else title_opening in fold_case(line))
                and _fold(line) == folded_title
            ):
                relabel(at, "title-repeat", "repeats-title")

    return doc.pieces(cfg.citation_markers == "remove"), title


def _cut_citations(piece: Line) -> list[Line]:
    """The body piece without its citation markers, followed by one removed piece per marker."""
    if "[" not in piece.text:
        return [piece]
    markers = list(_CITATION.finditer(piece.text))
    if not markers:
        return [piece]
    kept, removed, last = [], [], 0
    for m in markers:
        kept.append(piece.text[last : m.start()])
        removed.append(
            Line(m.group().strip(), "citation-marker", "bracketed-number", piece.line, m.start())
        )
        last = m.end()
    kept.append(piece.text[last:])
    return [dataclasses.replace(piece, text="".join(kept).strip()), *removed]


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    repeated = lookup(ctx.repeated_lines, doc.source_path) if cfg.remove_repeated_lines else {}
    lines, title = segment(doc.text, cfg, ctx.run_date, repeated)
    body = [ln.text for ln in lines if ln.label == BODY and ln.text]
    removed = [ln.to_json() for ln in lines if ln.label != BODY]
    prov: dict[str, Any] = {"removed": removed}
    recurring = [
        {"line": ln.line, "documents": repeated[line_key(ln.text)]}
        for ln in lines
        if ln.rule == "repeated-across-documents"
    ]
    if recurring:
        prov["repeated_lines"] = recurring
    if not body:
        return Drop("no-content-after-cleaning", "every line was labelled as boilerplate"), prov
    new = dataclasses.replace(doc, text="\n".join(body), lines=tuple(lines), title=title)
    return new, prov
