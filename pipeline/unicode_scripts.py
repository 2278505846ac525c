"""Unicode Script property (ISO 15924 codes) of letters, via `regex` and \\p{Script=...}, and the
writing systems (Han with kana, Han with Hangul) that several scripts form together."""

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
UNICODE_NAME = {code: name for name, code in _SCRIPTS.items()}
_PATTERNS = [(code, regex.compile(rf"\p{{Script={name}}}")) for name, code in _SCRIPTS.items()]
_COMMON = regex.compile(r"[\p{Script=Common}\p{Script=Inherited}]")

# Scripts written together as one writing system (ISO 15924 Jpan, Kore, Hanb).
SCRIPT_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"Hani", "Hira", "Kana"}),
    frozenset({"Hang", "Hani"}),
    frozenset({"Hani", "Bopo"}),
)
# Scripts of the Chinese, Japanese and Korean writing systems.
CJK = frozenset({"Hani", "Hira", "Kana", "Hang", "Bopo"})
# A text's Han and kana are Japanese when kana make at least this share of them.
_JAPANESE_KANA_SHARE = 0.1
# A text's Hangul and Han are Korean when Hangul makes at least this share of them.
_KOREAN_HANGUL_SHARE = 0.5


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


def char_scripts(text: str) -> dict[str, str | None]:
    """The script of every distinct character of a text (None for non-letters)."""
    return {ch: script_of(ch) for ch in set(text)}


def script_counts(text: str) -> Counter[str]:
    """Number of letters per script code in a text."""
    counts: Counter[str] = Counter()
    for ch, n in Counter(text).items():  # distinct characters: far fewer than characters
        code = script_of(ch)
        if code is not None:
            counts[code] += n
    return counts


def shares_of(counts: Counter[str], digits: int = 4) -> dict[str, float]:
    """Share of the letters per script, rounded, largest first (ties by code)."""
    total = sum(counts.values())
    if not total:
        return {}
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {code: round(n / total, digits) for code, n in ordered}


def script_shares(text: str, digits: int = 4) -> dict[str, float]:
    """Share of the letters per script, rounded, largest first (ties by code)."""
    return shares_of(script_counts(text), digits)


def compatible(a: str, b: str) -> bool:
    """Whether letters of scripts a and b belong to one writing system.

    >>> compatible("Hani", "Hira"), compatible("Latn", "Cyrl"), compatible("Hang", "Hira")
    (True, False, False)
    """
    return a == b or any(a in group and b in group for group in SCRIPT_GROUPS)


def main_and_native(counts: Counter[str]) -> tuple[str | None, frozenset[str]]:
    """The main script of a text and the scripts of its writing system, from its letter counts.

    The main script is the one with the most letters, except that the scripts of one CJK
    writing system count together: Japanese (Han + kana, when kana make at least a tenth of
    them), Korean (Hangul + Han, when Hangul is at least half) and Chinese (Han + Bopomofo). The
    main script is then the largest script of that system.

    >>> main, native = main_and_native(Counter({"Latn": 11, "Hani": 10, "Hira": 6}))
    >>> main, sorted(native)
    ('Hani', ['Hani', 'Hira', 'Kana'])
    """
    systems: list[frozenset[str]] = [frozenset({c}) for c in counts if c not in CJK]
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
    systems += [frozenset({c}) for c in counts if c in CJK and not any(c in g for g in systems)]

    def size(system: frozenset[str]) -> int:
        return sum(counts[c] for c in system)

    native = min(systems, key=lambda g: (-size(g), sorted(g)))
    main = min((c for c in native if counts[c]), key=lambda c: (-counts[c], c))
    return main, native


@lru_cache(maxsize=256)
def letters_outside(scripts: frozenset[str]) -> regex.Pattern[str] | None:
    """A pattern matching one letter of any script but `scripts` (and but Common, Inherited).

    None when a script of the set has no Unicode property name here ("Zzzz"): callers then
    look at every character.
    """
    names = [UNICODE_NAME.get(code) for code in sorted(scripts)]
    if any(name is None for name in names):
        return None
    excluded = "".join(rf"\p{{Script={name}}}" for name in names)
    return regex.compile(rf"(?V1)[\p{{L}}--[{excluded}\p{{Script=Common}}\p{{Script=Inherited}}]]")
