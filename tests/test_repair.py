"""Repair step: mojibake fixed with a replayable plan; text that was right is never changed."""

from __future__ import annotations

import ftfy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.steps.repair import Config, broken_signs, repair_text, unescape_entities

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


# --- data-driven cases, in the style of ftfy's tests/test-cases ---------------------------------
# Each case: a label, the original text, and what repair must give ("fixed"). A "must not change"
# case has fixed == original. Sentences marked (bench) are real: lines of the article bodies in
# bench/data/scrapinghub, in the benchmark's eight languages.

REAL_SENTENCES = [
    # en
    "“Governor @MattBevin has done a wonderful job for the people of Kentucky!” Trump tweeted "
    "before Election Day.",
    "There’s a saying that goes “a figure is formed at the presence of flowers” which describes "
    "the Hwajeontae Dance (花前態舞)!!",
    "VIP : 60,000₩",
    "— Dianna E. Anderson 🏳️\u200d🌈 (@diannaeanderson) November 18, 2019",
    "Asparagus and Eggs [1 cup asparagus, 2 soft-boiled or poached eggs, ½ cup sweet potato "
    "(or 1 slice whole-grain toast), 1 tsp. olive oil for potatoes]",
    "Dennis Schröder scored 20 of his season-high 31 points in a phenomenal first half for the "
    "Thunder, who have lost four of five despite two solid performances at Staples Center.",
    # pt
    "Prof. Carlos: Estou aqui ao lado do Eugênio Tadeu, que já é de casa.",
    "Aqui nos Estados Unidos você tem à disposição materiais voltados à aquisição da fluência em "
    "leitura.",
    # ru
    "— Я обычно отвечаю так: «Ем все, кроме устриц». Вкус устриц пусть останется навсегда в "
    "долгой-долгой памяти.",
    "стандартная скорость player.setav speedmult *х100",
    # ko
    "그는 “너네들이 우습게 봐도 내가 사랑하는 사람의 추억을 간직하는 게 잘못이냐”고 말하기도 했다.",
    "저작권자 ⓒ '대중문화컨텐츠 전문가그룹' 엔터미디어(www.entermedia.co.kr), "
    "무단전재 및 재배포금지",
    "[엔터미디어=소설가 박생강의 옆구리tv] 주말 밤 9시 MBC와 SBS는 막장극의 대결로 "
    "붙는 경우가 흔하다.",
    # it
    "Il black Friday incombe su di noi: per chi non lo sapesse (o per chi è sbarcato da Marte "
    "recentemente) il “venerdì nero” è l’ennesima consuetudine importata dagli USA.",
    "E’ stato annunciato in queste ore che Netflix ospiterà il remake della serie animata cult "
    "degli anni ’80 “ I Cavalieri dello Zodiaco “.",
    # id
    "Imam Ja’far Ash Shadiq yg merupakan guru dari Imam Malik dan Imam Abu Hañifah membentuk "
    "Mazhab Ja’fari.",
    "“…Dan janganlah sekali-kali kebencian(mu) kepada sesuatu kaum karena mereka "
    "menghalang-halangi kamu dari Masjidilharam…” [Al Maa-idah 2]",
    # de
    "Am 12. Bis 13. September startet wieder die DMEXCO 2018 in Köln – und comwrap ist mit dabei.",
    "Unter dem Motto „Take C.A.R.E“, was für Curiosity, Action, Responsibility und Experience "
    "steht, bestärkt die DMEXCO Branche und Publikum darin, Veränderung durch Digitalisierung "
    "positiv zu gestalten.",
    # ja
    "商標には、同じ商標が付された商品は同じ提供元のものであるという、商品の出所を表示する機能"
    "（出所表示機能）があります。",
    "報道によると、今回販売されたのは、いわゆる「脱獄」したiPhone。",
    "※「iPhone」は、Apple Inc.の商標です。",
]

# Right text that looks like mojibake to a careless fixer: capitals with a tilde, Icelandic eth,
# an accented capital before "…", "®" or "”" (in cp1252 those pairs are valid UTF-8).
TRICKY_SENTENCES = [
    "SÃO PAULO — A PREFEITURA DE SÃO PAULO ANUNCIOU",
    "NÃO É POSSÍVEL",
    "Þórður Ðórsson skoraði mark.",
    "CAFÉ…",
    "ÉTÉ — CAFÉ”",
    "DÉJÀ VU™ and NOËL®",
    "Ñandú»",
    "1º lugar, 2ª edição, Nº 5; ¿Qué? ¡Sí!",
    "İstanbul’da ılık bir gün; Škoda, Čeština, Łódź, Œuvre, Wrocław — Gdańsk",
    "µg/m³ at 25 °C, ±3, ½ ¼ ¾",
]


@pytest.mark.parametrize("text", REAL_SENTENCES + TRICKY_SENTENCES)
def test_right_text_in_every_language_must_not_change(text):
    fixed, report = repair_text(text, CFG)
    assert fixed == text
    assert report["ftfy"] == []
    assert report["changed"] is False
    assert "still_broken" not in report


def test_a_whole_document_of_right_text_must_not_change():
    text = "\n\n".join(REAL_SENTENCES + TRICKY_SENTENCES)
    assert repair_text(text, CFG)[0] == text


def misread(text: str, codec: str, times: int = 1) -> str:
    """UTF-8 decoded as `codec`, `times` times: how mojibake is made."""
    for _ in range(times):
        text = text.encode("utf-8").decode(codec)
    return text


REPAIR_CASES = [
    {
        "label": "UTF-8 read as cp1252 (bench, en)",
        "original": misread(REAL_SENTENCES[1], "sloppy-windows-1252"),
        "fixed": REAL_SENTENCES[1],
    },
    {
        "label": "UTF-8 read as cp1252 twice (bench, de)",
        "original": misread(REAL_SENTENCES[18], "sloppy-windows-1252", 2),
        "fixed": REAL_SENTENCES[18],
    },
    {
        "label": "UTF-8 read as latin-1: 'х' is D1 85, the 0x85 is no line break (bench, ru)",
        "original": misread(REAL_SENTENCES[9], "latin-1"),
        "fixed": REAL_SENTENCES[9],
    },
    {
        "label": "UTF-8 read as latin-1 twice (bench, ko)",
        "original": misread(REAL_SENTENCES[10], "latin-1", 2),
        "fixed": REAL_SENTENCES[10],
    },
    {
        "label": "UTF-8 read as latin-1 (bench, ja)",
        "original": misread(REAL_SENTENCES[19], "latin-1"),
        "fixed": REAL_SENTENCES[19],
    },
    {
        "label": "mixed: one paragraph broken, the rest right (bench, pt)",
        "original": REAL_SENTENCES[6] + "\n" + misread(REAL_SENTENCES[7], "sloppy-windows-1252"),
        "fixed": REAL_SENTENCES[6] + "\n" + REAL_SENTENCES[7],
    },
    {
        "label": "a NEL between words is a line break",
        "original": "first line\x85second line",
        "fixed": "first line\nsecond line",
    },
    {
        "label": "entities, then mojibake, each once (bench, it)",
        "original": "anni &rsquo;80 &amp; " + misread("’90", "sloppy-windows-1252"),
        "fixed": "anni ’80 & ’90",
    },
]


@pytest.mark.parametrize("case", REPAIR_CASES, ids=lambda case: case["label"])
def test_repairs_give_the_text_back_and_the_plans_replay(case):
    fixed, report = repair_text(case["original"], CFG)
    assert fixed == case["fixed"]
    assert "still_broken" not in report
    before = unescape_entities(case["original"])[0].split("\n")
    after = fixed.split("\n")
    for entry in report["ftfy"]:
        for number in entry["lines"]:
            replayed = ftfy.apply_plan(before[number], [tuple(step) for step in entry["plan"]])
            assert replayed == after[number]


def test_document_evidence_repairs_what_ftfy_leaves_alone():
    # "â‚©" alone does not look broken to ftfy; the document's other lines show UTF-8 read as
    # cp1252, so the same misreading is undone on it, and the plan says on what evidence
    lines = [
        "The Palace: Tale of Jang Noksu",
        "Visitors who booked came to watch it! 🙂",
        "VIP : 60,000₩",
    ]
    original = "\n".join(misread(line, "sloppy-windows-1252") for line in lines)
    fixed, report = repair_text(original, CFG)
    assert fixed == "\n".join(lines)
    (evidence,) = [entry for entry in report["ftfy"] if entry.get("evidence") == "document"]
    assert evidence["lines"] == [2]
    assert (
        ftfy.apply_plan(original.split("\n")[2], [tuple(s) for s in evidence["plan"]]) == lines[2]
    )


@pytest.mark.parametrize("right", TRICKY_SENTENCES)
def test_document_evidence_never_touches_right_lines(right):
    # the other line is broken, so the document's misreading is tried on this one: it must
    # stay as it is ("CAFÉ…" is valid UTF-8 when encoded in cp1252, and reads as "CAFɅ")
    broken = misread(
        "Colombia’s military — “preventive and security reasons.”", "sloppy-windows-1252"
    )
    fixed, _ = repair_text(broken + "\n" + right, CFG)
    assert fixed.split("\n")[1] == right


def test_soft_hyphens_are_kept_when_configured():
    # the option existed but was not passed on: soft hyphens went whatever it said
    assert repair_text("Zeit\u00adgeist", Config(remove_soft_hyphens=False))[0] == "Zeit\u00adgeist"
    assert repair_text("Zeit\u00adgeist", CFG)[0] == "Zeitgeist"


def test_every_removal_is_accounted_for():
    text = "soft\u00adhyphen bell\x07 zero\u200bwidth"
    fixed, report = repair_text(text, CFG)
    assert fixed == "softhyphen bell zerowidth"
    # ftfy removes the BEL (its plan says so), the step the soft hyphen and zero-width space
    assert report["ftfy"] == [{"plan": [["apply", "remove_control_chars"]], "lines": [0]}]
    assert report["removed_characters"] == {"format": 1, "soft_hyphen": 1}


@pytest.mark.parametrize(
    ("text", "signs"),
    [
        # bytes lost before the text got here: flagged, never silently passed
        ("the ” became \ufffd here", {"replacement-character": 1}),
        ("Colombiaâs president said âdialogueâ twice", {"lost-continuation-bytes": 2}),
        ("Oct. 5â7, in Glasgow", {"lost-continuation-bytes": 1}),
        ("a figure is formed,â said Park", {"lost-continuation-bytes": 1}),
        ("mojibake ftfy could not undo: Ã©tÃ©", {"mojibake": 1}),
        # right text with â: not flagged
        ("l’âge d’or du théâtre, un gâteau", {}),
        ("a câmara de São Paulo", {}),
        ("hâlâ dükkânda", {}),
    ],
)
def test_text_that_still_looks_broken_is_flagged(text, signs):
    assert broken_signs(text) == signs


def test_still_broken_is_in_the_report():
    _, report = repair_text("the ” became \ufffd here", CFG)
    assert report["still_broken"] is True
    assert report["broken_signs"] == {"replacement-character": 1}
    _, report = repair_text(REAL_SENTENCES[0], CFG)
    assert "still_broken" not in report and "broken_signs" not in report
