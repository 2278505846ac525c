"""Tests of pipeline.dedup: exact and near duplicates, verification, order invariance."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.dedup import (
    Candidate,
    Decision,
    Entry,
    MemoryIndex,
    band_keys,
    decide,
    deduplicate,
    entry,
    jaccard,
    lsh_keys,
    unpack_text,
)
from pipeline.record import Document
from pipeline.steps import Context
from pipeline.steps import signature as signature_step
from pipeline.steps.signature import normalise_for_hash, shingles

CFG = signature_step.Config()  # shingle_words 5, num_perm 128, seed 1
THRESHOLD = 0.8
BANDS = 16

FLOOD = (
    "The city council voted on Tuesday evening to spend an additional four million pounds on "
    "flood defences along the lower reaches of the river, after a winter in which more than two "
    "hundred homes were damaged by rising water. The decision came after a long and sometimes "
    "heated debate in which residents of the eastern districts accused the council of neglecting "
    "their neighbourhoods for years. Engineers told the meeting that the existing embankments "
    "were built in the nineteen sixties and were never designed for the volumes of rain the "
    "region now receives in a single storm. The new scheme will raise the walls by almost a "
    "metre, replace three ageing pumping stations and create a network of wetlands upstream that "
    "can hold water during the worst of the weather. Work is expected to begin in the spring and "
    "to last about two years, although officials warned that the timetable depends on the "
    "delivery of steel and on the outcome of an environmental review. Several councillors said "
    "the money was only a first step and that the national government must share the cost of "
    "protecting communities that face the same threat every winter. A spokesperson for the "
    "residents' association welcomed the vote but said people would believe it when they saw "
    "the diggers arrive. Insurance companies have already raised premiums in the affected "
    "streets, and some families say they can no longer find any cover at all for their homes."
)

# FLOOD with one sentence rewritten (verified Jaccard of 5-word shingles ≈ 0.82).
FLOOD_EDITED = FLOOD.replace(
    "Engineers told the meeting that the existing embankments were built in the nineteen sixties "
    "and were never designed for the volumes of rain the region now receives in a single storm.",
    "Engineers told the meeting that the old walls have been patched many times and could fail "
    "in another severe storm.",
)

LIBRARY = (
    "After three years of renovation the central library reopened its doors on Saturday morning, "
    "and a queue of several hundred people had formed long before the mayor cut the ribbon. The "
    "building, a red brick landmark that first opened in eighteen ninety, now has a glass reading "
    "room on its roof, a children's floor with a small theatre, and a workshop where visitors can "
    "borrow tools, sewing machines and a three dimensional printer. Librarians said the most "
    "popular request of the first day was not for a book at all but for help filling in online "
    "forms, something they now offer every afternoon. The renovation cost more than originally "
    "planned because workers discovered that the foundations on the northern side had been "
    "slowly sinking into the soft clay beneath the square. Local historians were delighted by a "
    "collection of letters and photographs found behind a sealed wall in the basement, which "
    "appear to document the lives of the families who lived on the site before the library was "
    "built. The letters will be scanned and published on the library's website later this year. "
    "Opening hours have been extended into the evening on weekdays, and membership remains free "
    "for everyone who lives, works or studies in the city."
)

BEES = (
    "A study published this week suggests that wild bee populations in farmland have fallen by "
    "nearly a third over the past two decades, with the steepest declines in regions where a "
    "single crop covers most of the landscape. The researchers combined records from thousands "
    "of volunteer surveys with satellite maps of land use, and found that bees did much better "
    "in areas with hedgerows, field margins and patches of flowering plants between the fields. "
    "Pesticides, disease and a warming climate all played a part, but the loss of varied habitat "
    "appeared to matter most. The authors argue that relatively small changes, such as leaving a "
    "strip of wild flowers along the edge of each field, could slow or even reverse the decline "
    "within a few years. Farmers' groups said many of their members were already trying such "
    "measures and called for subsidies to be tied more closely to the results they achieve. "
    "Because wild bees pollinate many fruit and vegetable crops, the authors warn that the "
    "decline could eventually affect harvests and food prices, not only the countryside."
)

CTX = Context(run_date=dt.date(2026, 1, 1))


def candidate(source_path: str, text: str) -> Candidate:
    """A Candidate built the way the pipeline builds it: through the signature step."""
    doc = Document(source_path=source_path, source_sha256="0" * 64, source_bytes=0, text=text)
    out, _prov = signature_step.run(doc, CFG, CTX)
    assert isinstance(out, Document)
    sig = out.meta["signature"]
    return Candidate(out.id, source_path, sig["exact"], tuple(sig["minhash"]), text)


def run_dedup(items: list[Candidate], threshold: float = THRESHOLD) -> dict[str, Decision]:
    return deduplicate(items, threshold=threshold, bands=BANDS, shingle_words=CFG.shingle_words)


def shares_a_band(a: Candidate, b: Candidate) -> bool:
    return bool(set(band_keys(a.minhash, BANDS)) & set(band_keys(b.minhash, BANDS)))


def test_the_near_duplicate_fixture_is_realistic() -> None:
    assert FLOOD_EDITED != FLOOD
    similarity = jaccard(shingles(FLOOD, 5), shingles(FLOOD_EDITED, 5))
    assert 0.8 < similarity < 0.95


def test_exact_copy_is_an_exact_duplicate() -> None:
    original = candidate("a/flood.txt", FLOOD)
    copy = candidate("b/flood-copy.txt", FLOOD)
    result = run_dedup([original, copy])
    assert result == {copy.id: Decision(original.id, "exact", 1.0, original.id)}


@pytest.mark.parametrize(
    "variant",
    [
        FLOOD.upper(),
        FLOOD.replace(" ", "\n  \t"),
        FLOOD.replace(",", "").replace(".", " !!! "),
        FLOOD.replace("'", "’").replace(" ", " -- ", 3),
        "  " + FLOOD.lower() + "\n\n",
    ],
    ids=["case", "whitespace", "punctuation", "quotes-and-dashes", "padding"],
)
def test_case_punctuation_and_whitespace_variants_are_exact(variant: str) -> None:
    original = candidate("a/flood.txt", FLOOD)
    copy = candidate("b/flood-variant.txt", variant)
    assert run_dedup([original, copy]) == {
        copy.id: Decision(original.id, "exact", 1.0, original.id)
    }


def test_one_sentence_changed_is_a_near_duplicate() -> None:
    original = candidate("a/flood.txt", FLOOD)
    edited = candidate("b/flood-edited.txt", FLOOD_EDITED)
    result = run_dedup([original, edited])
    assert set(result) == {edited.id}
    decision = result[edited.id]
    assert decision.kind == "near"
    assert decision.duplicate_of == decision.cluster == original.id
    assert THRESHOLD < decision.similarity < 1.0
    assert decision.similarity == jaccard(shingles(FLOOD, 5), shingles(FLOOD_EDITED, 5))


def test_different_articles_are_all_kept() -> None:
    items = [
        candidate("a/flood.txt", FLOOD),
        candidate("b/library.txt", LIBRARY),
        candidate("c/bees.txt", BEES),
    ]
    assert run_dedup(items) == {}


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 1, 0], [1, 2, 0]])
def test_the_first_by_source_path_is_kept_whatever_the_input_order(order: list[int]) -> None:
    items = [
        candidate("2024/01/flood.txt", FLOOD),
        candidate("2024/02/flood-edited.txt", FLOOD_EDITED),
        candidate("2024/03/flood-copy.txt", FLOOD.upper()),
    ]
    first = items[0].id
    result = run_dedup([items[i] for i in order])
    assert set(result) == {items[1].id, items[2].id}
    assert {d.cluster for d in result.values()} == {first}
    assert result[items[1].id].kind == "near"
    assert result[items[2].id].kind == "exact"


def test_a_duplicate_never_becomes_a_keeper() -> None:
    # b is a near duplicate of a; c is an exact copy of b. c must not be matched to b
    # (only kept documents are compared against): it joins a's cluster as a near duplicate.
    a = candidate("a.txt", FLOOD)
    b = candidate("b.txt", FLOOD_EDITED)
    c = candidate("c.txt", FLOOD_EDITED)
    result = run_dedup([c, b, a])
    assert result[b.id] == result[c.id]
    assert result[c.id].duplicate_of == a.id
    assert result[c.id].kind == "near"


def test_a_band_collision_below_the_threshold_does_not_remove_a_document() -> None:
    original = candidate("a/flood.txt", FLOOD)
    edited = candidate("b/flood-edited.txt", FLOOD_EDITED)
    # The pair is a candidate pair for LSH (J ≈ 0.82, above the 0.71 band midpoint) ...
    assert shares_a_band(original, edited)
    # ... but verification against a 0.95 threshold rejects it.
    assert run_dedup([original, edited], threshold=0.95) == {}


def test_an_identical_signature_with_different_text_is_not_a_duplicate() -> None:
    real = candidate("a/flood.txt", FLOOD)
    # A forged candidate whose signature collides in every band but whose text is unrelated.
    forged = Candidate("forged", "b/library.txt", "f" * 64, real.minhash, LIBRARY)
    assert shares_a_band(real, forged)
    assert run_dedup([real, forged], threshold=0.0) == {}


def test_empty_texts_are_never_duplicates() -> None:
    empty_a = candidate("a/empty.txt", "")
    empty_b = candidate("b/empty.txt", "  ... \n")
    article = candidate("c/flood.txt", FLOOD)
    assert empty_a.minhash == ()
    assert run_dedup([empty_a, empty_b, article]) == {}


@pytest.mark.parametrize("left_name, right_name", [("1.txt", "2.txt"), ("2.txt", "1.txt")])
def test_ties_go_to_the_earliest_kept(left_name: str, right_name: str) -> None:
    # Two kept documents equally similar to a third: the earlier by source_path wins.
    left = candidate(left_name, FLOOD + " Alpha beta gamma delta epsilon zeta.")
    right = candidate(right_name, FLOOD + " Omega psi chi phi upsilon tau.")
    probe = candidate("3.txt", FLOOD)
    to_left = jaccard(shingles(left.text, 5), shingles(probe.text, 5))
    to_right = jaccard(shingles(right.text, 5), shingles(probe.text, 5))
    between = jaccard(shingles(left.text, 5), shingles(right.text, 5))
    threshold = 0.96
    assert to_left == to_right > threshold > between  # both kept, both match the probe
    result = run_dedup([probe, right, left], threshold=threshold)
    earliest = min([left, right], key=lambda c: c.source_path)
    assert result == {probe.id: Decision(earliest.id, "near", to_left, earliest.id)}


def test_invalid_arguments_are_rejected() -> None:
    item = candidate("a.txt", FLOOD)
    with pytest.raises(ValueError, match="duplicate candidate id"):
        run_dedup([item, item])
    with pytest.raises(ValueError, match="must divide"):
        deduplicate([item], threshold=0.8, bands=15, shingle_words=5)
    with pytest.raises(ValueError, match="threshold"):
        deduplicate([item], threshold=1.5, bands=16, shingle_words=5)


# A pool with every kind of relation: originals, exact variants, near variants, unrelated texts,
# a variant of a variant and an empty text.
POOL = [
    candidate("2023/flood.txt", FLOOD),
    candidate("2024/flood-upper.txt", FLOOD.upper()),
    candidate("2022/flood-edited.txt", FLOOD_EDITED),
    candidate("2025/flood-edited-copy.txt", FLOOD_EDITED.lower()),
    candidate("2023/library.txt", LIBRARY),
    candidate("2021/library-tail.txt", LIBRARY + " Staff will run guided tours every Sunday."),
    candidate("2024/bees.txt", BEES),
    candidate("2024/bees.txt.bak", BEES.replace("a third", "one third")),
    candidate("2020/empty.txt", ""),
    candidate("2026/mix.txt", FLOOD + " " + BEES),
]


def test_the_pool_has_both_kinds_of_duplicates() -> None:
    kinds = {d.kind for d in run_dedup(POOL).values()}
    assert kinds == {"exact", "near"}


@settings(max_examples=60, deadline=None)
@given(st.permutations(POOL))
def test_decisions_do_not_depend_on_the_input_order(items: list[Candidate]) -> None:
    assert run_dedup(items) == run_dedup(POOL)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(range(len(POOL))), unique=True), st.randoms())
def test_decisions_of_any_subset_do_not_depend_on_order(
    picked: list[int], rnd: random.Random
) -> None:
    items = [POOL[i] for i in picked]
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert run_dedup(shuffled) == run_dedup(items)
    kept = {c.id for c in items} - set(run_dedup(items))
    for decision in run_dedup(items).values():
        assert decision.duplicate_of in kept


# --- LSH keys, entries, nights -------------------------------------------------------------


def test_lsh_keys_are_pinned() -> None:
    # Keys are stored in the dedup index: a change here would silently split the history.
    assert lsh_keys(list(range(128)), 16)[:3] == (
        -5466073348263432456,
        -5279679979270862074,
        -2475064431476424466,
    )
    assert lsh_keys([2**32 - 1] * 8, 2) == (-3221232214080486024, 283112444338694737)
    assert lsh_keys([], 16) == ()


def test_lsh_keys_follow_the_bands() -> None:
    a = candidate("a.txt", FLOOD)
    b = candidate("b.txt", FLOOD_EDITED)
    shared_bands = set(band_keys(a.minhash, BANDS)) & set(band_keys(b.minhash, BANDS))
    shared_keys = set(lsh_keys(a.minhash, BANDS)) & set(lsh_keys(b.minhash, BANDS))
    assert len(shared_keys) == len(shared_bands) > 0
    # the band number is part of the key: equal rows in two different bands are not a match
    assert len(set(lsh_keys([7] * 128, BANDS))) == BANDS


def test_an_entry_keeps_the_text_for_verification() -> None:
    c = candidate("a.txt", FLOOD)
    e = entry(c.id, c.source_path, c.exact, c.minhash, normalise_for_hash(c.text), BANDS)
    assert unpack_text(e.text) == normalise_for_hash(FLOOD)  # verified without normalising again
    assert len(e.text) < 0.6 * len(FLOOD.encode())  # zlib
    assert e.exact == bytes.fromhex(c.exact) and len(e.keys) == BANDS and not e.empty


def night_order(items: list[Candidate]) -> list[Candidate]:
    return sorted(items, key=lambda c: (c.source_path, c.id))


def entries(items: list[Candidate]) -> list[Entry]:
    return [
        entry(c.id, c.source_path, c.exact, c.minhash, normalise_for_hash(c.text), BANDS)
        for c in items
    ]


def test_an_earlier_night_keeps_and_tonight_is_compared_with_it() -> None:
    earlier = MemoryIndex()
    night1 = dict(
        decide(
            entries([candidate("z/flood.txt", FLOOD)]), "2026-01-01", None, earlier, THRESHOLD, 5
        )
    )
    assert night1 == {}
    # tonight's copies sort before last week's original by path, but earlier nights rank first
    copy, edited = candidate("a/copy.txt", FLOOD.upper()), candidate("a/edit.txt", FLOOD_EDITED)
    tonight = MemoryIndex()
    result = dict(decide(entries([copy, edited]), "2026-01-02", earlier, tonight, THRESHOLD, 5))
    kept = candidate("z/flood.txt", FLOOD).id
    assert result[copy.id] == Decision(kept, "exact", 1.0, kept, "2026-01-01")
    assert result[edited.id].duplicate_of == kept and result[edited.id].kind == "near"
    assert result[edited.id].keeper_night == "2026-01-01"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(range(len(POOL))), unique=True, min_size=1), st.data())
def test_any_split_into_two_nights_keeps_what_one_night_keeps(
    picked: list[int], data: st.DataObject
) -> None:
    items = night_order([POOL[i] for i in picked])
    cut = data.draw(st.integers(0, len(items)), label="cut")
    one = dict(decide(entries(items), "n", None, MemoryIndex(), THRESHOLD, 5))
    first = MemoryIndex()
    two = dict(decide(entries(items[:cut]), "n", None, first, THRESHOLD, 5))
    two.update(decide(entries(items[cut:]), "n", first, MemoryIndex(), THRESHOLD, 5))
    assert one == two
