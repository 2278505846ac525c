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
    return _key(fold_line(line))


def line_keys_of(lines: list[str]) -> list[str]:
    """line_key() of each line (none holding a line break), the lines normalised together."""
    if not lines:
        return []
    # NFKC and case folding neither make nor remove a line break, and a line break (a starter)
    # stops every composition and reordering: the joined text folds line by line.
    return [_key(_words(line)) for line in _normalise("\n".join(lines)).split("\n")]


def line_keys(text: str) -> list[str]:
    """Sorted distinct keys of a text's non-blank lines that have a word in them."""
    return sorted(set(line_keys_of([ln for ln in text.split("\n") if _has_word(ln)])))


# On ASCII text the standard library's \w reads the same characters as `regex`'s, faster; NFKC
# leaves ASCII as it is and case folding is lower case there.
_ASCII_WORD = re.compile(r"\w+")


def _normalise(text: str) -> str:
    return text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).casefold()


def _words(folded: str) -> str:
    return " ".join((_ASCII_WORD if folded.isascii() else _WORD).findall(folded))


def fold_line(line: str) -> str:
    """The words of a line, NFKC-normalised and case-folded, joined by single spaces."""
    return _words(_normalise(line))


def _has_word(line: str) -> bool:
    return bool((_ASCII_WORD if line.isascii() else _WORD).search(line))


def _key(folded: str) -> str:
    return hashlib.blake2b(folded.encode(), digest_size=8).hexdigest()


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
