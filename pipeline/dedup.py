"""Exact and near-duplicate detection over the signatures made by the signature step.

`deduplicate(items, threshold, bands, shingle_words)` returns a `Decision` for every item that is
a duplicate (keyed by its id); items not in the result are kept. Pure: no I/O, and the result
does not depend on the order the items arrive in.

Rules:

* Items are processed sorted by (source_path, id). The first item of a group in that order is
  the one kept; only kept documents are compared against, so a duplicate never becomes the
  keeper of anything.
* Exact: an item whose "exact" hash (sha256 of the normalised text) equals a kept document's is
  an exact duplicate of it: kind "exact", similarity 1.0.
* Near: otherwise the MinHash signature is cut into `bands` bands of r = len(minhash) / bands
  rows; every kept document sharing at least one whole band is a candidate. Each candidate is
  VERIFIED by the exact Jaccard similarity of the two texts' shingle sets (recomputed with
  `signature.shingles(text, shingle_words)`; use the signature step's `shingle_words`). The item
  is a near duplicate of the candidate with the highest verified similarity >= threshold (ties:
  the earliest kept); a band collision alone never removes a document, and neither does a
  similarity of 0 (even with threshold 0). kind "near", similarity the verified Jaccard.
* Items whose text normalises to nothing (empty minhash, or the exact hash of the empty string)
  are never duplicates and nothing is a duplicate of them.
* cluster (and duplicate_of) is the id of the kept document.

What the banding finds: a pair with Jaccard J collides in at least one band with probability
1 - (1 - J^r)^b, an S-curve whose midpoint is about (1/b)^(1/r). With the defaults (num_perm 128,
bands 16, so r = 8) that is (1/16)^(1/8) ≈ 0.707, and the probability of becoming a candidate is
about 0.61 at J = 0.7, 0.95 at J = 0.8 (the default threshold), 0.9999 at J = 0.9. So at the
default threshold about 5% of pairs lying exactly at J = 0.8 are missed (recall rises quickly
above it); verification means a miss can only keep a duplicate, never remove an original. Raise
`bands` (e.g. 32, r = 4: midpoint 0.42) for more recall at the cost of more verifications.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pipeline.steps.signature import shingles

_EMPTY_EXACT = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class Candidate:
    id: str
    source_path: str
    exact: str
    minhash: tuple[int, ...]
    text: str


@dataclass(frozen=True)
class Decision:
    duplicate_of: str
    kind: Literal["exact", "near"]
    similarity: float
    cluster: str


def band_keys(minhash: tuple[int, ...], bands: int) -> list[tuple[int, tuple[int, ...]]]:
    """The LSH keys of a signature: (band number, that band's rows). [] for an empty signature."""
    if not minhash:
        return []
    if bands < 1 or len(minhash) % bands:
        raise ValueError(f"bands ({bands}) must divide the signature length ({len(minhash)})")
    rows = len(minhash) // bands
    return [(b, tuple(minhash[b * rows : (b + 1) * rows])) for b in range(bands)]


def jaccard(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / |a ∪ b|; 0.0 when both are empty."""
    if not a and not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def _is_empty(item: Candidate) -> bool:
    return not item.minhash or item.exact == _EMPTY_EXACT


def deduplicate(
    items: Iterable[Candidate], threshold: float, bands: int, shingle_words: int
) -> dict[str, Decision]:
    """Decisions for the duplicates among `items` (see the module docstring for the rules)."""
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    if bands < 1:
        raise ValueError(f"bands must be >= 1, got {bands}")
    if shingle_words < 1:
        raise ValueError(f"shingle_words must be >= 1, got {shingle_words}")

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

    kept: list[Candidate] = []
    kept_shingles: dict[int, set[str]] = {}  # computed on first verification
    by_exact: dict[str, int] = {}
    by_band: dict[tuple[int, tuple[int, ...]], list[int]] = {}
    decisions: dict[str, Decision] = {}

    for item in ordered:
        if _is_empty(item):
            continue  # never a duplicate, never a keeper of one
        if item.exact in by_exact:
            keeper = kept[by_exact[item.exact]]
            decisions[item.id] = Decision(keeper.id, "exact", 1.0, keeper.id)
            continue

        keys = band_keys(item.minhash, bands)
        candidates = sorted({k for key in keys for k in by_band.get(key, ())})
        best: int | None = None
        best_similarity = -1.0
        if candidates:
            item_shingles = shingles(item.text, shingle_words)
            for k in candidates:  # ascending: the earliest kept wins ties
                if k not in kept_shingles:
                    kept_shingles[k] = shingles(kept[k].text, shingle_words)
                similarity = jaccard(item_shingles, kept_shingles[k])
                if similarity >= threshold and similarity > max(best_similarity, 0.0):
                    best, best_similarity = k, similarity
        if best is not None:
            keeper = kept[best]
            decisions[item.id] = Decision(keeper.id, "near", best_similarity, keeper.id)
            continue

        index = len(kept)
        kept.append(item)
        by_exact[item.exact] = index
        for key in keys:
            by_band.setdefault(key, []).append(index)

    return decisions
