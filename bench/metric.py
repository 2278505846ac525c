"""The ScrapingHub article-extraction score (bench/data/scrapinghub/README.md), as published.

- tokens are the ``\\w+`` matches of a text (Unicode, case kept);
- shingles are the 4-grams of the tokens, counted as a multiset. A text with 1 to 3 tokens is
  one shingle of all its tokens; a text with no token has no shingle. (The README says only
  "the 4-grams of tokens"; this is what the published evaluation script does, and what the
  benchmark's brief asks for when the wording is unclear.)
- per page: tp = sum of min(true, predicted) counts, fp = predicted surplus, fn = true surplus.
  The published script then divides the three by their sum; that changes no ratio below, so the
  counts are kept as integers here.
- precision = mean of tp/(tp+fp) over the pages with any predicted shingle (tp+fp > 0);
  recall = mean of tp/(tp+fn) over the pages with any true shingle (tp+fn > 0); a page scores 1
  when fp and fn are both 0. F1 is the harmonic mean of the two means (not a mean of per-page F1).

  The "1 when fp and fn are both 0" rule only decides a page with no shingle on either side,
  and such a page is excluded from both means, so it never changes a score; it is kept because
  the published definition states it. A page with a prediction but no true shingle counts 0 in
  precision; a page with truth but an empty prediction counts 0 in recall and is left out of
  precision.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

NGRAM = 4
_TOKEN = re.compile(r"\w+")  # str patterns are Unicode-aware in Python 3

Shingle = tuple[str, ...]


def tokens(text: str) -> list[str]:
    """The ``\\w+`` matches of the text, case kept."""
    return _TOKEN.findall(text or "")


def shingles_of_tokens(toks: Sequence[str], n: int = NGRAM) -> Counter[Shingle]:
    """Multiset of n-grams; fewer than n tokens (but at least one) make one short shingle."""
    if not toks:
        return Counter()
    if len(toks) < n:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def shingles(text: str, n: int = NGRAM) -> Counter[Shingle]:
    return shingles_of_tokens(tokens(text), n)


@dataclass(frozen=True)
class PageCounts:
    """Shingle counts of one page: matched, predicted surplus, true surplus."""

    tp: int
    fp: int
    fn: int

    @property
    def has_prediction(self) -> bool:
        return self.tp + self.fp > 0

    @property
    def has_truth(self) -> bool:
        return self.tp + self.fn > 0

    def precision(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        if self.tp + self.fp == 0:
            return 0.0
        return self.tp / (self.tp + self.fp)

    def recall(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        if self.tp + self.fn == 0:
            return 0.0
        return self.tp / (self.tp + self.fn)

    def f1(self) -> float:
        """Per-page F1 (for ranking pages only; the benchmark F1 is `score(...).f1`)."""
        if self.fp == 0 and self.fn == 0:
            return 1.0
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)


def match(true: str, pred: str, n: int = NGRAM) -> PageCounts:
    """tp/fp/fn of a predicted text against the true text over shingle multisets."""
    t, p = shingles(true, n), shingles(pred, n)
    tp = sum((t & p).values())
    return PageCounts(tp=tp, fp=sum(p.values()) - tp, fn=sum(t.values()) - tp)


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    pages_with_prediction: int
    pages_with_truth: int


def _mean(values: Sequence[float]) -> float:
    # No page with a prediction (or with truth): the published script would fail; 0 here.
    return sum(values) / len(values) if values else 0.0


def score(pages: Sequence[PageCounts]) -> Score:
    precisions = [c.precision() for c in pages if c.has_prediction]
    recalls = [c.recall() for c in pages if c.has_truth]
    p, r = _mean(precisions), _mean(recalls)
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return Score(p, r, f1, len(precisions), len(recalls))


def bootstrap_samples(n_pages: int, resamples: int = 1000, seed: int = 0) -> list[list[int]]:
    """Page indices of each resample (with replacement); share them to compare systems paired."""
    rng = random.Random(seed)
    return [[rng.randrange(n_pages) for _ in range(n_pages)] for _ in range(resamples)]


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolation percentile (numpy's default), q in [0, 100]."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def bootstrap_f1(
    pages: Sequence[PageCounts], samples: Sequence[Sequence[int]]
) -> tuple[float, float, list[float]]:
    """2.5 and 97.5 percentiles of F1 over the resamples, and every resampled F1."""
    values = [score([pages[i] for i in sample]).f1 for sample in samples]
    return percentile(values, 2.5), percentile(values, 97.5), values
