"""The shortcuts taken for speed (bench/perf.py measures them) give exactly what the libraries
give: langdetect's probabilities to the last bit, ftfy's output and plan."""

from __future__ import annotations

import random
from pathlib import Path

import ftfy
import pytest
from langdetect.detector import Detector

from pipeline.steps import language, repair

ROOT = Path(__file__).resolve().parent.parent
PARAGRAPHS = sorted((ROOT / "bench" / "data" / "language" / "paragraphs").glob("*.txt"))


def _samples() -> list[str]:
    texts = []
    for path in PARAGRAPHS:
        text = path.read_text(encoding="utf-8")
        texts += [text[:2000], text[2000:2400]]
    rng = random.Random(7)
    # mixed scripts, capitals, Vietnamese, ligatures, full-width letters, punctuation
    alphabet = "aAbBzZ ÉéÀàßẞĲĳŉÇΣσςДдＡａ中文かカ한ᾈﬁ  .,'’-\u0219\u021b\u1ea0\u1ec7\u06cc"
    for _ in range(300):
        texts.append("".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 80))))
    texts += ["", " ", "NASA and the ESA", "ÉTÉ été", "https://example.com x@y.org text"]
    return texts


def _outcome(detector: Detector, text: str) -> object:
    detector.seed = 0
    detector.append(text)
    try:
        return [(item.lang, item.prob) for item in detector.get_probabilities()], detector.langprob
    except Exception as exc:  # no features: both must say so
        return type(exc).__name__


@pytest.mark.parametrize("system", [None, "Latn", "Cyrl", "Jpan"])
def test_the_detector_gives_langdetects_probabilities_exactly(system: str | None) -> None:
    factory = language._factory(system)
    assert factory is not None
    for text in _samples():
        assert _outcome(language._Detector(factory), text) == _outcome(Detector(factory), text)


def test_the_detector_extracts_langdetects_ngrams_in_order() -> None:
    factory = language._factory(None)
    for text in _samples():
        ours, theirs = language._Detector(factory), Detector(factory)
        ours.append(text)
        theirs.append(text)
        ours.cleaning_text()
        theirs.cleaning_text()
        assert ours.text == theirs.text
        grams = theirs._extract_ngrams()
        assert ours._extract_ngrams() == grams
        # the remembered vectors of words, cold and warm, are those of the same n-grams
        for _ in range(2):
            assert ours._ngram_vectors() == [factory.word_lang_prob_map[g] for g in grams]


FIXER = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_latin_ligatures=True,
    fix_character_width=False,
    normalization=None,
    explain=True,
)


def _lines() -> list[str]:
    lines = []
    for path in PARAGRAPHS:
        lines += path.read_text(encoding="utf-8").split("\n")
    base = "The mayor’s office said — on Tuesday — that “the budget” is €4.5m…"
    rng = random.Random(3)
    tricky = "\x85\x92\u2028\r\x1b\ufffd\u00ad\u200b\ufb01Ã©â€™\xa0Â\ud800ĳ"
    for _ in range(300):
        chars = list(base)
        for _ in range(rng.randrange(1, 4)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(tricky))
        lines.append("".join(chars))
    lines += ["CafÃ© au lait", "â€œquotedâ€\x9d", "Ã\xa0 la carte", "naïve — déjà vu", "—©"]
    return lines


def test_a_line_ftfy_is_not_asked_about_is_one_it_leaves_alone() -> None:
    skipped = 0
    for line in _lines():
        if repair._ftfy_leaves_alone(line, FIXER, None):
            skipped += 1
            result = ftfy.fix_and_explain(line, FIXER)
            assert (result.text, result.explanation) == (line, [])
    assert skipped > 100  # the shortcut is taken on ordinary text


def test_ftfy_is_asked_about_mojibake() -> None:
    for line in ("CafÃ© au lait", "â€œquotedâ€\x9d", "the ﬁrst", "tab\x1b[0m"):
        assert not repair._ftfy_leaves_alone(line, FIXER, None)


def test_broken_signs_with_remembered_tests_are_the_same() -> None:
    text = "\n".join(_lines())
    memo: dict[str, bool] = {}
    assert repair.broken_signs(text, memo) == repair.broken_signs(text)
    assert repair.broken_signs(text, memo) == repair.broken_signs(text)  # memo filled
