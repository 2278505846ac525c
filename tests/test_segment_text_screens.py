"""The plain-text segment step's quick screens give the same answers as the slow ways they
stand in for: word counts without a regex, the script screen before counting Han or Thai
letters, and the anchored rules tried by a line's first character."""

from __future__ import annotations

import datetime as dt
import random
import sys

import pytest
import regex

from pipeline.corpus import PLAIN_PUNCTUATION
from pipeline.steps import segment_text
from pipeline.steps.segment_text import (
    Rule,
    Rules,
    _compiled,
    _starts_like_rule,
    first_characters,
    word_count,
)

WORD = regex.compile(r"\w+")
CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
UNSPACED = regex.compile(r"[\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]")


def reference_word_count(line: str) -> int:
    """The definition: words, plus half a word per CJK letter and a quarter per Thai letter."""
    return len(WORD.findall(line)) + len(CJK.findall(line)) // 2 + len(UNSPACED.findall(line)) // 4


def test_every_han_kana_or_thai_letter_passes_the_script_screen():
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    wide = CJK.findall(every) + UNSPACED.findall(every)
    assert len(wide) > 90_000
    assert all(segment_text._MAYBE_WIDE.match(ch) for ch in wide)


def test_plain_punctuation_holds_no_word_character():
    assert "’" in PLAIN_PUNCTUATION and "\u00a0" in PLAIN_PUNCTUATION
    assert "\u200d" not in PLAIN_PUNCTUATION  # a joiner is part of a word
    for ch in PLAIN_PUNCTUATION:
        assert not WORD.match(ch) and not CJK.match(ch) and not UNSPACED.match(ch)


@pytest.mark.parametrize(
    "line",
    [
        "It’s “fine” — really…",
        "Price: 20 € · 5 £",
        "a\u00a0b\u2003c",
        "x\u200dy",
        "café au lait",
        "东京 Tokyo 東京タワー",
        "ภาษาไทย ไม่มีช่องว่าง",
        "½ cup, 2² squared",
        "",
    ],
)
def test_word_count_is_the_definition(line):
    assert word_count.__wrapped__(line) == reference_word_count(line)


def test_word_count_on_random_mixed_lines():
    rng = random.Random(11)
    alphabet = "ab Z9_.,'\"“”’—…\u00a0\u2003\u200d‿é\u0301东アไ½²€·"
    for _ in range(5000):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randrange(30)))
        assert word_count.__wrapped__(line) == reference_word_count(line)


def test_first_characters_of_patterns():
    assert first_characters("(?i:^(?:foo|bar))") == set("fFbB")
    assert first_characters("^(?:foo|bar)") == set("fb")
    assert first_characters(r"^\d+ comments") == set("0123456789")
    assert first_characters(r"^(?:x)?yes") == set("xy")  # an optional first part
    assert first_characters(r"^\S+ says") is not None  # every ASCII character but spaces
    assert first_characters(r"^.*says") is None  # any character
    assert first_characters(r"^(?:a|)") is None  # may match nothing


SYNTHETIC = Rules(
    rules=(
        Rule("menu", "chrome", r"^(?:home|news|sport(?:s)?|more\s*:)$", max_words=3),
        Rule("count", "chrome", r"^[\[(]?\s*\d+\s+(?:comments?|replies)\b", max_words=8),
        Rule("says", "chrome", r"^(?:reply|\S.{0,20}\ssays:)", max_words=12),
        Rule("cased", "chrome", r"^(?:ADVERTISEMENT|Sponsored)$", case_sensitive=True),
        Rule("lookahead", "chrome", r"^(?=[A-Z])(?:Tags|Topics):", max_words=20),
        Rule("backref", "chrome", r"^(\w+) \1$", max_words=4),
        Rule("credit", "caption", r"photo\s*:", contains=("photo",)),
    )
)


@pytest.mark.parametrize("rules", ["shipped", "synthetic"])
def test_the_first_character_screen_answers_as_all_anchored_rules(cfg, rules):
    chosen = cfg.segment_text.rules if rules == "shipped" else SYNTHETIC
    comp = _compiled(chosen)
    assert comp.any_zone.start is not None
    lines = [
        "Home",
        "home",
        "HOME",
        "More:",
        "12 comments",
        "(3 replies) so far",
        "[ 4 comments ]",
        "Jane Doe says: great",
        "ADVERTISEMENT",
        "Advertisement",
        "Tags: a, b",
        "tags: a, b",
        "word word",
        "Share this article",
        "Related stories",
        "ſhare",
        "\u212aommentare",
        "İstanbul",
        " leading space",
        "",
        "Photo: AP",
    ]
    rng = random.Random(5)
    alphabet = "aAhHmMsS0129 :()[]rReEpPlLyY'ſ\u212a"
    lines += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(16))) for _ in range(3000)]
    for line in lines:
        assert _starts_like_rule(comp.any_zone, line) == bool(comp.any_zone.start.match(line)), line


def test_a_back_reference_turns_the_screen_off():
    assert _compiled(SYNTHETIC).any_zone.start_by_char is None
    no_backref = Rules(rules=tuple(r for r in SYNTHETIC.rules if r.name != "backref"))
    assert _compiled(no_backref).any_zone.start_by_char is not None


@pytest.mark.parametrize("text", ["", "\n\n", "   \n\t", "\u3000"])
def test_a_blank_text_has_no_pieces_and_no_title(cfg, text):
    assert segment_text.segment(text, cfg.segment_text, dt.date(2026, 11, 21)) == ([], None)


def test_the_strings_a_pattern_opens_with():
    parsed = segment_text._sre_parser.parse
    assert segment_text._openings(parsed(r"(?i)^(?:share|print)\b")) == {"share", "print"}
    assert segment_text._openings(parsed(r"^e-?mail$")) == {"email", "e-mail"}
    assert segment_text._openings(parsed(r"^(?:top |latest )?news")) == {
        "top news",
        "latest news",
        "news",
    }
    assert segment_text._openings(parsed(r"^more\s*:")) == {"more"}  # the strings stop at \s*
    assert segment_text._openings(parsed(r"^\d+ comments")) is None
    assert segment_text._openings(parsed(r"^(?:a|\w+)")) is None
    # "s" in an ignore-case pattern also matches "ſ": the opening stops before it
    assert segment_text._openings(parsed(r"(?i)^ſpam")) is None


def test_the_strings_a_pattern_needs():
    parsed = segment_text._sre_parser.parse
    assert segment_text._requirement(parsed(r"^\S.{0,40}\ssays:")) == {"says:"}
    assert segment_text._requirement(parsed(r"^\d+\s+(?:comments?|replies)\b")) == {
        "comment",
        "replies",
    }
    assert segment_text._requirement(parsed(r"^\d+(?:x|y)?\s*$")) is None


LITERAL_RULES = Rules(rules=tuple(r for r in SYNTHETIC.rules if r.name != "backref"))


@pytest.mark.parametrize("rules", ["shipped", "synthetic"])
def test_the_string_screens_answer_as_every_rule_tried(cfg, rules):
    """first_rules() finds the strings of the screens in all of a text's lines at once; a line
    is given the rule that trying every rule on it, in order, gives."""
    chosen = cfg.segment_text.rules if rules == "shipped" else LITERAL_RULES
    rule_set = _compiled(chosen).any_zone
    assert rule_set.literal is not None
    rng = random.Random(7)
    words = [
        "Share", "share this", "PRINT", "e-mail", "Email", "more:", "More stories", "12",
        "comments", "replies", "says:", "Jane", "Doe", "Photo:", "AP", "©", "reuters",
        "Related", "stories", "Tags:", "Home", "news", "Advertisement", "ADVERTISEMENT",
        "the", "story", "x", "vk", "(", ")", "[", "]", "/", "—", "Leia", "mais", "Читайте",
        "также", "Kommentare", "ſhare", "\u212aommentare", "İstanbul", "ΣΧΟΛΙΑ", "café",
    ]  # fmt: skip
    for _ in range(400):
        lines = [
            " ".join(rng.choice(words) for _ in range(rng.randrange(1, 6)))
            for _ in range(rng.randrange(1, 12))
        ]
        expected = [segment_text._first_rule(line, rule_set) for line in lines]
        rule_set.remembered.clear()  # every answer worked out, none remembered
        assert segment_text.first_rules(lines, rule_set) == expected, lines


def test_an_empty_contains_string_means_every_line_is_tried():
    rules = Rules(
        rules=(
            Rule("anything", "chrome", r"foo", contains=("",)),
            Rule("bar", "chrome", r"^bar"),
        )
    )
    found = segment_text.any_zone_rules(["a foo b", "bar", "baz"], rules)
    assert [rule.name if rule else None for rule in found] == ["anything", "bar", None]


def test_a_line_within_latin_1_has_letters_of_one_script_at_most():
    """The mixed-script fragment test skips lines with no character beyond Latin-1."""
    from pipeline.unicode_scripts import script_counts

    latin_1 = "".join(map(chr, range(256)))
    assert not segment_text._BEYOND_LATIN_1.search(latin_1)
    assert len(script_counts(latin_1)) == 1
    assert segment_text._BEYOND_LATIN_1.search("Ā")
