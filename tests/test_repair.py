"""Repair step: mojibake fixed with a replayable plan; text that was right is never changed."""

from __future__ import annotations

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.steps.repair import Config, repair_text

CFG = Config()

# Correct text in several languages and scripts: repair must leave every one unchanged.
MUST_NOT_CHANGE = [
    "Colombia’s military — “preventive and security reasons.”",
    "Ça coûte 5 € à Zürich; naïve façade, œuvre.",
    "Москва — столица России. «Цитата» здесь.",
    "東京都は日本の首都です。「引用」",
    "서울은 대한민국의 수도이다.",
    "القاهرة عاصمة مصر.",
    "Crème brûlée, jalapeño, São Tomé, Łódź, İstanbul.",
    "It's 5'10\" tall; the 1990s—and 2020s…",
    "ＡＢＣ full-width letters are kept by default.",
    "a = b + c; x < y > z; cats & dogs",
]


@pytest.mark.parametrize("text", MUST_NOT_CHANGE)
def test_correct_text_is_left_alone(text):
    fixed, report = repair_text(text, CFG)
    assert fixed == text
    assert report["ftfy"] == []
    assert report["changed"] is False


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ("Colombiaâ€™s military", "Colombia’s military"),
        ("â€œpreventive and security reasons.â€\x9d", "“preventive and security reasons.”"),
        ("BogotÃ¡ and NicolÃ¡s", "Bogotá and Nicolás"),
        ("cafÃ©", "café"),
    ],
)
def test_mojibake_is_repaired_and_the_plan_replays(broken, expected):
    fixed, report = repair_text(broken, CFG)
    assert fixed == expected
    (entry,) = report["ftfy"]
    replayed = ftfy.apply_plan(broken, [tuple(step) for step in entry["plan"]])
    assert replayed == expected


def test_only_the_broken_paragraph_is_touched():
    text = "Colombia’s fine line.\nBogotÃ¡ broken line.\nAnother fine “line”."
    fixed, report = repair_text(text, CFG)
    assert fixed == "Colombia’s fine line.\nBogotá broken line.\nAnother fine “line”."
    assert report["ftfy"][0]["lines"] == [1]


def test_invisible_and_special_characters():
    text = "soft\u00adhyphen zero\u200bwidth bell\x07 nbsp\u00a0space  runs   here \ufeff"
    fixed, report = repair_text(text, CFG)
    assert fixed == "softhyphen zerowidth bell nbsp space runs here"
    assert report["removed_characters"]["soft_hyphen"] == 1
    assert report["changed"] is True


def test_html_entities_in_plain_text_are_decoded_once():
    assert repair_text("Fish &amp; chips &lt;3", CFG)[0] == "Fish & chips <3"
    assert repair_text("&amp;amp; stays one level", CFG)[0] == "&amp; stays one level"


def test_curly_quotes_can_be_straightened_by_config():
    assert repair_text("“quoted”", Config(uncurl_quotes=True))[0] == '"quoted"'


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_repair_is_idempotent_and_output_is_clean(text):
    once, _ = repair_text(text, CFG)
    twice, _ = repair_text(once, CFG)
    assert twice == once
    assert all(ch == "\n" or ch == "\t" or ord(ch) >= 32 for ch in once)
