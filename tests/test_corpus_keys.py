"""Line keys are stored in caches across nights: the fast ways of computing them (a document's
lines normalised together, ASCII lines folded by a byte table) give exactly the keys of the
plain definition, NFKC + case folding + the words joined by spaces + BLAKE2b."""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata

import regex

from pipeline.corpus import ascii_word_count, ascii_words, line_key, line_keys, line_keys_of

WORD = regex.compile(r"\w+")


def reference_key(line: str) -> str:
    """The definition of a line's key, written out plainly."""
    folded = " ".join(WORD.findall(unicodedata.normalize("NFKC", line).casefold()))
    return hashlib.blake2b(folded.encode(), digest_size=8).hexdigest()


TRICKY = [
    "Share this article",
    "SHARE  this   ARTICLE!!",
    "",
    "   ",
    "---",
    "()",
    "… — “ ” ‘ ’",
    "東京で新しい図書館が開館した",
    "ｆｕｌｌｗｉｄｔｈ　ＴＥＸＴ １２３",
    "الأخبار العاجلة اليوم",
    "\u0301starts with a combining accent",
    "e\u0301 composed across the accent",
    "ends with a combining accent e\u0301",
    "\u0301",
    "ﬁnancial ﬂow ligatures",
    "Straße GROSSE Maße",
    "İstanbul ıi",
    "ſhort ſ and the \u212aelvin sign",
    "① ② superscript² fraction½",
    "x\u200dy joiner and a‿b tie",
    "ไทยภาษาไม่มีช่องว่าง",
    "Ελληνικά και Русский текст",
    "tab\tand\x0bvertical\x0cform\rreturn",
    "under_score and digits 2026",
    "ｶﾀｶﾅ halfwidth katakana",
]


def test_batch_keys_are_the_single_line_keys_and_the_definition():
    assert [line_key(line) for line in TRICKY] == [reference_key(line) for line in TRICKY]
    assert line_keys_of(TRICKY) == [reference_key(line) for line in TRICKY]
    ascii_only = [line for line in TRICKY if line.isascii()]
    assert line_keys_of(ascii_only) == [reference_key(line) for line in ascii_only]
    assert line_keys_of([]) == []


def test_batch_keys_on_random_mixed_lines():
    rng = random.Random(7)
    alphabet = "aZ09_ -.,'\"“”—é\u0301ﬁßİıſ\u212a東ア가ไ①²½\u00a0\u2003\u200d‿" + "\t"
    lines = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(12))) for _ in range(3000)]
    assert line_keys_of(lines) == [reference_key(line) for line in lines]


def test_line_keys_of_a_text_keep_the_lines_with_a_word():
    text = "\n".join(TRICKY)
    expected = sorted({reference_key(ln) for ln in text.split("\n") if WORD.search(ln)})
    assert line_keys(text) == expected


def test_ascii_words_read_the_same_words_as_the_word_pattern():
    ascii_chars = "".join(map(chr, range(128)))
    rng = random.Random(3)
    lines = [ascii_chars] + [
        "".join(rng.choice(ascii_chars) for _ in range(rng.randrange(40))) for _ in range(3000)
    ]
    for line in lines:
        words = re.findall(r"\w+", line)
        assert ascii_word_count(line) == len(words) == len(WORD.findall(line))
        assert ascii_words(line) == " ".join(words).encode()
        assert ascii_words(line, lower=True) == " ".join(WORD.findall(line.casefold())).encode()
