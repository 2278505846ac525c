"""Corpus statistics the per-document steps cannot see, learnt over the whole run: lines that
recur across many documents of one source (a site's menus, footers, share bars), cc_net-style,
and the order (day or month first) in which a site writes numeric dates.

A source is the folder a file sits in. Each distinct document text counts once, so copies of
one article do not make its own lines look like site chrome.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping

import regex

_WORD = regex.compile(r"\w+")


def source_group(source_path: str) -> str:
    """The source a document belongs to: its folder under the raw directory ('' at the top).

    >>> source_group("example.com/2026/a.txt"), source_group("b.txt")
    ('example.com/2026', '')
    """
    return posixpath.dirname(source_path)


def line_key(line: str) -> str:
    """A short key for a line, the same for case, spacing and punctuation variants."""
    if line.isascii():
        return _key(ascii_words(line, lower=True))
    return _key(fold_line(line).encode())


def line_keys_of(lines: list[str]) -> list[str]:
    """line_key() of each line (none holding a line break), the lines normalised together."""
    if not lines:
        return []
    text = "\n".join(lines)
    if text.isascii():
        return [_key(ascii_words(line, lower=True)) for line in lines]
    # NFKC and case folding neither make nor remove a line break, and a line break (a starter)
    # stops every composition and reordering: the joined text folds line by line.
    return [
        _key(ascii_words(folded) if not NOT_PLAIN.search(folded) else joined_words(folded).encode())
        for folded in fold_case(text).split("\n")
    ]


def line_keys(text: str) -> list[str]:
    """Sorted distinct keys of a text's non-blank lines that have a word in them."""
    return sorted(set(line_keys_of([ln for ln in text.split("\n") if _has_word(ln)])))


# On ASCII text the word characters (\w) are the letters, the digits and "_"; NFKC leaves ASCII
# as it is and case folding is lower case there.
_ASCII_WORD = re.compile(r"\w+")
_ASCII_IS_WORD = [chr(c).isalnum() or chr(c) == "_" for c in range(128)]
# ASCII bytes -> the word characters kept, the rest turned into spaces (and upper case into lower)
_ASCII_WORDS = bytes(c if c < 128 and _ASCII_IS_WORD[c] else 32 for c in range(256))
# (the bytes of other characters become spaces too: see ascii_word_count)
_ASCII_WORDS_LOWER = bytes(
    c + 32 if 65 <= c <= 90 else c if c < 128 and _ASCII_IS_WORD[c] else 32 for c in range(256)
)


# Characters beyond ASCII that are not part of a word (no-break space, quotes, dashes, bullets
# ...), from the Latin-1 supplement and general punctuation: the words of a line with no other
# characters are its ASCII words (ascii_words, ascii_word_count).
PLAIN_PUNCTUATION = "".join(
    ch
    for ch in map(chr, [*range(0xA0, 0xC0), 0xD7, 0xF7, *range(0x2000, 0x2070)])
    if not _WORD.match(ch)
)
NOT_PLAIN = re.compile(f"[^\\x00-\\x7f{re.escape(PLAIN_PUNCTUATION)}]")


def ascii_words(line: str, lower: bool = False) -> bytes:
    r"""The words (\w+) of an ASCII line (or one whose other characters are plain punctuation),
    joined by single spaces; in lower case if asked."""
    return b" ".join(line.encode().translate(_ASCII_WORDS_LOWER if lower else _ASCII_WORDS).split())


def ascii_word_count(line: str) -> int:
    r"""len(re.findall(r"\w+", line)) of an ASCII line, or of a line whose other characters are
    none of them word characters (their UTF-8 bytes all count as spaces)."""
    return len(line.encode().translate(_ASCII_WORDS).split())


def ascii_word_counts(text: str) -> list[int]:
    """ascii_word_count() of each line of a text: every line opened with a space and its word
    characters marked "a", the rest spaces, a word is where " a" stands."""
    marked = (b" " + text.encode().replace(b"\n", b"\n ")).translate(_ASCII_WORD_MARKS)
    return [line.count(b" a") for line in marked.split(b"\n")]


# ASCII bytes -> "a" for a word character, a space for the rest, the line breaks kept
_ASCII_WORD_MARKS = bytes(
    10 if c == 10 else 97 if word != 32 else 32 for c, word in enumerate(_ASCII_WORDS)
)


def fold_case(text: str) -> str:
    """NFKC normalisation and case folding (lower case for ASCII: the same)."""
    return text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).casefold()


def joined_words(folded: str) -> str:
    """The words of a folded text joined by single spaces."""
    return " ".join((_ASCII_WORD if folded.isascii() else _WORD).findall(folded))


def fold_line(line: str) -> str:
    """The words of a line, NFKC-normalised and case-folded, joined by single spaces."""
    return joined_words(fold_case(line))


def _has_word(line: str) -> bool:
    return bool((_ASCII_WORD if line.isascii() else _WORD).search(line))


def _key(folded: bytes) -> str:
    return hashlib.blake2b(folded, digest_size=8).hexdigest()


def text_key(text: str) -> str:
    """Key of a whole text, to count each distinct document once."""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def repeated_lines(
    documents: Iterable[tuple[str, str, list[str]]], min_documents: int, min_share: float
) -> dict[str, dict[str, int]]:
    """{group: {line key: documents}} for the lines found in at least `min_documents` distinct
    documents of a group and in at least `min_share` of them.

    `documents` yields (group, text key, line keys); repeated text keys count once.
    """
    seen: dict[str, set[str]] = {}
    counts: dict[str, Counter[str]] = {}
    for group, key, keys in documents:
        if key in seen.setdefault(group, set()):
            continue
        seen[group].add(key)
        counts.setdefault(group, Counter()).update(keys)
    result: dict[str, dict[str, int]] = {}
    for group in sorted(counts):
        floor = max(min_documents, min_share * len(seen[group]))
        frequent = {k: n for k, n in sorted(counts[group].items()) if n >= floor}
        if frequent:
            result[group] = frequent
    return result


def lookup(table: Mapping[str, Mapping[str, int]], source_path: str) -> Mapping[str, int]:
    """The repeated lines of a document's source."""
    return table.get(source_group(source_path), {})


def site_date_orders(
    votes: Iterable[tuple[str, Mapping[str, int]]], min_votes: int
) -> dict[str, str]:
    """{site: "dmy" | "mdy"} for the sites whose unambiguous numeric header dates all read one
    way, at least `min_votes` of them. A site with dates of both orders learns nothing.

    >>> site_date_orders([("a/", {"dmy": 2, "mdy": 0}), ("a/", {"dmy": 1, "mdy": 0})], 3)
    {'a/': 'dmy'}
    """
    totals: dict[str, Counter[str]] = {}
    for site, counts in votes:
        totals.setdefault(site, Counter()).update(counts)
    orders = {}
    for site in sorted(totals):
        dmy, mdy = totals[site]["dmy"], totals[site]["mdy"]
        if dmy >= min_votes and not mdy:
            orders[site] = "dmy"
        elif mdy >= min_votes and not dmy:
            orders[site] = "mdy"
    return orders
