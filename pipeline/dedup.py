"""Exact and near-duplicate detection over the signatures made by the signature step.

The decisions for one night are made by `decide`, against the documents kept by earlier nights
(the persistent index, `pipeline.history`) and those kept so far tonight. `deduplicate(items,
threshold, bands, shingle_words)` is the same procedure for one set of items with no history: it
returns a `Decision` for every item that is a duplicate (keyed by its id); items not in the
result are kept. Pure: no I/O (its index lives in memory), and the result does not depend on the
order the items arrive in.

Rules:

* Order: a document's rank is (night, source_path, id). Earlier nights come first (`decide` only
  sees nights strictly before tonight), and within a night items are processed sorted by
  (source_path, id). The first item of a group in that order is the one kept; only kept
  documents are compared against, so a duplicate never becomes the keeper of anything.
* Exact: an item whose "exact" hash (sha256 of the normalised text, see the signature step for
  what is folded) equals a kept document's is an exact duplicate of the earliest such document:
  kind "exact", similarity 1.0.
* Near: otherwise the MinHash signature is cut into `bands` bands of r = len(minhash) / bands
  rows; each band is one LSH key (`lsh_keys`), and every kept document sharing at least one key
  is a candidate. Each candidate is VERIFIED by the exact Jaccard similarity of the two texts'
  shingle sets (recomputed with `signature.shingles(text, shingle_words)`; use the signature
  step's `shingle_words`). The item is a near duplicate of the EARLIEST kept candidate (by rank:
  the first seen) whose verified similarity is >= threshold; a band collision alone never
  removes a document, and neither does a similarity of 0 (even with threshold 0). kind "near",
  similarity the verified Jaccard. (Not the most similar candidate: with the first seen, two
  copies that are exact twins always get the same keeper, and a story's copies gather under its
  first document instead of splitting between later ones.)
* Items whose text normalises to nothing (empty minhash, or the exact hash of the empty string)
  are never duplicates and nothing is a duplicate of them.
* cluster (and duplicate_of) is the id of the kept document; `keeper_night` is the night that
  kept it (None when there are no nights, as in `deduplicate`).

What the banding finds: a pair with Jaccard J collides in at least one band with probability
1 - (1 - J^r)^b, an S-curve whose midpoint is about (1/b)^(1/r). With the defaults (num_perm 128,
bands 16, so r = 8) that is (1/16)^(1/8) ≈ 0.707, and the probability of becoming a candidate is
about 0.61 at J = 0.7, 0.95 at J = 0.8 (the default threshold), 0.9999 at J = 0.9. So at the
default threshold about 5% of pairs lying exactly at J = 0.8 are missed (recall rises quickly
above it); verification means a miss can only keep a duplicate, never remove an original. Raise
`bands` (e.g. 32, r = 4: midpoint 0.42) for more recall at the cost of more verifications.
`bench/dedup.py` measures both.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Protocol

from pipeline.steps.signature import normalise_for_hash, shingles_of_normalised

_EMPTY_EXACT = hashlib.sha256(b"").hexdigest()
_EMPTY_DIGEST = bytes.fromhex(_EMPTY_EXACT)
TEXT_ZLIB_LEVEL = 1  # texts are compressed fast: level 6 saves 9% more for twice the time


@dataclass(frozen=True)
class Candidate:
    """A document as the signature step leaves it: what `deduplicate` takes."""

    id: str
    source_path: str
    exact: str
    minhash: tuple[int, ...]
    text: str


@dataclass(frozen=True)
class Entry:
    """The compact form a document is deduplicated and indexed in.

    exact: the sha256 digest (32 bytes) of the normalised text; keys: the LSH keys (`lsh_keys`),
    () when the text has no shingles; text: the NORMALISED text (`signature.normalise_for_hash`),
    zlib-compressed: what a candidate pair is verified with, without normalising again.
    """

    id: str
    source_path: str
    exact: bytes
    keys: tuple[int, ...]
    text: bytes

    @property
    def empty(self) -> bool:
        return not self.keys or self.exact == _EMPTY_DIGEST


@dataclass(frozen=True)
class Decision:
    duplicate_of: str
    kind: Literal["exact", "near"]
    similarity: float
    cluster: str
    keeper_night: str | None = None


class Keeper(NamedTuple):
    """A kept document as an index returns it: its rank fields and the index's handle for it."""

    night: str
    source_path: str
    id: str
    handle: int


class KeptIndex(Protocol):
    """Kept documents, looked up by exact hash and by LSH key (see `pipeline.history.Index`)."""

    def exact(self, digest: bytes) -> Keeper | None:
        """The earliest kept document with this exact hash."""
        ...

    def candidates(self, keys: Sequence[int]) -> list[Keeper]:
        """Every kept document sharing at least one of these LSH keys (any order)."""
        ...

    def text(self, handle: int) -> bytes:
        """The compressed text of a kept document."""
        ...

    def add(self, entry: Entry, night: str) -> None:
        """Keep a document."""
        ...


def band_keys(minhash: Sequence[int], bands: int) -> list[tuple[int, tuple[int, ...]]]:
    """The LSH bands of a signature: (band number, that band's rows). [] for an empty signature."""
    if not minhash:
        return []
    if bands < 1 or len(minhash) % bands:
        raise ValueError(f"bands ({bands}) must divide the signature length ({len(minhash)})")
    rows = len(minhash) // bands
    return [(b, tuple(minhash[b * rows : (b + 1) * rows])) for b in range(bands)]


def lsh_keys(minhash: Sequence[int], bands: int) -> tuple[int, ...]:
    """One signed 64-bit key per band: the first 8 bytes (little-endian) of
    blake2b(band number as 2 bytes LE + the band's rows as uint32 LE). Stable across processes,
    Python versions and machines, so keys can be stored. Two different bands with the same key
    (probability 2^-64) only make an extra candidate, which verification rejects."""
    if not minhash:
        return ()
    if bands < 1 or len(minhash) % bands:
        raise ValueError(f"bands ({bands}) must divide the signature length ({len(minhash)})")
    packed = struct.pack(f"<{len(minhash)}I", *minhash)
    width = 4 * (len(minhash) // bands)
    out = []
    for number in range(bands):
        data = number.to_bytes(2, "little") + packed[number * width : (number + 1) * width]
        digest = hashlib.blake2b(data, digest_size=8).digest()
        out.append(int.from_bytes(digest, "little", signed=True))
    return tuple(out)


def pack_text(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), TEXT_ZLIB_LEVEL)


def unpack_text(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8")


def entry(
    id: str, source_path: str, exact: str, minhash: Sequence[int], normalised: str, bands: int
) -> Entry:
    """The Entry of a signed document (exact: the signature step's hex hash; normalised: its
    normalised text, `signature.normalise_for_hash(text)`)."""
    keys = lsh_keys(minhash, bands)
    return Entry(id, source_path, bytes.fromhex(exact), keys, pack_text(normalised))


def entries_of_shard_documents(
    documents: Iterable[tuple[dict[str, Any], dict[str, Any]]], bands: int
) -> Iterator[Entry]:
    """The Entry of every (header, record) of a shard file's documents (pipeline.shard_file)."""
    for header, rec in documents:
        sig = header["signature"]
        exact, minhash = sig.get("exact", ""), sig.get("minhash", ())
        normalised = normalise_for_hash(rec["text"])
        yield entry(header["id"], header["source_path"], exact, minhash, normalised, bands)


def jaccard(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / |a ∪ b|; 0.0 when both are empty."""
    if not a and not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def check_settings(threshold: float, bands: int, shingle_words: int) -> None:
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    if bands < 1:
        raise ValueError(f"bands must be >= 1, got {bands}")
    if shingle_words < 1:
        raise ValueError(f"shingle_words must be >= 1, got {shingle_words}")


class _ShingleCache:
    """Shingle sets of kept documents, most recently verified first (a keeper of a large cluster
    is verified against many times)."""

    def __init__(self, shingle_words: int, size: int = 1024) -> None:
        self.k = shingle_words
        self.size = size
        self.sets: OrderedDict[tuple[int, int], set[str]] = OrderedDict()

    def get(self, source: int, index: KeptIndex, handle: int) -> set[str]:
        key = (source, handle)
        found = self.sets.get(key)
        if found is None:
            found = shingles_of_normalised(unpack_text(index.text(handle)), self.k)
            self.sets[key] = found
            if len(self.sets) > self.size:
                self.sets.popitem(last=False)
        else:
            self.sets.move_to_end(key)
        return found


class MemoryIndex:
    """A KeptIndex in dictionaries, for one run without history (`deduplicate`)."""

    def __init__(self) -> None:
        self._keepers: list[Keeper] = []
        self._texts: list[bytes] = []
        self._exact: dict[bytes, int] = {}
        self._keys: dict[int, list[int]] = {}

    def exact(self, digest: bytes) -> Keeper | None:
        handle = self._exact.get(digest)
        return None if handle is None else self._keepers[handle]

    def candidates(self, keys: Sequence[int]) -> list[Keeper]:
        handles = {h for key in keys for h in self._keys.get(key, ())}
        return [self._keepers[h] for h in handles]

    def text(self, handle: int) -> bytes:
        return self._texts[handle]

    def add(self, entry: Entry, night: str) -> None:
        handle = len(self._keepers)
        self._keepers.append(Keeper(night, entry.source_path, entry.id, handle))
        self._texts.append(entry.text)
        self._exact.setdefault(entry.exact, handle)  # entries arrive in rank order: first wins
        for key in entry.keys:
            self._keys.setdefault(key, []).append(handle)


def decide(
    entries: Iterable[Entry],
    night: str,
    earlier: KeptIndex | None,
    tonight: KeptIndex,
    threshold: float,
    shingle_words: int,
) -> Iterator[tuple[str, Decision]]:
    """(id, decision) for every duplicate among `entries`, which must come in (source_path, id)
    order; kept entries are added to `tonight`. `earlier` holds only nights before this one."""
    check_settings(threshold, 1, shingle_words)
    cache = _ShingleCache(shingle_words)
    indexes = [(0, earlier), (1, tonight)] if earlier is not None else [(1, tonight)]
    for item in entries:
        if item.empty:
            continue  # never a duplicate, never a keeper of one
        found = None
        for _source, index in indexes:  # earlier nights first: their keepers rank first
            found = index.exact(item.exact)
            if found is not None:
                break
        if found is not None:
            yield item.id, Decision(found.id, "exact", 1.0, found.id, found.night or None)
            continue

        match = _first_match(item, indexes, cache, threshold)
        if match is not None:
            keeper, similarity = match
            yield item.id, Decision(keeper.id, "near", similarity, keeper.id, keeper.night or None)
            continue
        tonight.add(item, night)


def _first_match(
    item: Entry,
    indexes: list[tuple[int, KeptIndex]],
    cache: _ShingleCache,
    threshold: float,
) -> tuple[Keeper, float] | None:
    """The earliest kept candidate whose verified similarity reaches the threshold."""
    candidates = sorted(
        (keeper, source) for source, index in indexes for keeper in index.candidates(item.keys)
    )
    if not candidates:
        return None
    kept_by = dict(indexes)
    item_shingles = shingles_of_normalised(unpack_text(item.text), cache.k)
    for keeper, source in candidates:  # ascending rank: the first seen comes first
        similarity = jaccard(item_shingles, cache.get(source, kept_by[source], keeper.handle))
        if similarity >= threshold and similarity > 0.0:
            return keeper, similarity
    return None


def deduplicate(
    items: Iterable[Candidate], threshold: float, bands: int, shingle_words: int
) -> dict[str, Decision]:
    """Decisions for the duplicates among `items` (see the module docstring for the rules)."""
    check_settings(threshold, bands, shingle_words)
    ordered = sorted(items, key=lambda c: (c.source_path, c.id))
    seen_ids: set[str] = set()
    signature_length: int | None = None
    for item in ordered:
        if item.id in seen_ids:
            raise ValueError(f"duplicate candidate id {item.id!r} ({item.source_path})")
        seen_ids.add(item.id)
        if item.minhash:
            if signature_length is None:
                signature_length = len(item.minhash)
            elif len(item.minhash) != signature_length:
                raise ValueError(
                    f"candidate {item.id!r} has a signature of {len(item.minhash)} values, "
                    f"others have {signature_length}"
                )
    entries = (
        entry(c.id, c.source_path, c.exact, c.minhash, normalise_for_hash(c.text), bands)
        for c in ordered
    )
    return dict(decide(entries, "", None, MemoryIndex(), threshold, shingle_words))
