"""The ScrapingHub shingle metric (bench/metric.py) on small hand-made texts."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.metric import (
    PageCounts,
    bootstrap_f1,
    bootstrap_samples,
    match,
    percentile,
    score,
    shingles,
    tokens,
)

SIX = "one two three four five six"  # 6 tokens: 3 shingles


def test_tokens_are_unicode_word_runs_with_case_kept() -> None:
    assert tokens("Héllo, wörld! don't 2026") == ["Héllo", "wörld", "don", "t", "2026"]
    assert tokens("Привет мир 東京") == ["Привет", "мир", "東京"]
    assert tokens("— ... !!") == []


def test_shingles_are_4_grams() -> None:
    assert shingles(SIX) == Counter(
        {
            ("one", "two", "three", "four"): 1,
            ("two", "three", "four", "five"): 1,
            ("three", "four", "five", "six"): 1,
        }
    )


def test_fewer_than_4_tokens_make_one_shingle_and_none_make_none() -> None:
    assert shingles("a b c") == Counter({("a", "b", "c"): 1})
    assert shingles("a") == Counter({("a",): 1})
    assert shingles("  -- ") == Counter()
    assert shingles("a b c d") == Counter({("a", "b", "c", "d"): 1})


def test_identical_texts_score_one() -> None:
    counts = match(SIX, SIX)
    assert counts == PageCounts(tp=3, fp=0, fn=0)
    s = score([counts])
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)


def test_case_and_punctuation() -> None:
    # punctuation and spacing are not tokens; case is kept
    assert match("one, two; three -- four!", "one two three four") == PageCounts(1, 0, 0)
    assert match("One two three four", "one two three four") == PageCounts(0, 1, 1)


def test_disjoint_texts_score_zero() -> None:
    s = score([match(SIX, "alpha beta gamma delta epsilon")])
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)


def test_surplus_prediction_is_fp_missing_truth_is_fn() -> None:
    # prediction = truth + 2 more tokens: 2 more shingles, all false positives
    assert match(SIX, SIX + " seven eight") == PageCounts(tp=3, fp=2, fn=0)
    # prediction = first 5 tokens of the truth: 2 of 3 shingles found
    assert match(SIX, "one two three four five") == PageCounts(tp=2, fp=0, fn=1)
    s = score([match(SIX, SIX + " seven eight")])
    assert s.precision == pytest.approx(3 / 5)
    assert s.recall == 1.0
    assert s.f1 == pytest.approx(2 * 0.6 / 1.6)


def test_multiset_counts_repeated_shingles() -> None:
    truth = "a b c d"  # one shingle
    # the prediction repeats the text: (a b c d) twice plus the three shingles across the seam
    counts = match(truth, "a b c d a b c d")
    assert counts == PageCounts(tp=1, fp=4, fn=0)
    # the truth repeats it too: twice matched
    assert match("a b c d x a b c d", "a b c d y a b c d") == PageCounts(tp=2, fp=4, fn=4)
    # min of the counts: truth has it 3 times, prediction once
    assert match("a b c d . a b c d . a b c d", "a b c d") == PageCounts(tp=1, fp=0, fn=8)


def test_one_when_fp_and_fn_are_both_zero() -> None:
    empty = PageCounts(0, 0, 0)
    assert empty.precision() == 1.0
    assert empty.recall() == 1.0
    assert empty.f1() == 1.0
    # ... but a page with nothing on either side is in neither mean: it changes no score
    perfect = match(SIX, SIX)
    half = match(SIX, "one two three four five six seven eight nine")  # 3 of 6
    assert score([perfect, half, empty]) == score([perfect, half])


def test_empty_prediction_is_left_out_of_precision_but_counts_in_recall() -> None:
    perfect = match(SIX, SIX)
    nothing = match(SIX, "")
    assert nothing == PageCounts(tp=0, fp=0, fn=3)
    assert not nothing.has_prediction and nothing.has_truth
    s = score([perfect, nothing])
    assert s.precision == 1.0  # mean over the one page with a prediction
    assert s.recall == 0.5  # mean over both pages with truth
    assert s.pages_with_prediction == 1 and s.pages_with_truth == 2
    assert s.f1 == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    # a prediction with no word token is no prediction either
    assert match(SIX, " -- | ") == nothing


def test_prediction_without_truth_counts_zero_in_precision_only() -> None:
    perfect = match(SIX, SIX)
    spurious = match("", "some words here and there")
    assert spurious == PageCounts(tp=0, fp=2, fn=0)
    s = score([perfect, spurious])
    assert s.precision == 0.5
    assert s.recall == 1.0


def test_f1_is_harmonic_mean_of_the_means_not_mean_of_page_f1() -> None:
    a = PageCounts(tp=1, fp=0, fn=3)  # P 1, R 0.25
    b = PageCounts(tp=3, fp=1, fn=0)  # P 0.75, R 1
    s = score([a, b])
    assert s.precision == pytest.approx(0.875)
    assert s.recall == pytest.approx(0.625)
    assert s.f1 == pytest.approx(2 * 0.875 * 0.625 / 1.5)
    assert s.f1 != pytest.approx((a.f1() + b.f1()) / 2)


def test_weights_pages_equally_whatever_their_length() -> None:
    long_good = PageCounts(tp=1000, fp=0, fn=0)
    short_bad = PageCounts(tp=0, fp=1, fn=1)
    assert score([long_good, short_bad]).precision == 0.5


def test_no_prediction_at_all_scores_zero() -> None:
    s = score([match(SIX, ""), match(SIX, "")])
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)


def test_bootstrap_is_seeded_and_brackets_the_score() -> None:
    pages = [match(SIX, SIX), match(SIX, SIX + " x y"), match(SIX, "one two three four")]
    samples = bootstrap_samples(len(pages), resamples=200, seed=7)
    assert samples == bootstrap_samples(len(pages), resamples=200, seed=7)
    low, high, values = bootstrap_f1(pages, samples)
    assert len(values) == 200
    assert low <= score(pages).f1 <= high
    assert bootstrap_f1([match(SIX, SIX)] * 3, samples)[:2] == (1.0, 1.0)


def test_percentile_interpolates_like_numpy() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([1.0, 2.0, 3.0, 4.0], 0) == 1.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 100) == 4.0
    assert percentile([0.0, 10.0], 2.5) == pytest.approx(0.25)
