"""The dates step's shortcuts find exactly what its full grammar finds.

`find_dates` runs only the rules a text can match (a rule that needs a month name is not run on a
text without one), and the names in the patterns (months, weekdays, cue words) are written as a
prefix tree. These tests compare them with the plain form: every rule run on every text, every
name tried in turn, longest first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import sys

import pytest

from pipeline.steps import dates
from pipeline.steps.dates import MONTHS, WEEKDAYS, find_dates, rules_that_may_match

RUN_DATES = (dt.date(2026, 6, 1), dt.date(2020, 1, 15))

# One or more texts for every rule, in the languages the rules read.
EXAMPLES = [
    "Sat, 03 Jan 2026 10:30:00 +0000",
    "Posted 2026-01-03T10:30:00Z by the desk",
    "Build 20260105T093000Z",
    "2026年1月3日(土) 10時30分",
    "2026년 1월 3일 (토)",
    "Published: 2026/01/03 · 2026.1.3",
    "Friday, 01/03/2026 10:30 PM EST | 3.1.26 | 13-01-2026",
    "3rd of January 2026 · le 1er janvier 2026 · 3. März 2026 г.",
    "WASHINGTON, Jan. 3, 2026 - lunes, 5 de enero de 2026",
    "2026 January 3rd, then 2026-Jan-3",
    "3 hours ago · hace 2 días · há 3 dias · il y a 2 jours · vor 3 Stunden",
    "2 giorni fa · 3 dagen geleden · 3 дня назад · 3分钟前 · 昨天 · yesterday · aujourd'hui",
    "January 2026 · enero de 2026 · 2026年1月 · 1月3日 · 3 January · January 3rd",
    "5 января 2026 года, 10:30 · 3 DE JANEIRO DE 2026 · 3 gennaio 2026 alle 10.30",
    "MAİ 2026 · ſept 3, 2026 · 3 O\u212aT 2026",  # the case-blind equivalents of i, s and k
    "Price: 20 dollars, 3 items, 10:30, 1.5 km, 2-3 people, T-shirt",
]
TOKENS = [
    *("/", ".", "-", ":", " ", ", ", "T", "Z", "+01:00", " GMT", " PM", "h", "st", "rd", "º"),
    *("de ", "of ", "the ", "г.", "(土)", "星期六", "年", "月", "日", "号", "일", "년", "월"),
    *("前", "分钟前", "昨天", "ago", "hace ", "il y a ", "vor ", " fa", " geleden", " назад"),
    *("today", "just now", "at ", "à ", "Published: ", "©", "|", "—", "_", "'"),
    *("Last updated on ", "publié le ", "Veröffentlicht am ", "更新日：", "Posted by ", "(金)"),
    *("Friday ", "vendredi ", "Fri ", "星期五", "2nd ", "date published "),
]


def _number(rnd: random.Random) -> str:
    value = rnd.choice([rnd.randint(0, 9), rnd.randint(0, 31), rnd.randint(1990, 2030)])
    return str(value).zfill(rnd.choice([1, 2]))


def _case(rnd: random.Random, word: str) -> str:
    return rnd.choice([word, word.upper(), word.capitalize()])


def _token(rnd: random.Random) -> str:
    pick = rnd.random()
    if pick < 0.3:
        return _number(rnd)
    if pick < 0.45:
        return _case(rnd, rnd.choice(sorted(MONTHS)))
    if pick < 0.52:
        return _case(rnd, rnd.choice(sorted(WEEKDAYS)))
    if pick < 0.62:
        sep = rnd.choice("/.- ")
        return sep.join(_number(rnd) for _ in range(3))
    return rnd.choice(TOKENS)


def _texts(count: int, seed: int = 3) -> list[str]:
    """The examples, and texts made of examples with numbers, names and separators spliced in."""
    rnd = random.Random(seed)
    out = list(EXAMPLES)
    for _ in range(count):
        text = rnd.choice([*EXAMPLES, "", "Updated by our staff on"])
        for _ in range(rnd.randint(1, 6)):
            at = rnd.randint(0, len(text))
            text = text[:at] + _token(rnd) + text[at:]
        out.append(text)
    return out


def _plain_rules() -> tuple[tuple[int, str, re.Pattern[str]], ...]:
    """Every rule, with its names as a plain alternation (longest first) instead of a tree."""
    plain = []
    for priority, (rule, pattern) in enumerate(dates._RULES):
        source = pattern.pattern
        for names in (MONTHS, WEEKDAYS):
            source = source.replace(dates._trie(names), dates._alt(names))
        plain.append((priority, rule, re.compile(source, pattern.flags)))
    return tuple(plain)


def _as_tuples(found: list[dates.DateMatch]) -> list[tuple[object, ...]]:
    return [dataclasses.astuple(match) for match in found]


def test_the_plain_rules_differ_only_in_how_names_are_written() -> None:
    plain = _plain_rules()
    assert len(plain) == len(dates._RULES)
    changed = [
        rule
        for (rule, p), (_i, _r, q) in zip(dates._RULES, plain, strict=True)
        if p.pattern != q.pattern
    ]
    assert "textual-mdy" in changed and "numeric" in changed  # names replaced: a real comparison
    assert "iso-8601" not in changed


def test_find_dates_finds_what_every_rule_with_plain_names_finds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = _texts(3000)
    fast = {(t, d): _as_tuples(find_dates(t, d)) for t in texts for d in RUN_DATES}
    plain = _plain_rules()
    monkeypatch.setattr(dates, "_rules_to_run", lambda text: plain)
    found = 0
    for text in texts:
        for run_date in RUN_DATES:
            full = _as_tuples(find_dates(text, run_date))
            assert fast[text, run_date] == full, text
            found += len(full)
    assert found > 3000  # the texts hold dates of every kind, not just noise


def test_every_rule_matches_some_text() -> None:
    texts = _texts(3000)
    for rule, pattern in dates._RULES:
        assert any(pattern.search(text) for text in texts), rule


def test_a_rule_left_out_finds_nothing() -> None:
    for text in _texts(3000, seed=5):
        may = set(rules_that_may_match(text))
        for rule, pattern in dates._RULES:
            assert rule in may or not pattern.search(text), (rule, text)


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("Price: 20 dollars", []),
        ("Page 2 of 3", []),
        ("3 hours ago", ["relative"]),
        ("vor 3 Stunden", ["relative"]),
        ("10:30 on 3 March 2026", ["rfc-2822", *["textual-dmy", "textual-mdy", "textual-ymd"]]),
        ("01/03/2026", ["numeric-ymd", "numeric"]),
        ("2026年1月3日", ["cjk-ymd", "cjk-month-year", "cjk-no-year"]),
    ],
)
def test_rules_that_may_match(text: str, rules: list[str]) -> None:
    may = rules_that_may_match(text)
    assert all(rule in may for rule in rules), may
    if not rules:
        assert may == []


def test_the_name_tree_accepts_exactly_the_names() -> None:
    for names in (MONTHS, WEEKDAYS):
        tree = re.compile(dates._trie(names), re.IGNORECASE)
        plain = re.compile(dates._alt(names), re.IGNORECASE)
        words = {w for name in names for w in (name, name.upper(), name[:-1], name + "s")}
        for word in sorted(words):
            assert bool(tree.fullmatch(word)) == bool(plain.fullmatch(word)), word


def test_what_the_case_blind_rules_read_as_a_letter_is_a_letter() -> None:
    # The word screen splits a text into runs of letters; that is only right if every character
    # a case-blind month name, weekday or relative-date word matches is itself a letter.
    letters = sorted(
        {c for w in (*MONTHS, *WEEKDAYS, *dates._RELATIVE_WORDS) for c in w if c.isalpha()}
    )
    every = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)
    matched = re.findall("[" + re.escape("".join(letters)) + "]", every, re.IGNORECASE)
    assert len(matched) > len(letters)  # İ, ı, ſ, the Kelvin sign, capitals
    assert all(re.fullmatch(r"[^\W\d_]", c) for c in matched)


def test_a_month_name_glued_to_a_digit_or_behind_a_dot_is_still_read() -> None:
    for text in ("3jan 2026", "3.jan 2026", "2026/jan/3", "jan-3-2026", "Jan. 3, 2026"):
        assert find_dates(text, RUN_DATES[0]), text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ſept 3, 2026", dt.date(2026, 9, 3)), ("MAİ 3, 2026", dt.date(2026, 5, 3))],
)
def test_a_month_name_with_a_case_blind_equivalent_letter_is_read(
    text: str, expected: dt.date
) -> None:
    # The rules match case-blind: the long s and the dotted capital I stand for s and i.
    (match,) = find_dates(text, RUN_DATES[0])
    assert [r.date for r in match.readings] == [expected]


def _plain(pattern: re.Pattern[str], *name_lists: list[str]) -> re.Pattern[str]:
    source = pattern.pattern
    for names in name_lists:
        assert dates._trie(names) in source
        source = source.replace(dates._trie(names), dates._alt(names))
    return re.compile(source, pattern.flags)


def test_cues_and_weekday_mentions_are_those_of_the_plain_alternations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = _texts(3000, seed=7)
    cues = [dates.find_cues(text) for text in texts]
    mentions = [dates.weekday_mentions(text) for text in texts]
    cues_of = (dates._PUBLISHED_CUES, dates._UPDATED_CUES)
    cjk_cues_of = (dates._CJK_UPDATED_CUES, dates._CJK_PUBLISHED_CUES)
    cue_lists = [cue_list.split("|") for cue_list in (*cues_of, *cjk_cues_of)]
    monkeypatch.setattr(dates, "_CUE_RE", _plain(dates._CUE_RE, *cue_lists))
    evidence = (dates._WEEKDAYS_EVIDENCE, dates._MONTHS_EVIDENCE, list(MONTHS))
    monkeypatch.setattr(dates, "_MENTION_RE", _plain(dates._MENTION_RE, *evidence))
    assert [dates.find_cues(text) for text in texts] == cues
    assert [dates.weekday_mentions(text) for text in texts] == mentions
    assert sum(map(len, cues)) > 300 and sum(map(len, mentions)) > 100
