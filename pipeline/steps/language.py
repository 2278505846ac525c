"""Language step: langdetect, seeded, on a bounded sample of the body.

Input: doc.text (the final body). Output: doc.language (ISO 639-1 code, or None when the sample
is too short or the detector is not confident enough) and the provenance entry

    {"language_confidence": 0.9999 | None,
     "language_detail": {"alternatives": [{"lang": "en", "prob": 0.9999}, ...],  # top 3
                         "sample_chars": 2000, "letters": 1650,
                         "reason": "too-few-letters" | "no-features" | "low-confidence"}}

("reason" only when the language is None). With `keep_languages` set, a document detected in
another language becomes Drop(reason="language-filtered").

Determinism: langdetect samples n-grams at random. The seed is set on DetectorFactory (and on the
detector itself) right before every detection, so a text gets the same answer in every process
and run. The language profiles are loaded once per process by langdetect.detector_factory.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from langdetect import detector_factory
from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from pipeline.record import Document, Drop
from pipeline.steps import Context, Provenance, StepOutput

NAME = "language"
VERSION = "1"

# Seed of langdetect's random n-gram sampling unless a config says otherwise.
DEFAULT_SEED = 0

_ISO_639_1 = re.compile(r"[a-z]{2}")


@dataclass(frozen=True)
class Config:
    # characters at the start of the body that are given to the detector (a bounded sample)
    sample_chars: int = field(default=2000, metadata={"min": 1, "max": 100_000})
    # fewer letters than this in the sample: language None (reason "too-few-letters")
    min_chars: int = field(default=30, metadata={"min": 1, "max": 100_000})
    # top probability below this: language None (reason "low-confidence")
    min_confidence: float = field(default=0.70, metadata={"min": 0.0, "max": 1.0})
    # seed of langdetect's random sampling (changing it may change borderline answers)
    seed: int = field(default=DEFAULT_SEED, metadata={"min": 0})
    # ISO 639-1 codes of the languages to keep; empty keeps every language (no filtering)
    keep_languages: tuple[str, ...] = ()
    # with keep_languages set: keep documents whose language could not be determined
    keep_undetermined: bool = True

    def __post_init__(self) -> None:
        if self.min_chars > self.sample_chars:
            raise ValueError(
                f"min_chars ({self.min_chars}) must not exceed sample_chars ({self.sample_chars})"
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


def detect_probabilities(text: str, seed: int = DEFAULT_SEED) -> list[tuple[str, float]]:
    """Seeded langdetect probabilities of `text` as (ISO 639-1 code, probability), best first.

    Variants that map to one code (zh-cn, zh-tw) are summed. Only languages langdetect reports
    (probability > 0.1) appear. Raises LangDetectException when the text has no features.
    """
    detector_factory.init_factory()  # loads the profiles on the first call only
    DetectorFactory.seed = seed
    detector = detector_factory._factory.create()
    # A Detector copies the seed when it is created; set it on this one as well, in case someone
    # called set_seed() on the shared factory instance (which would shadow the class attribute).
    detector.seed = seed
    detector.append(text)
    merged: dict[str, float] = {}
    for item in detector.get_probabilities():
        code = iso_639_1(item.lang)
        merged[code] = merged.get(code, 0.0) + item.prob
    return sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))


def count_letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    sample = doc.text[: cfg.sample_chars]
    letters = count_letters(sample)
    detail: Provenance = {"alternatives": [], "sample_chars": len(sample), "letters": letters}
    language: str | None = None
    confidence: float | None = None

    if letters < cfg.min_chars:
        detail["reason"] = "too-few-letters"
    else:
        try:
            probabilities = detect_probabilities(sample, cfg.seed)
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
