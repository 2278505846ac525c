"""Scripts step: shares, foreign-script spans (kept or removed with their line), mixed words."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.record import Document, Line
from pipeline.steps import Context
from pipeline.steps import scripts as step
from pipeline.unicode_scripts import script_of

CTX = Context(run_date=dt.date(2025, 8, 15))

SEED_BODY = [
    "Markets rallied on Friday after the central bank kept interest rates unchanged.",
    "Analysts had expected a cut, but inflation stayed above the target in July.",
]
COUNTDOWN = Line("AUGUST 2025 يوم متبقي", "chrome", "countdown-widget", 0)


def make_doc(
    body: list[str], removed: tuple[Line, ...] = (), input_format: str = "text"
) -> Document:
    body_lines = tuple(Line(t, "body", "", len(removed) + i) for i, t in enumerate(body))
    text = "\n".join(body)
    return Document(
        source_path="raw/a.txt",
        source_sha256="0" * 64,
        source_bytes=len(text.encode()),
        input_format=input_format,
        text=text,
        lines=removed + body_lines,
    )


def run(doc: Document, **cfg: Any) -> tuple[Document, dict[str, Any]]:
    out, prov = step.run(doc, step.Config(**cfg), CTX)
    assert isinstance(out, Document)
    return out, prov


def test_arabic_countdown_in_removed_chrome_line() -> None:
    doc, prov = run(make_doc(SEED_BODY, (COUNTDOWN,)))
    assert doc.scripts == {"Latn": 1.0}  # the removed line is not part of the text
    assert prov["main_script"] == "Latn"
    [span] = prov["foreign_script_spans"]
    assert span == {
        "where": "removed",
        "line": 0,
        "label": "chrome",
        "rule": "countdown-widget",
        "start": 12,
        "end": 21,
        "script": "Arab",
        "scripts": ["Arab"],
        "letters": 8,
        "text": "يوم متبقي",  # the space between the two Arabic words stays inside
        "truncated": False,
        "language": None,  # 8 letters: too short to tell
        "action": "removed-with-line",
        "reason": "chrome/countdown-widget",
    }
    assert COUNTDOWN.text[span["start"] : span["end"]] == span["text"]


def test_russian_article_is_cyrillic_and_latin_brands_are_the_foreign_spans() -> None:
    body = [
        "Компания Apple в четверг представила новый iPhone. По словам аналитиков, спрос "
        "на смартфоны в России остаётся высоким, несмотря на санкции."
    ]
    doc, prov = run(make_doc(body))
    assert next(iter(doc.scripts)) == "Cyrl"
    assert doc.scripts["Cyrl"] > 0.85
    assert prov["main_script"] == "Cyrl"
    spans = prov["foreign_script_spans"]
    assert [(s["text"], s["script"], s["action"], s["reason"]) for s in spans] == [
        ("Apple", "Latn", "kept", "inside-main-text"),
        ("iPhone", "Latn", "kept", "inside-main-text"),
    ]
    for s in spans:
        assert doc.text[s["start"] : s["end"]] == s["text"]


def test_chinese_quotation_inside_english_sentence_is_kept_with_reason() -> None:
    quote = "我们将继续推进改革开放，坚持高质量发展的道路，并扩大公共交通"
    body = [f'The spokesman said "{quote}" and left the room without taking questions.']
    doc, prov = run(make_doc(body))
    assert doc.text == body[0]  # flagged, never changed
    assert prov["main_script"] == "Latn"
    [span] = prov["foreign_script_spans"]
    assert span["where"] == "text"
    assert span["script"] == "Hani"
    assert span["text"] == quote  # inner punctuation kept, the closing quote mark is not
    assert doc.text[span["start"] : span["end"]] == quote
    assert span["action"] == "kept"
    assert span["reason"] == "inside-main-text"
    assert span["language"] == "zh"
    assert "Hani" in doc.scripts


def test_mixed_script_word_is_flagged_not_changed() -> None:
    body = ["Customers were warned about fake Pаypal emails this week."]  # Cyrillic "а"
    doc, prov = run(make_doc(body))
    assert doc.text == body[0]
    [word] = prov["mixed_script_words"]
    assert word == {
        "where": "text",
        "start": 33,
        "end": 39,
        "word": "Pаypal",
        "scripts": ["Cyrl", "Latn"],
    }
    assert doc.text[word["start"] : word["end"]] == "Pаypal"
    [span] = prov["foreign_script_spans"]
    assert (span["text"], span["script"], span["reason"]) == (
        "а",
        "Cyrl",
        "inside-mixed-script-word",
    )


def test_japanese_body_with_latin_words() -> None:
    body = ["新型iPhone発売を前に、Appleは記者会見を開いた。"]
    doc, prov = run(make_doc(body))
    # Latin is the largest single script (11 letters), but Han and kana (16) write one language
    assert next(iter(doc.scripts)) == "Latn"
    assert prov["main_script"] == "Hani"
    assert prov["native_scripts"] == ["Hani", "Hira", "Kana"]
    # Latin next to kanji/kana is how Japanese is written: not a mixed-script word
    assert prov["mixed_script_words"] == []
    # kanji and kana are one writing system: only the Latin words are foreign
    assert [s["text"] for s in prov["foreign_script_spans"]] == ["iPhone", "Apple"]


def test_japanese_quotation_in_english_is_one_span() -> None:
    body = ["He wrote 東京で会いましょう on the card."]
    _, prov = run(make_doc(body))
    [span] = prov["foreign_script_spans"]
    assert span["text"] == "東京で会いましょう"
    assert span["scripts"] == ["Hani", "Hira"]
    assert span["script"] == "Hira"


def test_combining_marks_after_the_last_letter_stay_in_the_span() -> None:
    body = ["The word हिन्दी means Hindi."]
    _, prov = run(make_doc(body))
    [span] = prov["foreign_script_spans"]
    assert span["text"] == "हिन्दी"
    assert span["script"] == "Deva"


def test_long_span_text_is_truncated_but_offsets_cover_it() -> None:
    quote = "Городской совет во вторник утвердил новый бюджет общественного транспорта"
    body = [
        "Earlier in the week, the local paper wrote in a front-page editorial: "
        + quote
        + ". Then the meeting of the council ended early, and the members went home."
    ]
    doc, prov = run(make_doc(body), max_span_text=10)
    [span] = prov["foreign_script_spans"]
    assert span["truncated"] is True
    assert span["text"] == quote[:10]
    assert doc.text[span["start"] : span["end"]] == quote
    assert span["language"] == "ru"


def test_a_span_never_crosses_a_line_break() -> None:
    body = ["Earlier the mayor of Москва", "Петербург and other cities answered the letter."]
    _, prov = run(make_doc(body))
    assert [(s["text"], s["start"]) for s in prov["foreign_script_spans"]] == [
        ("Москва", 21),
        ("Петербург", 28),
    ]


def test_span_and_word_lists_are_bounded_and_count_the_rest() -> None:
    body = [" ".join(["Пример"] * 5 + ["word"] * 40 + ["Pаypal"] * 3)]
    _, prov = run(make_doc(body), max_spans=1, max_mixed_words=2)
    assert len(prov["foreign_script_spans"]) == 1
    assert prov["foreign_script_spans_omitted"] == 3  # one Cyrillic run + three "а"
    assert len(prov["mixed_script_words"]) == 2
    assert prov["mixed_script_words_omitted"] == 1


def test_korean_quotation_in_chinese_body_is_foreign() -> None:
    body = ["发言人在会上引用了一句韩国谚语：시작이 반이다。他表示，改革开放的道路还很长。"]
    _, prov = run(make_doc(body))
    assert prov["main_script"] == "Hani"
    assert prov["native_scripts"] == ["Bopo", "Hani"]
    [span] = prov["foreign_script_spans"]
    assert (span["text"], span["script"]) == ("시작이 반이다", "Hang")


def test_html_document_without_lines() -> None:
    doc = make_doc(["A short English body mentioning Москва once."], input_format="html")
    doc = dataclasses.replace(doc, lines=())
    out, prov = run(doc)
    assert [s["where"] for s in prov["foreign_script_spans"]] == ["text"]
    assert out.scripts["Latn"] > out.scripts["Cyrl"]


def test_body_without_letters() -> None:
    doc, prov = run(make_doc(["2025 — 12:30"], (COUNTDOWN,)))
    assert doc.scripts == {}
    assert prov["main_script"] is None
    assert prov["foreign_script_spans"] == []


def test_input_document_is_not_mutated() -> None:
    doc = make_doc(SEED_BODY, (COUNTDOWN,))
    out, _ = run(doc)
    assert doc.scripts == {}
    assert out.text == doc.text and out.lines == doc.lines


# --- foreign-script widget lines ---------------------------------------------------------------


def test_foreign_share_bar_line_is_removed_with_its_line() -> None:
    doc = make_doc([SEED_BODY[0], "分享到：微信 微博", SEED_BODY[1]])
    out, prov = run(doc)
    assert out.text == "\n".join(SEED_BODY)
    assert out.scripts == {"Latn": 1.0}  # shares of the final text
    [removed] = [ln for ln in out.lines if ln.label != "body"]
    assert (removed.text, removed.label, removed.rule, removed.line) == (
        "分享到：微信 微博",
        "chrome",
        "foreign-script-widget",
        1,
    )
    [span] = prov["foreign_script_spans"]
    assert span["where"] == "removed" and span["line"] == 1
    assert (span["text"], span["script"]) == ("分享到：微信 微博", "Hani")
    assert (span["action"], span["reason"]) == ("removed-with-line", "chrome/foreign-script-widget")
    assert prov["foreign_script_lines_removed"] == 1
    assert prov["removed"] == [removed.to_json()]


def test_removed_lines_are_added_to_the_segment_steps_removed_list() -> None:
    doc = make_doc([*SEED_BODY, "Поделиться"], (COUNTDOWN,))
    doc = dataclasses.replace(doc, provenance={"removed": [COUNTDOWN.to_json()]})
    out, prov = run(doc)
    assert [r["rule"] for r in prov["removed"]] == ["countdown-widget", "foreign-script-widget"]
    assert [(s["text"], s["reason"]) for s in prov["foreign_script_spans"]] == [
        ("يوم متبقي", "chrome/countdown-widget"),
        ("Поделиться", "chrome/foreign-script-widget"),
    ]
    assert out.text == "\n".join(SEED_BODY)


def test_widget_lines_can_be_kept_by_config() -> None:
    doc = make_doc([SEED_BODY[0], "AUGUST 2025 يوم متبقي", SEED_BODY[1]])
    out, prov = run(doc, foreign_widget_lines="keep")
    assert out.text == doc.text and out.lines == doc.lines
    [span] = prov["foreign_script_spans"]
    assert (span["text"], span["action"], span["reason"]) == (
        "يوم متبقي",
        "kept",
        "widget-line-kept",
    )
    assert prov["foreign_script_lines_removed"] == 0 and "removed" not in prov


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("北京大学", "foreign-line"),  # a name on its own line: no widget word
        ("Городской совет во вторник утвердил новый бюджет.", "foreign-line"),  # a sentence
        (
            "Поделиться новостью с друзьями, коллегами, соседями, родными и знакомыми",
            "foreign-line",
        ),
        ("Readers shared the slogan «Поделиться» widely on Tuesday.", "inside-main-text"),
    ],
)
def test_foreign_lines_that_are_not_widgets_are_kept(line: str, reason: str) -> None:
    doc = make_doc([SEED_BODY[0], line, SEED_BODY[1]])
    out, prov = run(doc)
    assert out.text == doc.text
    assert [s["reason"] for s in prov["foreign_script_spans"]] == [reason]
    assert all(s["action"] == "kept" for s in prov["foreign_script_spans"])


def test_html_document_without_lines_gets_a_removed_line() -> None:
    doc = make_doc([SEED_BODY[0], "Читайте также", SEED_BODY[1]], input_format="html")
    doc = dataclasses.replace(doc, lines=())
    out, prov = run(doc)
    assert out.text == "\n".join(SEED_BODY)
    assert out.lines == (Line("Читайте также", "chrome", "foreign-script-widget", 1),)
    assert prov["foreign_script_spans"][0]["where"] == "removed"


def test_a_body_mostly_in_another_script_is_in_that_script() -> None:
    russian = "Компания в четверг представила новый смартфон, и у магазинов выстроились очереди."
    doc = make_doc([russian, "Share on Facebook", russian])
    out, prov = run(doc)
    assert prov["main_script"] == "Cyrl"
    assert out.text == russian + "\n" + russian
    [span] = prov["foreign_script_spans"]
    assert (span["text"], span["script"], span["action"]) == (
        "Share on Facebook",
        "Latn",
        "removed-with-line",
    )


def test_removal_never_changes_the_writing_system_or_empties_the_body() -> None:
    # without its first line the body would be Arabic: the line was judged against Latin
    doc = make_doc(["share now يو", "يوم"])
    out, prov = run(doc)
    assert prov["main_script"] == "Latn"
    assert out.text == doc.text and prov["foreign_script_lines_removed"] == 0
    # a body of one widget line in its own script has nothing foreign
    out, prov = run(make_doc(["Поделиться"]))
    assert out.text == "Поделиться" and prov["foreign_script_spans"] == []


def test_extra_widget_words() -> None:
    doc = make_doc([SEED_BODY[0], "Подробности по ссылке", SEED_BODY[1]])
    out, _ = run(doc)
    assert "Подробности" in out.text
    out, prov = run(doc, extra_widget_words=("подробности",))
    assert "Подробности" not in out.text
    assert prov["foreign_script_spans"][0]["action"] == "removed-with-line"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("AUGUST 2025 يوم متبقي", True),
        ("分享到：微信 微博", True),
        ("コメントする", True),
        ("관련 기사", True),
        ("ติดตามเราบน Facebook", True),
        ("Осталось 3 дня", True),
        ("Поделиться.", False),  # a sentence
        ("北京大学", False),  # no widget word
        ("Share", False),  # not foreign to a Latin body
        ("Share Pаypal", False),  # one Cyrillic letter in eleven: under the foreign share
    ],
)
def test_is_widget_line(line: str, expected: bool) -> None:
    assert step.is_widget_line(line, frozenset({"Latn"}), step.Config()) is expected


def test_span_languages_of_long_spans_and_cjk_spans() -> None:
    body = [
        "Her grandfather’s letter began with the line मेरे प्यारे बच्चों, आज मैं तुम्हें अपने गांव "
        "की कहानी सुनाता हूं and ended with a drawing of the river.",
        "He read out the note, 我们明天早上八点在火车站门口见面, and put it back in his pocket.",
        "The sign said Будь ласка, зачиняйте хвіртку за собою, and most visitors did.",
    ]
    _, prov = run(make_doc(body))
    assert [s["language"] for s in prov["foreign_script_spans"]] == ["hi", "zh", "uk"]


# --- the fast scans agree with a character-by-character reference ------------------------------


def reference_runs(text: str, native: frozenset[str]) -> list[tuple[int, int, dict[str, int]]]:
    """The original per-character scan (scripts step version 1), stopping at line breaks."""
    out = []
    start = end = -1
    counts: dict[str, int] = {}

    def close() -> None:
        stop = end
        while stop < len(text) and unicodedata.category(text[stop]).startswith("M"):
            stop += 1
        out.append((start, stop, dict(counts)))

    for i, ch in enumerate(text):
        if ch == "\n" and counts:
            close()
            counts = {}
        code = script_of(ch)
        if code is None:
            continue
        if code not in native and counts and all(step.compatible(code, c) for c in counts):
            end = i + 1
            counts[code] = counts.get(code, 0) + 1
            continue
        if counts:
            close()
            counts = {}
        if code not in native:
            start, end = i, i + 1
            counts[code] = 1
    if counts:
        close()
    return out


# --- property ----------------------------------------------------------------------------------

ALPHABET = st.sampled_from(
    list("abcXYZ éü")  # Latin
    + list("абвЖ")  # Cyrillic
    + list("αβΩ")  # Greek
    + list("يومت")  # Arabic
    + list("中国語")  # Han
    + list("でカ")  # kana
    + list("한")  # Hangul
    + list("हि\u094d")  # Devanagari letters and marks
    + list("\u0301 \n.,\"'-–0123456789")  # marks, spaces, punctuation, digits
)
TEXTS = st.text(alphabet=ALPHABET, max_size=120)
WIDGETS = st.sampled_from(
    ["Поделиться", "分享到：微信", "Share on Facebook", "AUGUST 2025 يوم متبقي", "관련 기사 中国"]
)
BODY_LINES = st.one_of(TEXTS, WIDGETS)
NATIVES = st.sampled_from(
    [frozenset({"Latn"}), frozenset({"Cyrl"}), frozenset({"Hani", "Hira", "Kana"}), frozenset()]
)


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, native=NATIVES)
def test_property_fast_runs_equal_the_reference_scan(text: str, native: frozenset[str]) -> None:
    fast = [(r.start, r.end, dict(r.counts)) for r in step.foreign_runs(text, native)]
    assert fast == reference_runs(text, native)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.lists(BODY_LINES, max_size=4), removed=st.lists(TEXTS, max_size=3))
def test_property_shares_sum_to_one_and_offsets_slice(body: list[str], removed: list[str]) -> None:
    removed_lines = tuple(Line(t, "chrome", "r", i) for i, t in enumerate(removed))
    before = make_doc(body, removed_lines)
    doc, prov = run(before, max_span_text=15)

    if doc.scripts:
        assert math.isclose(sum(doc.scripts.values()), 1.0, abs_tol=0.0005 * len(doc.scripts))
        assert prov["main_script"] in prov["native_scripts"]
        if not set(doc.scripts) & {"Hani", "Hira", "Kana", "Hang"}:
            assert prov["main_script"] == next(iter(doc.scripts))
    else:
        assert not any(script_of(ch) for ch in doc.text)

    # lines this step removed left the text and joined doc.lines; nothing else changed
    widget_lines = [ln for ln in doc.lines if ln.rule == step.WIDGET_RULE]
    assert prov["foreign_script_lines_removed"] == len(widget_lines)
    assert len(doc.text) + sum(len(ln.text) + 1 for ln in widget_lines) == len(before.text)
    assert {ln.text for ln in widget_lines} <= set(before.text.split("\n"))
    assert doc.scripts == step.shares_of(step.script_counts(doc.text))

    native = set(prov["native_scripts"])
    by_line = {(ln.line, ln.rule): ln.text for ln in doc.lines if ln.label != "body"}
    last_end: dict[Any, int] = {}
    for span in prov["foreign_script_spans"]:
        source = doc.text if span["where"] == "text" else by_line[span["line"], span["rule"]]
        piece = source[span["start"] : span["end"]]
        assert piece[:15] == span["text"]
        assert span["truncated"] == (len(piece) > 15)
        letters = [script_of(ch) for ch in piece if script_of(ch)]
        assert letters and script_of(piece[0]) is not None  # starts on a letter
        assert set(letters) == set(span["scripts"]) and not set(letters) & native
        assert len(letters) == span["letters"]
        key = (span.get("line"), span.get("rule"))
        assert span["start"] >= last_end.get(key, 0)  # in order, never overlapping
        last_end[key] = span["end"]

    for word in prov["mixed_script_words"]:
        source = doc.text if word["where"] == "text" else by_line[word["line"], word["rule"]]
        assert source[word["start"] : word["end"]] == word["word"]
        assert len(word["scripts"]) >= 2
