"""Plain-text segment step: every line labelled; the text is the body lines.

The seeds' expectations, then variants with other names, sites and credits showing the rules
are general rather than tuned to the seeds' lines.
"""

from __future__ import annotations

import pytest

from conftest import RAW, RUN_DATE
from pipeline.record import BODY
from pipeline.steps.repair import Config as RepairConfig
from pipeline.steps.repair import repair_text
from pipeline.steps.segment_text import segment


def labelled(cfg, text: str):
    repaired, _ = repair_text(text, RepairConfig())
    lines, title = segment(repaired, cfg.segment_text, RUN_DATE)
    body = "\n".join(ln.text for ln in lines if ln.label == BODY)
    removed = {ln.text: (ln.label, ln.rule) for ln in lines if ln.label != BODY}
    return body, removed, title


def seed(name: str) -> str:
    return (RAW / name).read_text(encoding="utf-8")


def test_seed_001_chrome_widgets_and_repeated_headline(cfg):
    body, removed, title = labelled(cfg, seed("001_ea4337dc22b15d88.txt"))
    headline = (
        "Venezuelan Army Exiles Reportedly Abandoned Plan To Enter Country By Force Last Month"
    )
    assert title == headline
    assert headline not in body
    for amount in ("0 $", "2,500 $", "5,000 $", "500 $"):
        assert removed[amount][0] == "chrome"
    assert "AUGUST 2025" not in body and "يوم" not in body
    assert "Support SouthFront" not in body
    widget = [
        "Subscribe", "Notify of", "guest", "10 Comments", "Oldest", "Newest Most Voted",
        "Inline Feedbacks", "View all comments", "Would love your thoughts, please comment.x",
        "()", "x",
    ]  # fmt: skip
    body_lines = set(body.split("\n"))
    for line in widget:
        assert line not in body_lines
        assert line in removed
    assert body.startswith("Careful not to discredit their cause")
    assert body.endswith("“forever wars.”")
    assert "Guaido is back in Caracas" in body


def test_seed_002_byline_credit_and_related_line(cfg):
    body, removed, title = labelled(cfg, seed("002_bf9c0ceb983e1a5f.txt"))
    assert title == "Colombia Deploys Troops to Venezuela Border Following US Operation"
    assert removed["Written on 01/03/2026"][0] == "dateline"
    assert removed["Victor Cohen"][0] == "byline"
    assert "Ronald Dueñas / CC BY NC ND 2.0" not in body
    assert "Related:" not in body
    assert body.startswith("Colombia has deployed new troops")
    assert "“Public security forces are being deployed" in body  # typographic quotes kept


def test_seed_003_updated_line_and_citation_markers(cfg):
    body, removed, title = labelled(cfg, seed("003_3543076f826fd97a.txt"))
    assert title.startswith("Colombia Sends Troops to Venezuela Border")
    assert removed["Updated (2 articles)"][0] == "chrome"
    assert body.count("[1]") == 1 and "([2])" not in body
    assert "possibility of dialogue to resolve the tension." in body
    assert "reference in [1])." in body  # a reference the sentence names, not a marker
    assert "Timeline" in body.split("\n")


def test_seed_003_citation_markers_can_be_kept(cfg):
    from dataclasses import replace

    keep = replace(cfg, segment_text=replace(cfg.segment_text, citation_markers="keep"))
    body, _, _ = labelled(keep, seed("003_3543076f826fd97a.txt"))
    assert "tension [1]." in body


def test_seed_004_dateline_prefix_and_agency_caption(cfg):
    body, removed, _ = labelled(cfg, seed("004_63b06e8f733e3164.txt"))
    assert removed["date 2026-01-05"][0] == "dateline"
    assert body.startswith("Colombia is shoring up its military presence")
    assert "EPA / Ernesto Mastrascusa" not in body
    assert "Following Mr Maduro's capture" in body


def test_seed_000_has_no_chrome_to_remove(cfg):
    body, removed, title = labelled(cfg, seed("000_c350f78d65b07a85.txt"))
    assert removed == {}
    assert title is None
    assert body.count("\n") == 11


ARTICLE = (
    "The city council approved the new budget on Tuesday after a long debate about schools.\n"
    "Officials said the plan would add two hundred teachers and repair three old buildings.\n"
    "Critics argued that the money should go to public transport, which has seen cuts.\n"
)


@pytest.mark.parametrize(
    ("header", "label"),
    [
        ("Posted on March 14, 2025", "dateline"),
        ("Published: 14.03.2025", "dateline"),
        ("Veröffentlicht am 14. März 2025", "dateline"),
        ("Publicado el 14 de marzo de 2025", "dateline"),
        ("By Maria Gonzalez", "byline"),
        ("Last updated", "chrome"),
    ],
)
def test_header_lines_in_other_forms(cfg, header, label):
    text = f"Council Approves Budget After Long Debate\n{header}\n{ARTICLE}"
    body, removed, title = labelled(cfg, text)
    assert title == "Council Approves Budget After Long Debate"
    assert removed[header][0] == label
    assert body == ARTICLE.strip()


@pytest.mark.parametrize(
    "caption",
    [
        "The mayor speaks to reporters outside city hall. Jane Smith / Reuters",
        "Protesters gather in the square on Monday. AFP / Luis Acosta",
        "A view of the harbour at dawn. Photo: John Doe",
        "The old bridge before repairs began. (Photo by Anna Berg)",
        "Children at the reopened school. © City of Springfield",
        "Ships in the port. Wikimedia / CC BY-SA 4.0",
    ],
)
def test_photo_captions_with_credits_in_other_forms(cfg, caption):
    body, removed, _ = labelled(cfg, f"{ARTICLE}{caption}\n{ARTICLE}")
    assert removed[caption][0] == "caption"
    assert caption not in body


@pytest.mark.parametrize(
    "line",
    [
        "The agency said Reuters and AFP both reported the figures, which were later revised.",
        "He wrote the 24/7 service would start in June, according to a statement.",
        "Their ratio was 3/4 of the total budget, officials said on Friday.",
    ],
)
def test_body_sentences_that_resemble_credits_are_kept(cfg, line):
    body, _, _ = labelled(cfg, f"{ARTICLE}{line}\n{ARTICLE}")
    assert line in body.split("\n")


def test_a_widget_fragment_in_another_script_is_removed(cfg):
    text = f"Budget Passes\n12 DAYS 倒计时 剩余\n{ARTICLE}"
    _, removed, _ = labelled(cfg, text)
    assert removed["12 DAYS 倒计时 剩余"] == ("chrome", "mixed-script-fragment")


def test_latin_1_letters_are_latin_so_only_letters_beyond_it_make_a_second_script():
    # the fragment rule skips counting scripts in a line whose characters beyond Latin-1 are
    # not letters (curly quotes, dashes): that holds because every Latin-1 letter is Latin
    from pipeline.unicode_scripts import script_of

    latin_1 = [chr(code) for code in range(256)]
    assert {script_of(ch) for ch in latin_1} == {None, "Latn"}
    assert not any(ch.isalpha() for ch in "“”‘’—–…•€™")


def test_a_widget_fragment_in_latin_and_greek_is_removed_but_curly_quotes_are_no_script(cfg):
    _, removed, _ = labelled(cfg, f"Budget Passes\nΩ 12 DAYS\n“12 DAYS” — left\n{ARTICLE}")
    assert removed["Ω 12 DAYS"] == ("chrome", "mixed-script-fragment")
    assert removed.get("“12 DAYS” — left", ("", ""))[1] != "mixed-script-fragment"


def test_a_quotation_in_another_script_inside_a_sentence_is_kept(cfg):
    line = "The slogan “Живи и дай жить другим” appeared on banners across the city centre."
    body, _, _ = labelled(cfg, f"{ARTICLE}{line}\n")
    assert line in body


def test_tail_after_the_last_paragraph_is_chrome(cfg):
    tail = "Share this article\nTwitter | Facebook\nMore from Local News\nCity News Network\n"
    body, removed, _ = labelled(cfg, ARTICLE + tail)
    assert body == ARTICLE.strip()
    assert set(removed) == {line for line in tail.split("\n") if line}


def test_every_line_is_accounted_for(cfg):
    text = seed("001_ea4337dc22b15d88.txt")
    repaired, _ = repair_text(text, RepairConfig())
    lines, _ = segment(repaired, cfg.segment_text, RUN_DATE)
    non_blank = [n for n, line in enumerate(repaired.split("\n")) if line.strip()]
    assert sorted({ln.line for ln in lines}) == non_blank


def test_a_related_heading_takes_the_headlines_below_it(cfg):
    block = "Read more:\nMayor Opens New Library\nTransit Fares To Rise In Spring\n"
    body, removed, _ = labelled(cfg, ARTICLE + block + ARTICLE)
    assert removed["Read more:"][0] == "related"
    assert removed["Transit Fares To Rise In Spring"] == ("related", "follows-related-heading")
    assert body == (ARTICLE + ARTICLE).strip()


@pytest.mark.parametrize("stamp", ["20 Nov 2019 08:00 GMT", "2025-03-14 09:30", "March 14, 2025"])
def test_a_line_that_is_only_a_date_near_the_top_is_a_dateline(cfg, stamp):
    text = f"Council Approves Budget\n{ARTICLE.splitlines()[0]}\n{stamp}\n{ARTICLE}"
    _, removed, _ = labelled(cfg, text)
    assert removed[stamp] == ("dateline", "date-only-line")


def test_a_bracketed_file_photo_credit_marks_a_caption(cfg):
    caption = "Troops on patrol near the border in 2019 [File: Reuters]"
    _, removed, _ = labelled(cfg, f"{ARTICLE}{caption}\n{ARTICLE}")
    assert removed[caption][0] == "caption"


MULTILINGUAL = {
    "de": (
        "Bundestag beschließt neues Klimagesetz",
        "Der Bundestag hat am Donnerstag nach langer Debatte ein neues Klimagesetz beschlossen.\n"
        "Die Regierung will damit den Ausstoß von Treibhausgasen bis 2030 deutlich senken.\n"
        "Kritiker bemängeln, dass die Maßnahmen für den Verkehrssektor nicht ausreichen.",
    ),
    "es": (
        "El Gobierno aprueba la nueva ley de vivienda",
        "El Consejo de Ministros aprobó el martes la nueva ley de vivienda tras meses de debate.\n"
        "La norma limita la subida de los alquileres y amplía el parque de vivienda pública.\n"
        "Los propietarios critican que la medida reducirá la oferta de pisos en alquiler.",
    ),
    "ru": (
        "В Москве открылась новая линия метро",
        "В среду в Москве открылась новая линия метро, которая соединила несколько районов.\n"
        "По словам мэрии, новая линия сократит время в пути для сотен тысяч пассажиров.\n"
        "Строительство заняло почти пять лет и обошлось городу в значительную сумму.",
    ),
    "ar": (
        "افتتاح معرض الكتاب الدولي في القاهرة",
        "افتتح معرض القاهرة الدولي للكتاب أبوابه أمس بمشاركة مئات الناشرين من دول عربية وأجنبية.\n"
        "وقال المنظمون إن المعرض يستقبل هذا العام عددا قياسيا من الزوار والكتاب والمترجمين.\n"
        "ويستمر المعرض لمدة أسبوعين ويتضمن ندوات وأمسيات شعرية وورشا للأطفال والشباب.",
    ),
    "th": (
        "กรุงเทพฯ เปิดสวนสาธารณะแห่งใหม่ริมแม่น้ำ",
        "กรุงเทพมหานครเปิดสวนสาธารณะแห่งใหม่ริมแม่น้ำเจ้าพระยาเมื่อวันเสาร์ที่ผ่านมา "
        "โดยมีประชาชนจำนวนมากเดินทางมาร่วมงานตั้งแต่เช้า\n"
        "ผู้ว่าราชการกรุงเทพมหานครกล่าวว่าสวนแห่งนี้จะช่วยเพิ่มพื้นที่สีเขียวให้กับเมือง "
        "และเป็นสถานที่พักผ่อนของครอบครัวในย่านนี้\n"
        "ร้าน Happy Bakery ที่ตั้งอยู่ใกล้สวนกล่าวว่ามีลูกค้าเพิ่มขึ้นมากนับตั้งแต่สวนเปิดให้บริการ",
    ),
    "zh": (
        "北京举行国际科技创新论坛",
        "第十届国际科技创新论坛今天在北京开幕，来自三十多个国家的专家学者参加了会议。\n"
        "与会代表围绕人工智能、新能源和生物医药等领域的最新进展进行了深入交流和讨论。\n"
        "主办方表示，论坛期间还将发布多项合作协议，推动科研成果向实际应用转化。",
    ),
}


@pytest.mark.parametrize("lang", sorted(MULTILINGUAL))
def test_bodies_in_other_languages_and_scripts_are_kept(cfg, lang):
    title, article = MULTILINGUAL[lang]
    text = f"Home | News | Sport | Culture\n{title}\n{article}\nShare\nFacebook | Twitter\n"
    body, removed, found_title = labelled(cfg, text)
    assert body == article
    assert found_title == title
    assert removed["Share"][0] == "chrome"


def test_a_hard_wrapped_paragraph_is_judged_whole(cfg):
    wrapped = (
        "Menu\nHome\nSport\n"
        "The festival opened on Friday with a parade through the\n"
        "old town, where thousands of visitors watched the bands\n"
        "and dancers from twelve countries.\n"
        "Contact\nPrivacy\n"
    )
    body, _, _ = labelled(cfg, wrapped)
    assert body.split("\n") == [
        "The festival opened on Friday with a parade through the",
        "old town, where thousands of visitors watched the bands",
        "and dancers from twelve countries.",
    ]


def test_a_long_run_of_short_lines_inside_the_article_is_a_widget(cfg):
    widget = "Share on Facebook\nShare on Twitter\nEmail this story\nPrint\n"
    heading = "What happens next\n"
    body, removed, _ = labelled(cfg, ARTICLE + widget + ARTICLE + heading + ARTICLE)
    assert removed["Share on Twitter"][0] == "chrome"
    assert "What happens next" in body.split("\n")  # a single heading stays


def test_the_article_is_the_main_block_not_a_teaser_list_or_comments(cfg):
    teasers = "".join(
        f"Story {i} headline here\nA teaser sentence about story number {i} for readers today.\n"
        f"{i} hours ago\n"
        for i in range(1, 8)
    )
    comments = (
        "12 Comments\njoe says:\nThis article is wrong about nearly everything it says here.\n"
    )
    menu = "Home\nNews\nLocal\nPolitics\nSport\nWeather\n"
    body, removed, _ = labelled(cfg, teasers + menu + ARTICLE + comments)
    assert body == ARTICLE.strip()
    assert removed["12 Comments"] == ("chrome", "comment-section")


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("Leia também:", "related"),
        ("Lesen Sie auch", "related"),
        ("Читайте также:", "related"),
        ("À lire aussi", "related"),
        ("Whatsapp Facebook Pint Baixar", "chrome"),
        ("Facebook Twitter E-mail", "chrome"),
        ("12 comentários", "chrome"),
        ("Kommentare", "chrome"),
    ],
)
def test_chrome_phrases_in_other_languages(cfg, line, label):
    _, removed, _ = labelled(cfg, f"{ARTICLE}{line}\n{ARTICLE}")
    assert removed[line][0] == label


@pytest.mark.parametrize(
    ("header", "label"),
    [
        ("January 3, 2026 | 4 min read", "dateline"),
        ("Madrid - 03 ENE 2026 - 10:30 CET", "dateline"),
        ("2026-01-03 10:30:15 来源：新华社", "dateline"),
        ("By Laura Whitfield | 17 Feb 2019 08:00 GMT", "byline"),
        ("Por Lucía Fernández | jueves, 11 de julio de 2024", "byline"),
    ],
)
def test_header_lines_that_carry_a_date_beside_other_words(cfg, header, label):
    text = f"Researchers Find New Species of Frog in the Andes\n{header}\n{ARTICLE}"
    _, removed, title = labelled(cfg, text)
    assert removed[header][0] == label
    assert title == "Researchers Find New Species of Frog in the Andes"


def test_dates_in_a_related_list_above_the_headline_are_not_datelines(cfg):
    related = "Latest news\nStorm Leaves Thousands Without Power\n29 July 2024\n"
    header = "Council Approves New Budget After Long Debate\nBy Jane Doe\n13 May 2025\n"
    text = related + header + ARTICLE
    _, removed, _ = labelled(cfg, text)
    assert removed["29 July 2024"] == ("related", "follows-related-heading")
    assert removed["13 May 2025"][0] == "dateline"


def test_a_list_of_teasers_cut_short_is_not_the_article(cfg):
    # Each teaser is longer than a paragraph of the article, but ends where its site cut it.
    teasers = "".join(
        f"Story {i} headline\nOfficials in the region said on Monday that the long-awaited "
        f"report number {i} on water, roads and schools would finally be published soon, and...\n"
        for i in range(1, 8)
    )
    body, _, _ = labelled(cfg, teasers + "Home\nNews\nSport\nWeather\nCulture\nTravel\n" + ARTICLE)
    assert body == ARTICLE.strip()
    assert "…" not in body and "..." not in body


def test_a_block_far_below_the_article_does_not_join_it(cfg):
    notice = (
        "We are committed to protecting your personal data and have updated our privacy policy.\n"
        "Please review the policy, which explains the data we collect and how we use it.\n"
        "If you do not want us to process your data, you can delete your account at any time.\n"
    )
    menu = "".join(f"Section {i}\n" for i in range(70))
    body, removed, _ = labelled(cfg, ARTICLE + ARTICLE + menu + notice)
    assert body == (ARTICLE + ARTICLE).strip()
    assert removed[notice.split("\n")[0]] == ("chrome", "outside-main-text")


def test_an_article_interrupted_by_two_lists_stays_whole(cfg):
    bullets = "".join(f"Item {i} of the plan for the city\n" for i in range(7))
    short = "That is the plan. Here is what it means for you, in short.\n"
    body, _, _ = labelled(
        cfg, "Home\nNews\n" + ARTICLE + bullets + short + bullets + ARTICLE + ARTICLE + "Contact\n"
    )
    lines = body.split("\n")
    assert lines[0] == ARTICLE.split("\n")[0]
    assert short.strip() in lines
    assert lines[-1] == ARTICLE.strip().split("\n")[-1]


@pytest.mark.parametrize("heading", ["Reviews", "Отзывы", "Write a review", "Bewertungen"])
def test_a_reviews_section_ends_the_article_like_comments(cfg, heading):
    reviews = "".join(
        f"Reader {i}\nI tried this plan for a month and it worked well for me and my family.\n"
        for i in range(8)
    )
    body, removed, _ = labelled(cfg, ARTICLE + ARTICLE + heading + "\n" + reviews)
    assert body == (ARTICLE + ARTICLE).strip()
    assert removed[heading] == ("chrome", "comment-section")


@pytest.mark.parametrize(
    "line",
    [
        "© 2019 Associated Press. All Rights Reserved. This material may not be published.",
        "Copyright 2024 Example Media. Tous droits réservés.",
        "Sign up for our daily newsletter and get the top stories delivered to your inbox.",
        "Follow her on Twitter @somebody or on Facebook.",
        "If you buy something through this post, we may earn a commission.",
    ],
)
def test_footer_notices_and_appeals_are_chrome(cfg, line):
    _, removed, _ = labelled(cfg, f"{ARTICLE}{line}\n{ARTICLE}")
    assert removed[line][0] == "chrome"


def test_a_rule_is_only_tried_on_lines_holding_one_of_its_contains_strings():
    from pipeline.steps.segment_text import Rule, Rules, match_any_zone_rule

    rules = Rules(
        rules=(Rule("shout", "chrome", r"^[\p{Lu} ]+$", case_sensitive=True, contains=("sale",)),)
    )
    assert match_any_zone_rule("BIG SALE TODAY", rules).name == "shout"  # \p{..}: regex module
    assert match_any_zone_rule("BIG NEWS TODAY", rules) is None  # no "sale": never tried


def test_the_shipped_contains_strings_are_in_every_line_their_rules_match(cfg):
    """A rule's screen may not hide a line its pattern matches: every line of the examples above
    and below that a rule with `contains` matches holds one of its strings."""
    from pipeline.steps.segment_text import compile_rule

    examples = [
        "Photo: Jane Doe / Reuters", "(Photo by John Smith)", "Image source: NASA",
        "© Example Media 2024", "(c) 2020 The Paper", "Copyright 2019 Hearst",
        "We use cookies to improve your experience.", "Accept all cookies",
        "All rights reserved.", "Todos los derechos reservados.", "Alle Rechte vorbehalten.",
        "Все права защищены.", "Tutti i diritti riservati.", "Hak cipta dilindungi undang-undang.",
        "Subscribe to our newsletter", "Get it delivered to your inbox", "No spam, ever.",
        "Unsubscribe at any time.", "We may receive a share of sales.",
        "Sites may earn compensation.", "Ronald Dueñas / CC BY NC ND 2.0",
    ]  # fmt: skip
    for rule in cfg.segment_text.rules.rules:
        if not rule.contains:
            continue
        pattern = compile_rule(rule)
        for line in examples:
            if pattern.search(line):
                assert any(c in line.lower() for c in rule.contains), (rule.name, line)


def test_a_closing_sentence_after_the_last_paragraph_stays(cfg):
    closing = "The vote is expected next week."
    body, removed, _ = labelled(cfg, ARTICLE + ARTICLE + closing + "\nMore news\nContact us\n")
    assert body.split("\n")[-1] == closing
    assert removed["Contact us"][0] == "chrome"


def test_rules_over_a_whole_document_label_each_line_as_alone(cfg):
    """The screens run once over a document's lines give every line the rule it gets alone:
    a screen string split across two lines matches neither, a rule's word limit still holds."""
    from pipeline.steps.segment_text import any_zone_rules, match_any_zone_rule

    rules = cfg.segment_text.rules
    lines = [
        "Share this article",
        "Photo: Jane Doe / Reuters",
        "The minister said the new rail line would open next spring, ahead of plans.",
        "Read more: Transit fares to rise in spring",
        "A long sentence about the harbour that mentions a photo of the old quay and goes on "
        "and on for many more words than any caption rule allows, so that no rule applies.",
        "phot",
        "o credit",
        "Advertisement",
        "© 2026 Example News. All rights reserved.",
        "Comments (12)",
        "Related",
    ]
    assert any_zone_rules(lines, rules) == [match_any_zone_rule(line, rules) for line in lines]
    labels = [rule.name if rule else None for rule in any_zone_rules(lines, rules)]
    assert labels[0] and labels[3] and labels[7] and labels[8]
    assert labels[2] is None and labels[5] is None and labels[6] is None
