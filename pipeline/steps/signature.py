"""Signature step: exact hash of the normalised text and a MinHash signature of its word shingles.

Input: doc.text (the final body). Output: doc.meta["signature"] = {"exact": hex, "minhash": [int]}
(handed to dedup, not written to documents.jsonl) and provenance {"signature": {"exact": hex,
"shingles": n}}.

Normalisation (`normalise_for_hash`), in this order:

1. delete format characters (Unicode category Cf: soft hyphen, zero-width space/joiner/non-joiner,
   word joiner, BOM), so "infor\\u00admation" and "information" are the same word;
2. NFKC, casefold, NFKC again (casefolding can leave a string that is no longer NFKC);
3. a word character is a letter, a combining mark or a number (\\p{L}, \\p{M}, \\p{N}); combining
   marks that do not follow a word character (e.g. a stray emoji variation selector) are deleted;
4. every run of other characters (punctuation including "_", symbols, whitespace, controls) becomes
   one space, and the result is stripped.

So two copies that differ only in case, compatibility forms (full-width letters, ligatures),
whitespace or punctuation have the same "exact" hash (sha256 hex of the UTF-8 normalised text).
A text that is ASCII once its common typographic characters (curly quotes, dashes, ellipsis,
guillemets, no-break space, currency and a few other symbols) are read as spaces takes a
shortcut with the same result (lower case, every run of characters other than a-z and 0-9 one
space): three times faster, and tested against the general path.

Shingles (`shingles`): the normalised text split on its single spaces into words; every run of
`shingle_words` consecutive words joined by one space is a shingle. A text with fewer words than
that is one shingle (all its words); an empty normalised text has no shingles and gets an empty
MinHash signature.

MinHash: rensa's R-MinHash (`RMinHash(num_perm, seed)`, algorithm version 2 in rensa 0.5) over
the shingle set. Each value is a minimum over the set, so the order the shingles are fed in does
not matter (tested; not sorting them makes the MinHash three times faster). Its token hashing
is a fixed FxHash (not Python's salted str hash), so signatures are identical across processes
and PYTHONHASHSEED values (tested); they change when `num_perm`, `seed` or rensa's algorithm
version changes, so stored signatures (the LSH keys in the dedup index, `pipeline.history`) must
be compared only with signatures made by the same configuration and rensa version: the index
records these parameters and refuses a run with others. Each value is a 32-bit unsigned int.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

import regex
from rensa import RMinHash

from pipeline.record import Document
from pipeline.steps import Context, StepOutput

NAME = "signature"
VERSION = "1"

_FORMAT_CHARS = regex.compile(r"\p{Cf}+")
_ORPHAN_MARKS = regex.compile(r"(?<![\p{L}\p{M}\p{N}])\p{M}+")
_NON_WORD = regex.compile(r"[^\p{L}\p{M}\p{N}]+")
_ASCII_NON_WORD = re.compile(r"[^a-z0-9]+")
# Non-word characters common in ASCII text, each a separator after NFKC as before it (not "™":
# NFKC makes it "TM"): curly quotes, dashes, ellipsis, no-break space, guillemets, bullet, degree,
# pound, euro, copyright, registered.
_TYPOGRAPHIC = tuple(
    "\u2019\u2018\u201c\u201d\u2014\u2013\u2026\u00a0\u00ab\u00bb\u2022\u00b0\u00a3\u20ac\u00a9\u00ae"
)


@dataclass(frozen=True)
class Config:
    # words per shingle
    shingle_words: int = field(default=5, metadata={"min": 1, "max": 20})
    # MinHash permutations (dedup.bands must divide it)
    num_perm: int = field(default=128, metadata={"min": 8, "max": 1024})
    # seed of the MinHash permutations (changing it changes every signature); rensa takes a u64
    seed: int = field(default=1, metadata={"min": 0, "max": 2**64 - 1})


def normalise_for_hash(text: str) -> str:
    """The text the exact hash and the shingles are computed from (see the module docstring).

    >>> normalise_for_hash("  Hello,\\tWORLD!! — it's  ﬁne. ")
    'hello world it s fine'
    """
    plain = text
    for char in _TYPOGRAPHIC:
        if char in plain:
            plain = plain.replace(char, " ")
    if plain.isascii():  # no format character, mark or compatibility form: the shortcut
        return _ASCII_NON_WORD.sub(" ", plain.lower()).strip()
    text = _FORMAT_CHARS.sub("", text)
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    text = _ORPHAN_MARKS.sub("", text)
    normalised: str = _NON_WORD.sub(" ", text).strip()
    return normalised


def shingles_of_normalised(normalised: str, k: int) -> set[str]:
    """The k-word shingles of a text that is already normalised (`normalise_for_hash`)."""
    if k < 1:
        raise ValueError(f"shingle size must be >= 1, got {k}")
    if not normalised:
        return set()
    words = normalised.split(" ")
    if len(words) <= k:
        return {normalised}
    # zip of k shifted word lists: the same shingles as joining words[i : i + k], 30% faster
    return set(map(" ".join, zip(*(words[i:] for i in range(k)), strict=False)))


def shingles(text: str, k: int) -> set[str]:
    """The set of k-word shingles of the normalised text (one shingle if it has fewer words).

    >>> sorted(shingles("A b, c d!", 3))
    ['a b c', 'b c d']
    >>> shingles("Too short", 5)
    {'too short'}
    >>> shingles(" ... ", 5)
    set()
    """
    return shingles_of_normalised(normalise_for_hash(text), k)


def exact_hash(text: str) -> str:
    """sha256 hex of the normalised text."""
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()


def minhash(shingle_set: set[str], num_perm: int, seed: int) -> list[int]:
    """R-MinHash signature (num_perm ints) of a shingle set; [] for the empty set."""
    if not shingle_set:
        return []
    sketch = RMinHash(num_perm, seed)
    sketch.update(shingle_set)
    return [int(v) for v in sketch.digest()]


class Signature(NamedTuple):
    exact: str  # sha256 hex of the normalised text
    minhash: list[int]  # [] when the text has no shingles
    shingles: int  # how many shingles
    normalised: str  # the normalised text (what dedup stores to verify a candidate pair)


def sign(text: str, cfg: Config) -> Signature:
    """The signature of a text: what `run` records, and the normalised text it came from."""
    normalised = normalise_for_hash(text)
    exact = hashlib.sha256(normalised.encode("utf-8")).hexdigest()
    shingle_set = shingles_of_normalised(normalised, cfg.shingle_words)
    return Signature(
        exact, minhash(shingle_set, cfg.num_perm, cfg.seed), len(shingle_set), normalised
    )


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    exact, signature, count, _normalised = sign(doc.text, cfg)
    new_doc = dataclasses.replace(
        doc, meta={**doc.meta, "signature": {"exact": exact, "minhash": signature}}
    )
    return new_doc, {"signature": {"exact": exact, "shingles": count}}
