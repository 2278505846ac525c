"""Load step: raw bytes to text. Gzip, BOMs, ISO-2022, UTF-16/32 without BOM, UTF-8, then legacy
code pages: charset-normalizer proposes readings among the web's legacy encodings, and a check of
the non-ASCII characters in context picks one (see `_legacy_candidates`). Empty, binary,
over-size and undecodable inputs become drops with a reason, as do inputs past the limits that
keep later steps bounded: line length, HTML nesting depth and element count.

Why charset-normalizer: it is maintained, already a dependency (of trafilatura too), MIT, and
gives per reading a mess ratio and language coherence that we record as confidence. On mostly
ASCII text its own ranking is unreliable (the few non-ASCII bytes decide, and it prefers DOS and
Mac code pages that read quotes as letters), hence the re-ranking here; bench/encoding.py
measures the result.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
import zlib
from dataclasses import dataclass, field
from functools import cache

import charset_normalizer
import regex
from charset_normalizer.cd import coherence_ratio
from charset_normalizer.constant import FREQUENCIES, IANA_SUPPORTED
from charset_normalizer.md import mess_ratio
from lxml import etree

from pipeline.record import Document, Drop
from pipeline.render import parse_html
from pipeline.steps import Context, StepOutput

NAME = "load"
VERSION = "3"

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt", ".text")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# The legacy encodings that web pages are written in (of the WHATWG Encoding Standard, those that
# more than a trace of sites use), as Python codecs, the most used first: the order breaks ties
# between code pages that read the bytes equally well (cp1252 and cp1250 read English alike).
# latin-1 is read as cp1252, as browsers do (they differ only in C1 controls, which text never
# holds); shift_jis comes before its Microsoft superset cp932, euc_kr before cp949, and gb18030
# stands for GBK and GB2312 (it decodes both). DOS and Mac code pages (cp437, cp850, cp852,
# mac_roman ...), the Latin ISO sets nobody publishes in (8859-3, -4, -10, -13, -14, -16) and
# cp1258 (Vietnamese, written in UTF-8 on the web) are left out: they read the quotes of English
# text as letters ("Toyotaís", "pụ" for "può"), and charset-normalizer's letter frequencies then
# prefer them. The list is the `load.encodings` option.
WEB_ENCODINGS: tuple[str, ...] = (
    "cp1252", "cp1251", "shift_jis", "cp932", "euc_jp", "euc_kr", "cp949", "gb18030", "big5",
    "iso8859_2", "cp1250", "iso8859_15", "cp1256", "cp1254", "cp1253", "cp874", "koi8_r",
    "koi8_u", "iso8859_7", "cp1255", "cp1257",
)  # fmt: skip
# Code pages charset-normalizer can detect, by their Python codec names.
_DETECTABLE = frozenset(IANA_SUPPORTED) - {
    "utf_7", "utf_8", "utf_16", "utf_16_be", "utf_16_le", "utf_32", "utf_32_be", "utf_32_le",
}  # fmt: skip
# File signatures of common binary formats that can end up in a crawl folder.
_MAGIC = (
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"%PDF",
    b"PK\x03\x04",
    b"\x7fELF",
    b"RIFF",
    b"\x00\x00\x01\x00",
    b"OggS",
    b"ID3",
    b"\x1f\x8b",  # gzip inside a file not named .gz
    b"7z\xbc\xaf",
    b"Rar!",
    b"BZh",
    b"\xfd7zXZ",
    b"MZ",
)


@dataclass(frozen=True)
class Config:
    # inputs larger than this many bytes (on disk) are rejected as too-large
    max_bytes: int = field(default=20_000_000, metadata={"min": 1})
    # a .gz input is decompressed up to this many bytes; beyond it the input is rejected
    max_decompressed_bytes: int = field(default=50_000_000, metadata={"min": 1})
    # share of control characters (not tab/newline/CR/FF) above which decoded text is binary
    max_control_ratio: float = field(default=0.05, metadata={"min": 0.0, "max": 1.0})
    # below this charset-normalizer confidence the encoding is still used, but flagged
    min_confidence: float = field(default=0.5, metadata={"min": 0.0, "max": 1.0})
    # legacy code pages the detector chooses from (Python codec names), most used first: the
    # order breaks ties; the default is the web's legacy encodings (WEB_ENCODINGS)
    encodings: tuple[str, ...] = WEB_ENCODINGS
    # a plain-text line (or a run of HTML text between tags) longer than this many characters:
    # rejected as line-too-long (an article's longest paragraph is a few thousand)
    max_line_chars: int = field(default=200_000, metadata={"min": 100})
    # HTML nested deeper than this many elements is rejected as html-too-deep; at most 255, as
    # the HTML parser (libxml2) stops reading a page at depth 256 and drops the rest
    max_html_depth: int = field(default=200, metadata={"min": 10, "max": 255})
    # HTML with more elements than this is rejected as html-too-many-elements (a big news page
    # has a few thousand; extraction time grows with the count)
    max_html_elements: int = field(default=100_000, metadata={"min": 100})

    def __post_init__(self) -> None:
        if not self.encodings:
            raise ValueError("encodings must name at least one code page")
        unknown = [name for name in self.encodings if name not in _DETECTABLE]
        if unknown:
            raise ValueError(
                f"encodings {unknown} are not code pages charset-normalizer can detect; "
                f"use Python codec names such as cp1252, shift_jis, gb18030"
            )


def _gunzip(data: bytes, limit: int) -> bytes | None:
    """Decompress gzip up to `limit` bytes of output; None when the output would exceed it.

    Never inflates more than `limit + 1` bytes, whatever the input claims: a gzip bomb stops at
    the cap. Raises EOFError when the data ends before the end of a gzip member (truncated)."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = inflater.decompress(data, limit + 1)
    if len(out) > limit:
        return None
    # concatenated gzip members are valid gzip: keep going while data remains
    while inflater.eof and inflater.unused_data:
        rest = inflater.unused_data
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        out += inflater.decompress(rest, limit + 1 - len(out))
        if len(out) > limit:
            return None
    if not inflater.eof:
        raise EOFError("the data ends before the end of the compressed stream")
    return out


def input_format(path: str, text: str) -> str:
    """'html' for .html/.htm (or markup at the start of an unknown kind of file), else 'text'."""
    lower = path.lower().removesuffix(".gz")
    if lower.endswith(HTML_SUFFIXES):
        return "html"
    if lower.endswith(TEXT_SUFFIXES):
        return "text"
    head = text.lstrip()[:200].lower()
    return "html" if head.startswith(("<!doctype html", "<html", "<?xml")) else "text"


# --- UTF-16 and UTF-32 without a byte-order mark --------------------------------------------------


_UNASSIGNED = regex.compile(r"[\p{Cn}\p{Co}]")


def _plausible_wide(text: str, cfg: Config) -> bool:
    """A UTF-16/32 reading is text, not bytes that happen to pair up: few controls, few
    unassigned or private-use code points."""
    if not text or _control_ratio(text) > cfg.max_control_ratio:
        return False
    sample = text[:4096]
    return len(_UNASSIGNED.findall(sample)) <= 0.01 * len(sample)


def _wide_without_bom(data: bytes, cfg: Config) -> tuple[str, dict[str, object]] | None:
    """UTF-32 or UTF-16 without a BOM, or None.

    Only called for bytes with NUL in them: legacy code pages never produce NUL, while UTF-16
    text has one in the high byte of every ASCII character (space, digit, newline), UTF-32 in
    every character. UTF-32 is tried first (a strict decoder rejects values past U+10FFFF, so
    UTF-16 never passes as UTF-32). For UTF-16 the byte order comes from which half of the code
    units varies less: the high bytes of real text come from a few Unicode blocks (0x00 for
    ASCII, 0x04 for Cyrillic, 0x30 for kana, 0xAC-0xD7 for Hangul), the low bytes from anywhere.
    """
    if len(data) % 4 == 0:
        for codec in ("utf-32-le", "utf-32-be"):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if _plausible_wide(text, cfg):
                return text, {"encoding": codec, "method": "nul-pattern", "confidence": 0.95}
    if len(data) % 2:
        return None
    sample = data[:65536]
    low_first = len(set(sample[0::2])) >= len(set(sample[1::2]))  # even bytes vary more: LE
    order = ("utf-16-le", "utf-16-be") if low_first else ("utf-16-be", "utf-16-le")
    for rank, codec in enumerate(order):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _plausible_wide(text, cfg):
            confidence = 0.9 if rank == 0 else 0.6
            return text, {"encoding": codec, "method": "nul-pattern", "confidence": confidence}
    return None


# --- legacy code pages ------------------------------------------------------------------------


# Scripts written with spaces between words: a stray symbol or a letter of another script does
# not belong inside their words. CJK text mixes Latin words in without spaces: not checked.
_ALPHABETIC = ("Latin", "Cyrillic", "Greek")
_LETTERS = (
    r"\p{Latin}\p{Cyrillic}\p{Greek}\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\p{Arabic}"
    r"\p{Hebrew}\p{Thai}"
)
_WORD = r"[\p{Latin}\p{Cyrillic}\p{Greek}]"
# combining marks but those for any script (U+0300.., U+1AB0.., U+1DC0.., U+20D0.., variation
# selectors, half marks) and Cyrillic's own: Arabic, Hebrew, Thai ... vowel signs
_FOREIGN_MARK = (
    r"[\p{Mn}--[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff"
    r"\ufe00-\ufe0f\ufe20-\ufe2f]]"
)
_RARE = (
    r"\xa4\xa6\xa8\xaf\xb8"  # ¤ ¦ ¨ ¯ ¸: Latin-1 symbols that prose does not use
    r"\u02b0-\u02ba\u02bd-\u02c7\u02c9-\u02cb\u02cd-\u02cf\u02d2-\u02ff"  # spacing diacritics
    r"\u2015"  # horizontal bar: the em dash of old CJK tables, rare in text
    r"\u2500-\u259f"  # box drawing and blocks (DOS and KOI8 tables)
)
# Found in any text: controls (C1 from a wrong single-byte table), unassigned and private-use
# code points, U+FFFD, and characters prose does not use.
_ANYWHERE = {
    "junk": regex.compile(r"[\x80-\x9f\p{Cn}\p{Co}\ufffd]"),
    "rare": regex.compile(rf"[{_RARE}]"),
}
# Found in text written mainly in one script (Latin, Cyrillic or Greek: SCRIPT below).
_OTHERS = rf"[[{_LETTERS}]--\p{{SCRIPT}}]"
_IN_ALPHABETIC = {
    # a symbol inside a word ("Disney¡¯s", "We﹛d"): a run of non-ASCII characters that are not
    # letters, digits or spaces between two letters, unless it is one apostrophe, dash, middle
    # dot or ellipsis, which belong there
    "in-word": rf"(?<={_WORD})(?![’‘ʼ´‐‑‒–—·…][\p{{L}}])[^\w\s\x00-\x7f]+(?={_WORD})",
    # a capital right after a small letter ("WeÆd", "šC"; KOI8-R read as cp1251: "мОСКВА"),
    # two capitals before a small letter ("ĄŻs"), when one is not ASCII ("McDonald", "CDs" are)
    "case": (
        r"(?=[^\x00-\x7f])\p{Ll}\p{Lu}|\p{Ll}(?=[^\x00-\x7f])\p{Lu}"
        r"|(?=\p{Lu}{0,1}[^\x00-\x7f])\p{Lu}{2}(?=\p{Ll})"
    ),
    # a letter of another script glued to a letter of the main one ("Toyota鱈s"), a word of one
    # or two such letters ("ЎЄ" for an em dash), a mark of another script on or before a letter
    # or on nothing ("puٍ", "ًiandien")
    "mixed-script": (
        rf"\p{{SCRIPT}}{_OTHERS}|{_OTHERS}\p{{SCRIPT}}|(?<!\p{{L}}){_OTHERS}{{1,2}}(?!\p{{L}})"
        rf"|\p{{SCRIPT}}{_FOREIGN_MARK}|{_FOREIGN_MARK}\p{{SCRIPT}}|(?<!\p{{L}}){_FOREIGN_MARK}"
    ),
    # CJK punctuation, the katakana middle dot, full-width or half-width forms ("Toyota｡ｯs")
    "cjk-form": r"[\u3000-\u303f\u30fb\ufe30-\ufe6f\uff00-\uffef]",
    # ¡ and ¿ open a sentence; ª and º follow a number (1º, 2ª) or N (Nº); a soft hyphen sits
    # inside a word; an acute accent used as an apostrophe touches a letter
    "misplaced": (
        r"[¡¿](?!\p{L})|(?<![\dNn])[ªº]|(?<!\p{L})\xad|\xad(?!\p{L})|(?<!\p{L})´(?!\p{L})"
    ),
}
# In Latin text, a word of two or more accented letters and nothing else ("ĄŞ" for an em dash).
_ACCENTED_WORD = r"(?V1)(?<!\p{L})[\p{Latin}--\p{ASCII}]{2,}(?!\p{L})"
_LATIN_ONLY = {"foreign-word": regex.compile(_ACCENTED_WORD)}
_MAIN_CHECKS = {
    script: {
        kind: regex.compile("(?V1)" + pattern.replace("SCRIPT", script))
        for kind, pattern in _IN_ALPHABETIC.items()
    }
    for script in _ALPHABETIC
}
_COHERENCE_SAMPLE = 10_000  # characters of a decoding whose letter frequencies are measured
_SUSPICIOUS_SAMPLE = 200_000  # characters of a decoding checked for suspicious ones
_COHERENCE_MARGIN = 0.05  # coherence differences below this are noise
# The accented letters of the Latin alphabets of European languages and Turkish, by language
# (charset-normalizer's names where it knows the language). The letters of a text come from one
# of them, names aside: Turkish read as cp1252 has ý þ ð next to ü ç, which no language writes
# together; Italian read as cp1250 has č ě, which only Czech writes.
_ALPHABETS = {
    "English": "", "Indonesian": "", "Catalan": "àçèéíïòóúü", "Czech": "áčďéěíňóřšťúůýž",
    "Danish": "åæéø", "German": "äöüß", "Spanish": "áéíñóúü", "Estonian": "äõöšüž",
    "Finnish": "äåöšž", "French": "àâæçèéêëîïôœùûüÿ", "Croatian": "čćđšž",
    "Hungarian": "áéíóöőúüű", "Icelandic": "áæðéíóöúýþ", "Italian": "àèéìíîòóùú",
    "Lithuanian": "ąčėęįšūųž", "Latvian": "āčēģīķļņōŗšūž", "Dutch": "áèéëíïóöúü",
    "Norwegian": "åæéòóø", "Polish": "ąćęłńóśźż", "Portuguese": "àáâãçéêíóôõú",
    "Romanian": "ăâîșşțţ", "Slovak": "áäčďéíĺľňóôŕšťúýž", "Albanian": "çë", "Swedish": "åäöé",
    "Turkish": "âçğıîöşûü", "Welsh": "âêîôûŵŷ", "Maltese": "ċġħż", "Esperanto": "ĉĝĥĵŝŭ",
}  # fmt: skip
_KNOWN_LANGUAGES = frozenset(FREQUENCIES)
_LATIN_NON_ASCII = regex.compile(r"(?V1)[\p{Latin}&&\p{L}--\p{ASCII}--[ªº]]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# words of two or more letters with a non-ASCII one, all capitals or all small letters
_CAPITAL_WORD = regex.compile(r"(?<!\p{L})(?=\p{Lu}*[^\x00-\x7f])\p{Lu}{2,}(?!\p{L})")
_SMALL_WORD = regex.compile(r"(?<!\p{L})(?=\p{Ll}*[^\x00-\x7f])\p{Ll}{2,}(?!\p{L})")
_WHITESPACE = re.compile(r"\s")
_NOT_ASCII_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())
_NOT_LETTERS = regex.compile(r"\P{L}+")
_NOT_SCRIPT = {script: regex.compile(rf"\P{{{script}}}+") for script in _ALPHABETIC}


def suspicious(text: str) -> dict[str, int]:
    """Characters of a decoded text that a right decoding would not give, counted by kind.

    Code pages that all decode the bytes differ only in the non-ASCII characters, so only they
    are looked at, in the words (runs of non-space characters) they stand in. Anywhere: controls,
    unassigned and private-use code points, U+FFFD, symbols prose does not use (spacing
    diacritics, box drawing, ¤ ¦ ¨ ¯ ¸). In text written mainly in Latin, Cyrillic or Greek:
    a symbol inside a word, a capital inside a small-letter word, a letter of another script in
    or beside a word, CJK punctuation, misplaced ¡ ¿ ª º and soft hyphens, a word of accented
    Latin letters only (in Latin text), more words in capitals than in small letters.
    """
    text = text[:_SUSPICIOUS_SAMPLE]
    words = _words_with_non_ascii(text)
    if not words:
        return {}
    context = " ".join(words)
    counts = {kind: len(pattern.findall(context)) for kind, pattern in _ANYWHERE.items()}
    main = _main_alphabet(text)
    if main is not None:
        checks = _MAIN_CHECKS[main] | (_LATIN_ONLY if main == "Latin" else {})
        for kind, pattern in checks.items():
            counts[kind] = len(pattern.findall(context))
        # words in capitals: a headline has a few, a whole text read through the wrong table
        # (Hebrew cp1255 read as KOI8-R: "ДННЫЛД ДЕЦИРД") more than it has small words
        capitals = len(_CAPITAL_WORD.findall(context))
        if capitals > max(2, len(_SMALL_WORD.findall(context))):
            counts["capitals"] = capitals
    return {kind: n for kind, n in counts.items() if n}


def _words_with_non_ascii(text: str) -> list[str]:
    """The runs of non-space characters that hold a non-ASCII character, in order."""
    words = []
    end = 0
    for match in _NON_ASCII.finditer(text):
        if match.start() < end:
            continue  # inside the word already taken
        start = match.start()
        while start and not text[start - 1].isspace():
            start -= 1
        space = _WHITESPACE.search(text, match.end())
        end = space.start() if space else len(text)
        words.append(text[start:end])
    return words


def _main_alphabet(text: str) -> str | None:
    """Latin, Cyrillic or Greek when more than half of the letters are of that script."""
    ascii_letters = len(text.encode("ascii", "ignore").translate(None, _NOT_ASCII_LETTERS))
    others = _NOT_LETTERS.sub("", "".join(_NON_ASCII.findall(text)))
    total = ascii_letters + len(others)
    if not total:
        return None
    for script in _ALPHABETIC:
        count = len(_NOT_SCRIPT[script].sub("", others))
        if script == "Latin":
            count += ascii_letters
        if count > total / 2:
            return script
    return None


@dataclass(frozen=True)
class _Candidate:
    encoding: str
    text: str
    chaos: float  # charset-normalizer's mess ratio, 0 (clean) to 1
    suspicious: dict[str, int]
    order: int  # place in the configured list: the most used first
    foreign_letters: int = 0  # accented letters no single alphabet explains
    coherence: float = 0.0
    language: str = ""

    @property
    def score(self) -> int:
        # The suspicious characters are counted over all of the non-ASCII text, while chaos is
        # measured on a few chunks of it: chaos counts in steps of 0.1.
        return sum(self.suspicious.values()) + round(self.chaos * 10)


def foreign_letters(text: str) -> int:
    """Accented Latin letters of the text outside the alphabet (of `_ALPHABETS`) that covers
    most of them; 0 when one alphabet has them all, or the text has none."""
    return _alphabet_fit(text)[0]


def _alphabet_fit(text: str) -> tuple[int, list[str]]:
    """(letters left out, languages) for the alphabets that leave out the fewest accented Latin
    letters of the text."""
    letters = _LATIN_NON_ASCII.findall("".join(_NON_ASCII.findall(text)))
    if not letters:
        return 0, list(_ALPHABETS)
    counts: dict[str, int] = {}
    for letter in letters:
        lower = letter.lower()
        counts[lower] = counts.get(lower, 0) + 1
    total = sum(counts.values())
    left_out = {
        language: total - sum(n for ch, n in counts.items() if ch in alphabet)
        for language, alphabet in _ALPHABETS.items()
    }
    fewest = min(left_out.values())
    return fewest, [language for language, n in left_out.items() if n == fewest]


def _coherence(text: str) -> tuple[float, str]:
    """How well the letters fit the letter frequencies of a language (charset-normalizer's
    coherence ratio), and that language.

    charset-normalizer's own run measures a CJK encoding only against Chinese, Japanese or
    Korean (English text in GB18030 scores 0), and may call Italian read as cp1250 "English"
    with a better ratio than the right reading gets as Italian. So every decoding is measured
    the same way here, against the languages whose alphabet explains its accented Latin
    letters (`_alphabet_fit`), or against all languages when that says nothing.
    """
    sample = text[:_COHERENCE_SAMPLE]
    _, languages = _alphabet_fit(sample)
    known = [language for language in languages if language in _KNOWN_LANGUAGES]
    everything = len(languages) == len(_ALPHABETS) or not known
    ratios = coherence_ratio(sample, 0.1, None if everything else ",".join(known))
    return (ratios[0][1], ratios[0][0]) if ratios else (0.0, "")


def _legacy_candidates(data: bytes, encodings: tuple[str, ...]) -> list[_Candidate]:
    """The decodings of the bytes in the listed code pages, best first.

    charset-normalizer proposes decodings (with its mess ratio); each is scored by its
    suspicious characters plus its mess in steps of 0.1. Among the best scores, those with the
    fewest accented Latin letters foreign to every single alphabet remain; of them, those whose
    letters fit a language about as well as the best (coherence within 0.05); of them, the most
    used encoding wins. The rest follow by score.
    """
    order = {name: i for i, name in enumerate(encodings)}
    out: list[_Candidate] = []
    seen: set[str] = set()
    matches = charset_normalizer.from_bytes(data, cp_isolation=list(encodings))
    for match in sorted(matches, key=lambda m: m.chaos):
        # the encodings that decode these bytes to the same text: named by the most used
        names = [match.encoding, *match.could_be_from_charset]
        seen.update(names)
        name = min(names, key=lambda n: order.get(n, len(order)))
        chaos = float(match.chaos)
        if out and round(chaos * 10) > min(c.score for c in out):
            continue  # its mess alone scores worse than the best so far: not a contender
        text = str(match)
        out.append(_Candidate(name, text, chaos, suspicious(text), order.get(name, len(order))))
    if not out or min(c.score for c in out):
        # charset-normalizer leaves out decodings it finds too messy, and sometimes stops early:
        # when nothing it proposes is clean, every listed code page that decodes the bytes
        # strictly is measured as well
        for name in encodings:
            if name in seen:
                continue
            try:
                text = data.decode(name)
            except (UnicodeDecodeError, LookupError):
                continue
            chaos = float(mess_ratio(text[:_COHERENCE_SAMPLE], 1.0))
            out.append(_Candidate(name, text, chaos, suspicious(text), order[name]))
    if not out:
        return out
    best = min(c.score for c in out)
    tier = [
        dataclasses.replace(c, foreign_letters=foreign_letters(c.text))
        for c in out
        if c.score == best
    ]
    fewest = min(c.foreign_letters for c in tier)
    tier = [c for c in tier if c.foreign_letters == fewest]
    for i, candidate in enumerate(tier):
        coherence, language = _coherence(candidate.text)
        tier[i] = dataclasses.replace(candidate, coherence=coherence, language=language)
    top = max(c.coherence for c in tier)
    tier.sort(key=lambda c: (c.coherence < top - _COHERENCE_MARGIN, c.order))
    rest = sorted((c for c in out if c not in tier), key=lambda c: (c.score, c.order))
    return tier + rest


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # C0 controls but tab, LF, CR and FF


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:20000]
    return len(_CONTROLS.findall(sample)) / len(sample)


def _legacy(data: bytes, cfg: Config) -> tuple[str, dict[str, object]] | None:
    """The best legacy decoding and what is known of it; doubts set `low_confidence`."""
    candidates = _legacy_candidates(data, cfg.encodings)
    if not candidates:
        return None
    best = candidates[0]
    confidence = round(1.0 - best.chaos, 3)
    info: dict[str, object] = {
        "encoding": best.encoding,
        "method": "charset-normalizer",
        "confidence": confidence,
        "coherence": round(best.coherence, 3),
        "language": best.language,
    }
    doubts = []
    if confidence < cfg.min_confidence:
        doubts.append(f"confidence {confidence} is below {cfg.min_confidence}")
    if best.suspicious:
        info["suspicious"] = best.suspicious
        doubts.append("the best decoding still has suspicious characters")
    rivals = [c for c in candidates[1:] if c.text != best.text]
    if rivals:
        rival = rivals[0]
        info["runner_up"] = {
            "encoding": rival.encoding,
            "confidence": round(1.0 - rival.chaos, 3),
            "suspicious": rival.suspicious,
        }
        if (
            rival.score == best.score
            and rival.foreign_letters == best.foreign_letters
            and rival.coherence >= best.coherence - _COHERENCE_MARGIN
        ):
            doubts.append(f"{rival.encoding} reads the bytes as well; the more used one won")
    if doubts:
        info["low_confidence"] = True
        info["doubts"] = doubts
    return best.text, info


_ISO2022 = (
    (b"\x1b$)C", "iso2022_kr"),
    (b"\x1b$B", "iso2022_jp"),
    (b"\x1b$@", "iso2022_jp"),
    (b"\x1b$(D", "iso2022_jp_1"),
    (b"\x1b$A", "iso2022_jp_2"),
)


def _iso2022(data: bytes) -> tuple[str, dict[str, object]] | None:
    """ISO-2022-JP or -KR (mail and old Japanese pages): ASCII with escape sequences that switch
    to a double-byte set. Recognised by those escapes, decoded strictly."""
    for escape, codec in _ISO2022:
        if escape in data:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            return text, {"encoding": codec, "method": "escape-sequences", "confidence": 0.95}
    return None


def decode(data: bytes, cfg: Config) -> tuple[str, dict[str, object]] | Drop:
    """Bytes to text with what was detected: {'encoding', 'method', 'confidence', ...}.

    In order: a byte-order mark; the signature of a binary format (dropped); ISO-2022 escape
    sequences; UTF-32/UTF-16 without a BOM when the bytes hold NUL and are not clean UTF-8;
    strict UTF-8; legacy code pages (`_legacy`); otherwise a drop. `confidence` is 1 for a BOM
    and strict UTF-8, 0.95/0.9/0.6 for the structural guesses, and for a code page 1 minus
    charset-normalizer's mess ratio of the chosen reading.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), {"encoding": codec, "method": "bom", "confidence": 1.0}
            except UnicodeDecodeError as exc:
                return Drop("undecodable", f"starts with a {codec} byte-order mark but {exc}")
    if any(data.startswith(magic) for magic in _MAGIC):
        return Drop("binary", "starts with the signature of a binary file format")
    try:
        utf8: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    decoded: tuple[str, dict[str, object]] | None = None
    # one byte is searched fast (memchr); a two-byte pattern is not
    if b"\x1b" in data and (b"\x1b$" in data or b"\x1b(" in data):
        decoded = _iso2022(data)  # 7-bit, so valid UTF-8 too: its escapes say what it is
    # UTF-16 of ASCII or Cyrillic text is valid UTF-8 (full of NUL and other controls)
    if (
        decoded is None
        and b"\x00" in data
        and (utf8 is None or _control_ratio(utf8) > cfg.max_control_ratio)
    ):
        decoded = _wide_without_bom(data, cfg)
    if decoded is None and utf8 is not None:
        decoded = utf8, {"encoding": "utf-8", "method": "strict", "confidence": 1.0}
    if decoded is None:
        if b"\x00" in data[:8192]:
            return Drop("binary", "contains NUL bytes and is not UTF-16 or UTF-32 text")
        decoded = _legacy(data, cfg)
        if decoded is None:
            return Drop("undecodable", "no character encoding decodes these bytes as text")
    text, info = decoded
    if _control_ratio(text) > cfg.max_control_ratio:
        return Drop("binary", "decodes to text that is mostly control characters")
    return text, info


def line_limit(text: str, cfg: Config) -> Drop | None:
    """A drop when a line of the text is longer than `max_line_chars`."""
    start = number = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        number += 1
        if end - start > cfg.max_line_chars:
            return Drop(
                "line-too-long",
                f"has a line of {end - start} characters (line {number}), over the limit of "
                f"{cfg.max_line_chars} (load.max_line_chars)",
            )
        start = end + 1
    return None


_NOT_TEXT = frozenset({"script", "style", "template", "noscript", "svg", "math"})


# The key of Document.meta under which the load step hands its parse of an HTML page to the HTML
# segment step (which then does not parse the page again): (the text parsed, the tree). The tree
# is only read after it is made (trafilatura works on its own copy of a tree it is given).
PARSED_HTML = "parsed_html"


def html_limits(html: str, cfg: Config) -> Drop | None:
    """A drop when the page nests elements too deep, has too many, or holds a run of text
    longer than `max_line_chars` without a line break. The page is parsed as the HTML step
    parses it (no network, no entity expansion) and walked without recursion, stopping at the
    first limit passed."""
    return parsed_within_limits(html, cfg)[0]


def parsed_within_limits(
    html: str, cfg: Config, utf8: bytes | None = None
) -> tuple[Drop | None, etree._Element | None]:
    """html_limits() and the parsed page (None when nothing parses); `utf8` as for
    parse_html()."""
    fatal: list[str] = []
    root = parse_html(html, fatal, utf8)
    return _limits_of(root, fatal, cfg), root


# Counted in C: every node (text too, so never fewer than the walk below counts), whether a node
# sits deeper than the depth limit, and the length of all text (an upper bound of any one run).
_NODES = etree.XPath("count(descendant-or-self::node())")
_TEXT_CHARS = etree.XPath("string-length(.)")


@cache
def _deeper_than(depth: int) -> etree.XPath:
    """True when a node (not text) of the subtree sits more than `depth` levels down (the
    subtree's root is level 1)."""
    steps = ["*"] * (depth - 1) + ["node()[not(self::text())]"]
    return etree.XPath(f"boolean({'/'.join(steps)})")


def _clearly_within(root: etree._Element, cfg: Config) -> bool:
    """True when the page is within every limit by bounds computed in C (most pages): fewer
    nodes than the element limit, nothing deeper than the depth limit, less text in all than
    the line limit. Otherwise the walk of `_limits_of` decides, and names the first limit
    passed."""
    return (
        _NODES(root) <= cfg.max_html_elements
        and not _deeper_than(cfg.max_html_depth)(root)
        and _TEXT_CHARS(root) + len(root.tail or "") <= cfg.max_line_chars
    )


def _limits_of(root: etree._Element | None, fatal: list[str], cfg: Config) -> Drop | None:
    for message in fatal:
        if message.startswith("Excessive depth"):
            return Drop(
                "html-too-deep",
                f"nests HTML elements more than {cfg.max_html_depth} deep (load.max_html_depth)",
            )
        return Drop(
            "html-parser-limit",
            f"cannot be read whole by the HTML parser ({message}); it would be cut short",
        )
    if root is None:
        return None  # nothing parses: the HTML step says so
    if _clearly_within(root, cfg):
        return None
    depth = elements = 0
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        depth += 1
        elements += 1
        if depth > cfg.max_html_depth:
            return Drop(
                "html-too-deep",
                f"nests HTML elements more than {cfg.max_html_depth} deep (load.max_html_depth)",
            )
        if elements > cfg.max_html_elements:
            return Drop(
                "html-too-many-elements",
                f"has more than {cfg.max_html_elements} HTML elements (load.max_html_elements)",
            )
        # the code and data of scripts and styles are not text (a page's script bundle is often
        # one line of hundreds of kilobytes): only what a reader sees is measured
        hidden = isinstance(el.tag, str) and el.tag.lower() in _NOT_TEXT
        for piece in (None if hidden else el.text, el.tail):
            if piece and len(piece) > cfg.max_line_chars:
                longest = max(len(part) for part in piece.split("\n"))
                if longest > cfg.max_line_chars:
                    return Drop(
                        "line-too-long",
                        f"has a run of {longest} characters of text without a line break, over "
                        f"the limit of {cfg.max_line_chars} (load.max_line_chars)",
                    )
    return None


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    data = doc.raw
    prov: dict[str, object] = {}
    if len(data) > cfg.max_bytes:
        too_large = f"is {len(data)} bytes, over the limit of {cfg.max_bytes} (load.max_bytes)"
        return Drop("too-large", too_large), prov
    if doc.source_path.lower().endswith(".gz"):
        if not data.startswith(b"\x1f\x8b"):
            return Drop("bad-gzip", "is named .gz but is not gzip data"), prov
        try:
            inflated = _gunzip(data, cfg.max_decompressed_bytes)
        except (zlib.error, EOFError) as exc:
            return Drop("bad-gzip", f"is damaged gzip data ({exc})"), prov
        if inflated is None:
            return (
                Drop(
                    "too-large",
                    f"decompresses to more than the limit of {cfg.max_decompressed_bytes} bytes "
                    "(load.max_decompressed_bytes); decompression stopped there",
                ),
                prov,
            )
        prov["compression"] = "gzip"
        data = inflated
    if not data.strip():
        return Drop("empty", "has no content (zero bytes or only whitespace)"), prov
    decoded = decode(data, cfg)
    if isinstance(decoded, Drop):
        return decoded, prov
    text, info = decoded
    fmt = input_format(doc.source_path, text)
    meta = doc.meta
    if fmt == "html":
        # bytes read as strict UTF-8 are the text's UTF-8 encoding already
        over, tree = parsed_within_limits(text, cfg, data if info["method"] == "strict" else None)
        if over is None and tree is not None:
            meta = {**doc.meta, PARSED_HTML: (text, tree)}  # the HTML step need not parse again
    else:
        over = line_limit(text, cfg)
    if over is not None:
        return over, prov
    prov["encoding"] = {"detected": info}
    prov["input_format"] = fmt
    return dataclasses.replace(doc, raw=b"", text=text, input_format=fmt, meta=meta), prov
