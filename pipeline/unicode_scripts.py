"""Unicode Script property (ISO 15924 codes) of letters, via `regex` and \\p{Script=...}."""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache

import regex

# Unicode script name -> ISO 15924 code. Scripts not listed are reported by their Unicode name's
# code through the fallback below ("Zyyy" Common and "Zinh" Inherited never count as a script).
_SCRIPTS: dict[str, str] = {
    "Latin": "Latn",
    "Cyrillic": "Cyrl",
    "Greek": "Grek",
    "Arabic": "Arab",
    "Hebrew": "Hebr",
    "Han": "Hani",
    "Hiragana": "Hira",
    "Katakana": "Kana",
    "Hangul": "Hang",
    "Thai": "Thai",
    "Devanagari": "Deva",
    "Bengali": "Beng",
    "Tamil": "Taml",
    "Telugu": "Telu",
    "Kannada": "Knda",
    "Malayalam": "Mlym",
    "Gujarati": "Gujr",
    "Gurmukhi": "Guru",
    "Oriya": "Orya",
    "Sinhala": "Sinh",
    "Armenian": "Armn",
    "Georgian": "Geor",
    "Ethiopic": "Ethi",
    "Khmer": "Khmr",
    "Lao": "Laoo",
    "Myanmar": "Mymr",
    "Tibetan": "Tibt",
    "Mongolian": "Mong",
    "Thaana": "Thaa",
    "Syriac": "Syrc",
    "Tifinagh": "Tfng",
    "Cherokee": "Cher",
    "Canadian_Aboriginal": "Cans",
    "Bopomofo": "Bopo",
    "Yi": "Yiii",
}
_PATTERNS = [(code, regex.compile(rf"\p{{Script={name}}}")) for name, code in _SCRIPTS.items()]
_COMMON = regex.compile(r"[\p{Script=Common}\p{Script=Inherited}]")


@lru_cache(maxsize=65536)
def script_of(ch: str) -> str | None:
    """ISO 15924 code of a letter's script; None for non-letters, Common and Inherited.

    >>> script_of("a"), script_of("ي"), script_of("7")
    ('Latn', 'Arab', None)
    """
    if not unicodedata.category(ch).startswith("L") or _COMMON.match(ch):
        return None
    for code, pattern in _PATTERNS:
        if pattern.match(ch):
            return code
    return "Zzzz"  # a letter of a script not listed above: counted, as "unknown"


def script_counts(text: str) -> Counter[str]:
    """Number of letters per script code in a text."""
    counts: Counter[str] = Counter()
    for ch in text:
        code = script_of(ch)
        if code is not None:
            counts[code] += 1
    return counts


def script_shares(text: str, digits: int = 4) -> dict[str, float]:
    """Share of the letters per script, rounded, largest first (ties by code)."""
    counts = script_counts(text)
    total = sum(counts.values())
    if not total:
        return {}
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {code: round(n / total, digits) for code, n in ordered}
