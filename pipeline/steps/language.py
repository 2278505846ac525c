"""Language step: langdetect, seeded, on a bounded sample of the body's running text.

Input: doc.text (the final body). Output: doc.language (ISO 639-1 code, or None when the sample
is too short or the detector is not confident enough) and the provenance entry

    {"language_confidence": 0.9999 | None,
     "language_detail": {"alternatives": [{"lang": "en", "prob": 0.9999}, ...],  # top 3
                         "sample_chars": 2000, "letters": 1650,  # and combining marks
                         "sample": "running-text" | "start",
                         "writing_system": "Latn" | "Cyrl" | "Jpan" | "Kore" | "Hani" | ...,
                         "reason": "too-few-letters" | "no-features" | "low-confidence"
                                   | "unsupported-script"}}

("reason" only when the language is None). With `keep_languages` set, a document detected in
another language becomes Drop(reason="language-filtered").

The sample: the lines of running text of the body, in order, up to sample_chars characters. A
line is running text unless most of its cased words are capitalised (under
running_text_min_lowercase of them begin in lower case: a table of names and numbers, a roster,
a title-case heading); lines without letters are skipped. When those lines hold too few letters,
the sample is the first sample_chars characters of the body instead ("sample": "start").

The detector only considers the languages written in the sample's writing system (its main
script, Han with kana and Han with Hangul counting as one: see unicode_scripts.main_and_native):
a Cyrillic sample is Bulgarian, Macedonian, Russian or Ukrainian, a Han-only sample Chinese or
Japanese, a sample with enough kana Japanese, one with enough Hangul Korean. A script none of
langdetect's languages is written in (Ethiopic, Georgian, Armenian ...) gives None
("unsupported-script") instead of a guess. The letters needed are min_chars, or min_chars_cjk
Han, kana and Hangul characters for a Chinese, Japanese or Korean sample (each carries about a
word's worth of evidence).

Determinism: langdetect samples n-grams at random. The step builds its own detector factories
from langdetect's profiles, loaded in sorted file order (langdetect itself lists the folder in
file-system order), and seeds every detector right before it runs, so a text gets the same
answer in every process, on every run and on every machine. The profiles are loaded once per
process, on the first detection.
"""

from __future__ import annotations

import dataclasses
import json
import operator
import os
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, repeat

import regex
from langdetect import detector_factory
from langdetect.detector import Detector
from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import ErrorCode, LangDetectException
from langdetect.utils.lang_profile import LangProfile
from langdetect.utils.ngram import NGram

from pipeline.record import Document, Drop
from pipeline.steps import Context, Provenance, StepOutput
from pipeline.unicode_scripts import CJK, main_and_native, script_counts

NAME = "language"
VERSION = "2"

# Seed of langdetect's random n-gram sampling unless a config says otherwise.
DEFAULT_SEED = 0

_ISO_639_1 = re.compile(r"[a-z]{2}")

# langdetect's languages by the writing system they are written in. A profile language missing
# here (a newer langdetect) is considered for every writing system.
_LATIN = (
    "af ca cs cy da de en es et fi fr hr hu id it lt lv nl no pl pt ro sk sl so sq sv sw tl tr vi"
)
LANGUAGES_BY_SYSTEM: dict[str, tuple[str, ...]] = {
    "Latn": tuple(_LATIN.split()),
    "Cyrl": ("bg", "mk", "ru", "uk"),
    "Arab": ("ar", "fa", "ur"),
    "Hebr": ("he",),
    "Grek": ("el",),
    "Deva": ("hi", "mr", "ne"),
    "Beng": ("bn",),
    "Gujr": ("gu",),
    "Guru": ("pa",),
    "Knda": ("kn",),
    "Mlym": ("ml",),
    "Taml": ("ta",),
    "Telu": ("te",),
    "Thai": ("th",),
    "Hani": ("ja", "zh-cn", "zh-tw"),  # Han without kana or Hangul: Chinese, or kanji-only Japanese
    "Jpan": ("ja",),
    "Kore": ("ko",),
}

_WORD_START = regex.compile(r"(?<![\p{L}\p{M}'’])(?:(\p{Ll})|[\p{Lu}\p{Lt}])")
_LETTER = regex.compile(r"\p{L}")
_MARK = regex.compile(r"\p{M}")


@dataclass(frozen=True)
class Config:
    # characters of running text given to the detector (a bounded sample)
    sample_chars: int = field(default=2000, metadata={"min": 1, "max": 100_000})
    # fewer letters (and combining marks) than this in the sample: None ("too-few-letters")
    min_chars: int = field(default=30, metadata={"min": 1, "max": 100_000})
    # ... for a Chinese, Japanese or Korean sample: this many Han, kana and Hangul characters
    min_chars_cjk: int = field(default=10, metadata={"min": 1, "max": 100_000})
    # top probability below this: language None (reason "low-confidence"); langdetect averages
    # seven random trials, so 0.9 asks that (nearly) all of them agree
    min_confidence: float = field(default=0.90, metadata={"min": 0.0, "max": 1.0})
    # seed of langdetect's random sampling (changing it may change borderline answers)
    seed: int = field(default=DEFAULT_SEED, metadata={"min": 0})
    # sample lines of running text only (skip tables, name lists, title-case headings)
    sample_running_text: bool = True
    # ... a line is running text when at least this share of its cased words begin lower-case
    running_text_min_lowercase: float = field(default=0.3, metadata={"min": 0.0, "max": 1.0})
    # ISO 639-1 codes of the languages to keep; empty keeps every language (no filtering)
    keep_languages: tuple[str, ...] = ()
    # with keep_languages set: keep documents whose language could not be determined
    keep_undetermined: bool = True

    def __post_init__(self) -> None:
        for name in ("min_chars", "min_chars_cjk"):
            if getattr(self, name) > self.sample_chars:
                raise ValueError(
                    f"{name} ({getattr(self, name)}) must not exceed sample_chars "
                    f"({self.sample_chars})"
                )
        for code in self.keep_languages:
            if not _ISO_639_1.fullmatch(code):
                raise ValueError(
                    f"keep_languages: {code!r} is not a lowercase ISO 639-1 code such as 'en' "
                    "or 'zh'"
                )


def iso_639_1(code: str) -> str:
    """langdetect's code as ISO 639-1: the Chinese variants "zh-cn" and "zh-tw" become "zh".

    >>> iso_639_1("zh-tw"), iso_639_1("en")
    ('zh', 'en')
    """
    return code.split("-", 1)[0]


def writing_system(native: frozenset[str]) -> str | None:
    """The key of LANGUAGES_BY_SYSTEM for a text's native scripts (see main_and_native).

    >>> writing_system(frozenset({"Hani", "Hira", "Kana"})), writing_system(frozenset({"Cyrl"}))
    ('Jpan', 'Cyrl')
    """
    if not native:
        return None
    if "Hang" in native:
        return "Kore"
    if native & {"Hira", "Kana"}:
        return "Jpan"
    if "Hani" in native:
        return "Hani"
    return min(native)


@cache
def _profiles() -> dict[str, LangProfile]:
    """langdetect's language profiles, read once, by name."""
    folder = detector_factory.PROFILES_DIRECTORY
    profiles = {}
    for filename in sorted(os.listdir(folder)):
        path = os.path.join(folder, filename)
        if filename.startswith(".") or not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as handle:
            profile = LangProfile(**json.load(handle))
        profiles[profile.name] = profile
    return profiles


@cache
def _factory(system: str | None) -> DetectorFactory | None:
    """A detector factory for the languages of one writing system (None: every language).

    None when no profile language is written in that system.
    """
    profiles = _profiles()
    listed = {lang for langs in LANGUAGES_BY_SYSTEM.values() for lang in langs}
    if system is None:
        names = sorted(profiles)
    else:
        wanted = set(LANGUAGES_BY_SYSTEM.get(system, ()))
        if not wanted & set(profiles):
            return None
        names = sorted(n for n in profiles if n in wanted or n not in listed)
    factory = DetectorFactory()
    for index, name in enumerate(names):
        factory.add_profile(profiles[name], index, len(names))
    # the probability vectors as tuples (the same floats, only read from now on): tuples of
    # floats are left out of the garbage collector's walks, tens of thousands of lists are not
    table = factory.word_lang_prob_map
    for gram, vector in table.items():
        table[gram] = tuple(vector)
    return factory


_SPACES = re.compile(" {2,}")
_ASCII_LATIN = re.compile("[A-z]")  # langdetect's 'A' <= ch <= 'z', brackets and all
# langdetect means to leave out Latin Extended Additional but compares a block constant with
# a name that never matches it: every character from U+0300 on counts
_NON_LATIN = re.compile("[\u0300-\U0010ffff]")
_NORMALISED: dict[str, str] = {}  # NGram.normalize is a pure function of the character
_TRANSLATE: dict[int, str] = {}  # the same as a str.translate table


def _word_ngrams(padded: str, known: Mapping[str, Sequence[float]]) -> list[str]:
    """The n-grams langdetect takes from one word (" " + word, + " " when a space follows),
    those of its profiles only."""
    rest = padded[2:].rstrip(" ")
    if rest.islower() or not any(map(str.isupper, rest)):
        # no two upper-case letters in a row (the first one follows a space): every position
        # emits
        bigrams = list(map(operator.add, padded, padded[1:]))
        trigrams = map(operator.add, bigrams, padded[2:])
        grams = chain(
            (padded[1], bigrams[0]),
            chain.from_iterable(zip(padded[2:], bigrams[1:], trigrams, strict=True)),
        )
        return [g for g in grams if g in known]
    result: list[str] = []
    for j in range(1, len(padded)):
        ch = padded[j]
        if ch.isupper() and padded[j - 1].isupper():
            continue
        if ch in known:
            result.append(ch)
        gram = padded[j - 1 : j + 1]
        if gram in known:
            result.append(gram)
        if j >= 2:
            gram = padded[j - 2 : j + 1]
            if gram in known:
                result.append(gram)
    return result


# Remembered language vectors of words, per language set (its n-gram table): {id: (table,
# {padded word: vectors})}; emptied past the limit, which keeps it to a few megabytes.
_WORD_VECTORS: dict[
    int, tuple[Mapping[str, Sequence[float]], dict[str, tuple[Sequence[float], ...]]]
] = {}
_WORD_VECTORS_LIMIT = 10_000


class _Detector(Detector):
    """langdetect's Detector with the same arithmetic and the same random draws in the same
    order (so the same probabilities to the last bit, tested), in tighter Python: the n-gram
    scan reads each character's normalised form from a table and the probability updates are
    maps over the language vectors. About twice as fast on a 2,000-character sample."""

    text: str

    def append(self, text: str) -> None:
        text = self.URL_RE.sub(" ", text)
        text = self.MAIL_RE.sub(" ", text)
        text = NGram.normalize_vi(text)
        # langdetect appends the first max_text_length characters, a space after a space skipped
        self.text += _SPACES.sub(" ", text[: self.max_text_length])

    def cleaning_text(self) -> None:
        latin = len(_ASCII_LATIN.findall(self.text))
        if latin * 2 < len(_NON_LATIN.findall(self.text)):
            self.text = _ASCII_LATIN.sub("", self.text)

    def _padded_words(self) -> Iterator[str]:
        # langdetect's scan, character by character, keeps the last three normalised
        # characters since a space and emits their 1-, 2- and 3-grams unless the character and
        # the one before it are both upper case. The same n-grams in the same order, word by
        # word: each word W is read as " " + W, plus " " when a space follows it.
        text = self.text
        missing = set(text).difference(_NORMALISED)
        for ch in missing:
            _NORMALISED[ch] = NGram.normalize(ch)
        table = _TRANSLATE
        for ch in missing:
            table[ord(ch)] = _NORMALISED[ch]
        words = text.translate(table).split(" ")
        last = len(words) - 1
        for number, word in enumerate(words):
            if word:
                yield " " + word + " " if number < last else " " + word

    def _extract_ngrams(self) -> list[str]:
        known = self.word_lang_prob_map
        result: list[str] = []
        for padded in self._padded_words():
            result += _word_ngrams(padded, known)
        return result

    def _ngram_vectors(self) -> list[Sequence[float]]:
        """The language vectors of _extract_ngrams(), in its order. A word's vectors are
        remembered (per language set): words recur within a text and across texts."""
        known = self.word_lang_prob_map
        entry = _WORD_VECTORS.get(id(known))
        if entry is None or entry[0] is not known:  # keeps `known` alive: its id stays unique
            entry = _WORD_VECTORS[id(known)] = (known, {})
        remembered = entry[1]
        if len(remembered) > _WORD_VECTORS_LIMIT:
            remembered.clear()
        result: list[Sequence[float]] = []
        for padded in self._padded_words():
            vectors = remembered.get(padded)
            if vectors is None:
                vectors = tuple([known[gram] for gram in _word_ngrams(padded, known)])
                remembered[padded] = vectors
            result += vectors
        return result

    def _detect_block(self) -> None:
        self.cleaning_text()
        vectors = self._ngram_vectors()  # choice() draws an index: the same draws
        if not vectors:
            raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
        langprob = [0.0] * len(self.langlist)
        rng = self.random
        rng.seed(self.seed)
        choice = rng.choice
        limit, threshold = self.ITERATION_LIMIT, self.CONV_THRESHOLD
        mul, add, div = operator.mul, operator.add, operator.truediv
        for _ in range(self.n_trial):
            prob = self._init_probability()
            alpha = self.alpha + rng.gauss(0.0, 1.0) * self.ALPHA_WIDTH
            weight = alpha / self.BASE_FREQ
            # prob[k] *= weight + vector[k], as langdetect computes it, for a drawn vector;
            # langdetect normalises after iteration 0, 5, 10 ... and only then may stop: the
            # five iterations in between are one pass, the same products in the same order
            prob = list(map(mul, prob, map(add, repeat(weight), choice(vectors))))
            i = 0
            while True:
                total = sum(prob)
                prob = list(map(div, prob, repeat(total)))
                if max(0.0, *prob) > threshold or i >= limit:
                    break
                v1, v2, v3, v4, v5 = [choice(vectors) for _ in range(5)]
                prob = [
                    p * (weight + a) * (weight + b) * (weight + c) * (weight + d) * (weight + e)
                    for p, a, b, c, d, e in zip(prob, v1, v2, v3, v4, v5, strict=True)
                ]
                i += 5
            langprob = [acc + p / self.n_trial for acc, p in zip(langprob, prob, strict=True)]
        self.langprob = langprob


def detect_probabilities(
    text: str, seed: int = DEFAULT_SEED, system: str | None = None
) -> list[tuple[str, float]]:
    """Seeded langdetect probabilities of `text` as (ISO 639-1 code, probability), best first.

    Only languages of the writing system `system` are considered (a key of
    LANGUAGES_BY_SYSTEM; by default the text's own, from its letters). Variants that map to one
    code (zh-cn, zh-tw) are summed. Only languages langdetect reports (probability > 0.1)
    appear. Raises LangDetectException when the text has no features, or when no language is
    written in its writing system.
    """
    if system is None:
        system = writing_system(main_and_native(script_counts(text))[1])
    factory = _factory(system)
    if factory is None:
        raise LangDetectException(
            ErrorCode.CantDetectError, f"no language profile for the writing system {system}"
        )
    detector = _Detector(factory)
    # A Detector copies the factory's seed when it is created; set its own right before use.
    detector.seed = seed
    detector.append(text)
    merged: dict[str, float] = {}
    for item in detector.get_probabilities():
        code = iso_639_1(item.lang)
        merged[code] = merged.get(code, 0.0) + item.prob
    return sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))


def is_running_text(line: str, min_lowercase: float) -> bool:
    """Whether a line reads as running text: enough of its cased words begin in lower case.

    A line of uncased letters (Han, Arabic, Devanagari ...) is running text; a line without
    letters is not.

    >>> is_running_text("1 Kyle Busch 5040 5 1 17", 0.3), is_running_text("Der Bus fährt.", 0.3)
    (False, True)
    """
    # a word start per item: its small letter, or "" for a capital
    starts = _WORD_START.findall(line)
    cased = len(starts)
    lower = cased - starts.count("")
    if cased:
        return lower >= min_lowercase * cased
    return _LETTER.search(line) is not None


def running_text_sample(text: str, limit: int, min_lowercase: float) -> str:
    """The running-text lines of the text's first 8 * limit characters, up to limit characters."""
    kept: list[str] = []
    size = 0
    for line in text[: 8 * limit].split("\n"):
        if size >= limit:
            break
        if is_running_text(line, min_lowercase):
            kept.append(line)
            size += len(line) + 1
    return "\n".join(kept)[:limit]


def letters_and_marks(sample: str, counts: Counter[str]) -> int:
    """Letters (counts: per script) plus combining marks, such as the vowel signs of Devanagari,
    Bengali, Tamil or Thai, which carry as much of the word as letters do."""
    return sum(counts.values()) + len(_MARK.findall(sample))


def _enough(sample: str, counts: Counter[str], system: str | None, cfg: Config) -> bool:
    if system in ("Jpan", "Kore", "Hani"):
        return sum(n for code, n in counts.items() if code in CJK) >= cfg.min_chars_cjk
    return letters_and_marks(sample, counts) >= cfg.min_chars


def choose_sample(text: str, cfg: Config) -> tuple[str, str, Counter[str]]:
    """The sample, how it was taken ("running-text" or "start") and its letters per script."""
    if cfg.sample_running_text:
        sample = running_text_sample(text, cfg.sample_chars, cfg.running_text_min_lowercase)
        counts = script_counts(sample)
        if _enough(sample, counts, writing_system(main_and_native(counts)[1]), cfg):
            return sample, "running-text", counts
    sample = text[: cfg.sample_chars]
    return sample, "start", script_counts(sample)


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    sample, how, counts = choose_sample(doc.text, cfg)
    system = writing_system(main_and_native(counts)[1])
    letters = letters_and_marks(sample, counts)
    detail: Provenance = {
        "alternatives": [],
        "sample_chars": len(sample),
        "letters": letters,
        "sample": how,
        "writing_system": system,
    }
    language: str | None = None
    confidence: float | None = None

    if not _enough(sample, counts, system, cfg):
        detail["reason"] = "too-few-letters"
    elif _factory(system) is None:
        detail["reason"] = "unsupported-script"
    else:
        try:
            probabilities = detect_probabilities(sample, cfg.seed, system)
        except LangDetectException:
            probabilities = []
            detail["reason"] = "no-features"
        detail["alternatives"] = [
            {"lang": code, "prob": round(prob, 4)} for code, prob in probabilities[:3]
        ]
        if probabilities:
            top_code, top_prob = probabilities[0]
            if top_prob >= cfg.min_confidence:
                language, confidence = top_code, round(top_prob, 4)
            else:
                detail["reason"] = "low-confidence"
        elif "reason" not in detail:  # no language above langdetect's own 0.1 floor
            detail["reason"] = "low-confidence"

    provenance: Provenance = {"language_confidence": confidence, "language_detail": detail}

    if cfg.keep_languages:
        if language is None and not cfg.keep_undetermined:
            return (
                Drop(
                    reason="language-filtered",
                    error=(
                        f"the language could not be determined ({detail['reason']}) and "
                        f"keep_undetermined is off; keep_languages is "
                        f"{', '.join(cfg.keep_languages)}"
                    ),
                ),
                provenance,
            )
        if language is not None and language not in cfg.keep_languages:
            return (
                Drop(
                    reason="language-filtered",
                    error=(
                        f"the document is in language '{language}' (confidence {confidence}), "
                        f"which is not one of keep_languages: {', '.join(cfg.keep_languages)}"
                    ),
                ),
                provenance,
            )

    return dataclasses.replace(doc, language=language), provenance
