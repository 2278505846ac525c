"""Language step: seeded langdetect on a bounded sample, null with a reason, optional filter."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from typing import Any

import pytest
from langdetect import detector_factory
from langdetect.detector_factory import DetectorFactory

from pipeline.record import Document, Drop, Line
from pipeline.steps import Context
from pipeline.steps import language as step

CTX = Context(run_date=dt.date(2025, 8, 15))

ENGLISH = (
    "The city council voted on Tuesday to approve a new budget for public transport, "
    "ending months of debate. The plan adds night buses on six routes and freezes fares "
    "until the end of next year, officials said."
)
RUSSIAN = (
    "Городской совет во вторник утвердил новый бюджет общественного транспорта, завершив "
    "многомесячные споры. План предусматривает ночные автобусы на шести маршрутах и "
    "замораживание тарифов до конца следующего года."
)
GERMAN = (
    "Die Stadtverwaltung hat am Dienstag beschlossen, den Haushalt für den öffentlichen "
    "Nahverkehr deutlich zu erhöhen. Nachtbusse sollen auf sechs Linien fahren."
)
CHINESE = (
    "在新闻发布会上，发言人表示：我们将继续推进改革开放，坚持高质量发展的道路，并扩大公共交通。"
)


def make_doc(text: str, removed: tuple[Line, ...] = ()) -> Document:
    body = tuple(Line(t, "body", "", i + len(removed)) for i, t in enumerate(text.split("\n")))
    return Document(
        source_path="raw/a.txt",
        source_sha256="0" * 64,
        source_bytes=len(text.encode()),
        text=text,
        lines=removed + body,
    )


def detect(text: str, **cfg: Any) -> tuple[Document | Drop, dict[str, Any]]:
    return step.run(make_doc(text), step.Config(**cfg), CTX)


def test_english_seed_text_is_en_with_confidence() -> None:
    chrome = (Line("AUGUST 2025 يوم متبقي", "chrome", "countdown-widget", 0),)
    doc, prov = step.run(make_doc(ENGLISH, chrome), step.Config(), CTX)
    assert isinstance(doc, Document)
    assert doc.language == "en"
    assert prov["language_confidence"] >= 0.9
    detail = prov["language_detail"]
    assert detail["alternatives"][0]["lang"] == "en"
    assert len(detail["alternatives"]) <= 3
    assert detail["sample_chars"] == len(ENGLISH)
    assert "reason" not in detail


def test_russian_paragraph_is_ru() -> None:
    doc, prov = detect(RUSSIAN)
    assert isinstance(doc, Document)
    assert doc.language == "ru"
    assert prov["language_confidence"] >= 0.9


def test_chinese_variants_map_to_iso_639_1() -> None:
    doc, prov = detect(CHINESE)
    assert isinstance(doc, Document)
    assert doc.language == "zh"  # langdetect says zh-cn / zh-tw; their probabilities are summed
    assert all("-" not in alt["lang"] for alt in prov["language_detail"]["alternatives"])


def test_same_answer_twenty_times() -> None:
    first = detect(ENGLISH + " " + GERMAN)
    for _ in range(20):
        assert detect(ENGLISH + " " + GERMAN) == first


def test_same_answer_with_new_factories_and_foreign_seeds(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Short mixed note: der Bus fährt nicht, the bus is late again today."
    before = detect(text, min_chars=10, min_confidence=0.0)
    # Profiles loaded again, a different class seed, langdetect's own shared factory seeded:
    # the step builds its own factories and seeds each detector right before it runs.
    step._profiles.cache_clear()
    step._factory.cache_clear()
    monkeypatch.setattr(DetectorFactory, "seed", 12345)
    detector_factory.init_factory()
    monkeypatch.setattr(detector_factory._factory, "seed", 999)
    assert detect(text, min_chars=10, min_confidence=0.0) == before


def test_profiles_are_loaded_in_sorted_order() -> None:
    # langdetect lists its profile folder in file-system order, which differs between machines
    assert list(step._profiles()) == sorted(step._profiles())
    factory = step._factory("Cyrl")
    assert factory is not None and factory.get_lang_list() == ["bg", "mk", "ru", "uk"]


# Texts in several languages and scripts, a mixed one and a widget line: scripts + language.
PROCESS_TEXTS = [
    ENGLISH,
    RUSSIAN,
    GERMAN,
    CHINESE,
    "Short mixed note: der Bus fährt nicht, the bus is late again today.",
    "시의회는 화요일 밤 노면전차 노선을 동쪽 교외 지역까지 연장하는 안을 통과시켰다.",
    ENGLISH + "\n分享到：微信 微博\nThe spokesman said 我们将继续推进改革开放 and left.",
]
PROCESS_CODE = """
import datetime as dt, json, sys
from pipeline.record import Document
from pipeline.steps import Context, language, scripts
ctx = Context(dt.date(2025, 1, 1))
out = []
for text in json.loads(sys.stdin.read()):
    doc = Document("a", "0", 1, text=text)
    doc, sprov = scripts.run(doc, scripts.Config(), ctx)
    doc, lprov = language.run(doc, language.Config(min_chars=10, min_confidence=0.0), ctx)
    out.append([doc.language, doc.text, sprov, lprov])
print(json.dumps(out, sort_keys=True))
"""


def test_same_answers_in_other_processes() -> None:
    """scripts + language in three processes with different hash seeds: identical output."""
    answers = set()
    for hash_seed in ("1", "2", "random"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [sys.executable, "-c", PROCESS_CODE],
            input=json.dumps(PROCESS_TEXTS),
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        answers.add(result.stdout)
    assert len(answers) == 1
    rows = json.loads(answers.pop())
    assert [row[0] for row in rows] == ["en", "ru", "de", "zh", "en", "ko", "en"]
    assert "分享" not in rows[-1][1]  # the share bar left the text, in every process


def test_short_text_is_none_with_reason() -> None:
    doc, prov = detect("Read more ›")
    assert isinstance(doc, Document)
    assert doc.language is None
    assert prov["language_confidence"] is None
    assert prov["language_detail"]["reason"] == "too-few-letters"
    assert prov["language_detail"]["letters"] == 8
    assert prov["language_detail"]["alternatives"] == []


def test_empty_text_is_none_with_reason() -> None:
    doc, prov = detect("")
    assert isinstance(doc, Document)
    assert doc.language is None
    assert prov["language_detail"] == {
        "alternatives": [],
        "sample_chars": 0,
        "letters": 0,
        "sample": "start",
        "writing_system": None,
        "reason": "too-few-letters",
    }


def test_text_without_features_is_none_not_an_error() -> None:
    # Latin letters that no langdetect profile has: langdetect raises, the step says why
    doc, prov = detect("ꝏꝏꝏ ꝏꝏ " * 8)
    assert isinstance(doc, Document)
    assert doc.language is None
    assert prov["language_confidence"] is None
    assert prov["language_detail"]["reason"] == "no-features"


def test_a_script_no_profile_is_written_in_is_none_not_a_guess() -> None:
    # Ethiopic (Amharic): langdetect has no language written in it
    doc, prov = detect("ሰላም ዓለም " * 10)
    assert isinstance(doc, Document)
    assert doc.language is None
    assert prov["language_detail"]["reason"] == "unsupported-script"
    assert prov["language_detail"]["writing_system"] == "Ethi"


def test_low_confidence_is_none_but_keeps_the_alternatives() -> None:
    doc, prov = detect(ENGLISH, min_confidence=1.0)
    assert isinstance(doc, Document)
    assert doc.language is None
    assert prov["language_confidence"] is None
    assert prov["language_detail"]["reason"] == "low-confidence"
    assert prov["language_detail"]["alternatives"][0]["lang"] == "en"


def test_only_the_writing_system_s_languages_are_candidates() -> None:
    # a short Cyrillic line: only Bulgarian, Macedonian, Russian, Ukrainian can answer
    _, prov = detect("однако водоканал предупреждает", min_chars=10, min_confidence=0.0)
    alternatives = {a["lang"] for a in prov["language_detail"]["alternatives"]}
    assert alternatives <= {"bg", "mk", "ru", "uk"}
    assert prov["language_detail"]["writing_system"] == "Cyrl"
    # Han without kana or Hangul is Chinese or Japanese, never Korean
    doc, prov = detect("市议会周二晚间投票通过了延长线路的方案")
    assert isinstance(doc, Document) and doc.language == "zh"
    assert {a["lang"] for a in prov["language_detail"]["alternatives"]} <= {"zh", "ja"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市议会周二晚间投票通过了延长线路的方案", "zh"),  # 19 Han characters
        ("시의회는 화요일 밤 노면전차 노선을 연장했다", "ko"),  # 19 Hangul syllables
        ("週末には西から強い雨雲が近づく見込み", "ja"),  # 18 kanji and kana
        ("東京都知事選挙", None),  # 7: too few
    ],
)
def test_chinese_japanese_korean_lines_need_min_chars_cjk(text: str, expected: str | None) -> None:
    doc, prov = detect(text)
    assert isinstance(doc, Document)
    assert doc.language == expected
    if expected is None:
        assert prov["language_detail"]["reason"] == "too-few-letters"


ROSTER = "\n".join(
    ["Nesta página você terá sempre a classificação atualizada da corrida!"]
    + [
        f"{i} Kyle Busch Martin Truex Kevin Harvick Denny Hamlin Joey Logano {5000 - i} {i % 7}"
        for i in range(40)
    ]
    + ["* Clique no link para ver o calendário completo das corridas."]
)


def test_the_sample_is_running_text_not_a_table_of_names() -> None:
    doc, prov = detect(ROSTER)
    assert isinstance(doc, Document)
    assert doc.language == "pt"
    detail = prov["language_detail"]
    assert detail["sample"] == "running-text"
    assert detail["sample_chars"] < 200  # the two sentences, not the roster
    # the first 2,000 characters are mostly English names
    doc, prov = detect(ROSTER, sample_running_text=False)
    assert isinstance(doc, Document)
    assert doc.language != "pt"
    assert prov["language_detail"]["sample"] == "start"


def test_too_little_running_text_falls_back_to_the_start() -> None:
    text = "\n".join(f"Kyle Busch Martin Truex Kevin Harvick {i}" for i in range(10))
    _, prov = detect(text)
    assert prov["language_detail"]["sample"] == "start"
    assert prov["language_detail"]["sample_chars"] == len(text)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("1 Kyle Busch 5040 5 1 17", False),
        ("Colombia Calls On Venezuela Military To Support Opposition", False),
        ("Die Stadtverwaltung hat am Dienstag den Haushalt beschlossen.", True),
        ("iPhone sales rose in the third quarter", True),
        ("市议会周二晚间投票", True),
        ("2025 — 12:30", False),
    ],
)
def test_running_text_lines(line: str, expected: bool) -> None:
    assert step.is_running_text(line, 0.3) is expected


def test_only_the_first_sample_chars_are_read() -> None:
    text = ENGLISH * 12 + "\n" + RUSSIAN * 40  # English first, then much more Russian
    doc, prov = detect(text)
    assert isinstance(doc, Document)
    assert doc.language == "en"
    assert prov["language_detail"]["sample_chars"] == 2000
    doc, prov = detect(text, sample_chars=100_000)
    assert isinstance(doc, Document)
    assert doc.language == "ru"


def test_language_filter_drops_other_languages_with_a_sentence() -> None:
    out, prov = detect(GERMAN, keep_languages=("en", "fr"))
    assert isinstance(out, Drop)
    assert out.reason == "language-filtered"
    assert "'de'" in out.error and "en, fr" in out.error
    assert prov["language_detail"]["alternatives"][0]["lang"] == "de"  # still recorded


def test_language_filter_keeps_listed_languages() -> None:
    doc, _ = detect(ENGLISH, keep_languages=("en",))
    assert isinstance(doc, Document)
    assert doc.language == "en"


def test_language_filter_is_off_by_default() -> None:
    doc, _ = detect(GERMAN)
    assert isinstance(doc, Document)
    assert doc.language == "de"


def test_language_filter_and_undetermined_language() -> None:
    doc, _ = detect("Read more", keep_languages=("en",))
    assert isinstance(doc, Document)  # kept by default: no evidence it is another language
    out, _ = detect("Read more", keep_languages=("en",), keep_undetermined=False)
    assert isinstance(out, Drop)
    assert out.reason == "language-filtered"
    assert "too-few-letters" in out.error


def test_input_document_is_not_mutated() -> None:
    doc = make_doc(ENGLISH)
    out, _ = step.run(doc, step.Config(), CTX)
    assert doc.language is None
    assert isinstance(out, Document) and out.language == "en"
    assert out.text == doc.text and out.lines == doc.lines


@pytest.mark.parametrize(
    "kwargs",
    [
        {"keep_languages": ("EN",)},
        {"keep_languages": ("zh-cn",)},
        {"min_chars": 50, "sample_chars": 10},
        {"min_chars_cjk": 50, "sample_chars": 10, "min_chars": 5},
    ],
)
def test_config_rejects_bad_values(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        step.Config(**kwargs)


def test_config_loads_through_the_pipeline_validator() -> None:
    config = pytest.importorskip("pipeline.config")
    cfg = config._build(
        step.Config, {"keep_languages": ["en", "de"], "min_chars": 20}, "language", "t"
    )
    assert cfg == step.Config(keep_languages=("en", "de"), min_chars=20)
    with pytest.raises(config.ConfigError, match="min_confidence"):
        config._build(step.Config, {"min_confidence": 1.5}, "language", "t")
    with pytest.raises(config.ConfigError, match="ISO 639-1"):
        config._build(step.Config, {"keep_languages": ["English"]}, "language", "t")
