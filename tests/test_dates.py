"""The dates step: where `published` comes from, which strings are dates, and ambiguity."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.config import ConfigError, parse_config
from pipeline.record import Document, Drop, Line
from pipeline.steps import Context
from pipeline.steps.dates import (
    NAME,
    Config,
    Reading,
    SourceOrder,
    WeekdayMention,
    expand_year,
    find_cues,
    find_dates,
    order_votes,
    parse_date,
    resolve,
    run,
    site_key,
    strip_cue,
    weekday_mentions,
)

RUN_DATE = dt.date(2026, 6, 1)
CTX = Context(run_date=RUN_DATE)
ENGLISH_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def make_doc(
    *lines: tuple[str, str], text: str = "", html_date: str | None = None, fmt: str = "text"
) -> Document:
    """A document with (label, text) lines numbered from 0 and the given body text."""
    meta: dict[str, Any] = {"html": {"date": html_date}} if fmt == "html" else {}
    return Document(
        source_path="doc.txt",
        source_sha256="00",
        source_bytes=1,
        input_format=fmt,
        text=text,
        lines=tuple(Line(t, label, "test", i) for i, (label, t) in enumerate(lines)),
        meta=meta,
    )


def date_of(
    *lines: tuple[str, str], text: str = "", cfg: Config | None = None, ctx: Context = CTX
) -> tuple[str | None, dict[str, Any]]:
    doc, prov = run(make_doc(*lines, text=text), cfg or Config(), ctx)
    assert not isinstance(doc, Drop)
    json.dumps(prov)  # provenance is plain JSON
    return doc.published, prov["date"]


def test_name() -> None:
    assert NAME == "dates"


# ---------------------------------------------------------------------------------------------
# The seed case and the basic sources


def test_ambiguous_dateline_resolved_by_weekdays_in_the_body() -> None:
    published, rec = date_of(
        ("title", "Storm hits the coast"),
        ("dateline", "Written on 01/03/2026"),
        text="On the night of Friday 2nd to Saturday 3rd the storm reached the coast.\nMore.",
    )
    # 2 and 3 January 2026 are a Friday and a Saturday; 2 and 3 March are a Monday and a Tuesday
    assert published == "2026-01-03"
    assert rec["source"] == "dateline"
    assert rec["raw"] == "01/03/2026"
    assert rec["cue"] == "Written on"
    assert rec["ambiguous"] is True
    assert rec["readings"] == {"dmy": "2026-03-01", "mdy": "2026-01-03"}
    assert rec["rule"] == "numeric-mdy"
    assert rec["format"] == "%m/%d/%Y"
    res = rec["resolution"]
    assert res["by"] == "weekday"
    assert res["weekday_mentions"] == ["Friday 2nd", "Saturday 3rd"]
    assert res["fits"] == "2026-01-03"
    assert res["contradicts"] == "2026-03-01"


def test_ambiguous_dateline_without_evidence_stays_null_and_keeps_both_readings() -> None:
    published, rec = date_of(
        ("dateline", "Written on 01/03/2026"), text="The storm reached the coast at night."
    )
    assert published is None
    assert rec["ambiguous"] is True
    assert rec["readings"] == {"dmy": "2026-03-01", "mdy": "2026-01-03"}
    assert rec["resolution"]["by"] is None
    assert "ambiguous" in rec["null_reason"]
    [cand] = rec["candidates"]
    assert cand["readings"] == {"dmy": "2026-03-01", "mdy": "2026-01-03"}
    assert cand["status"] == "unresolved"


def test_iso_dateline() -> None:
    published, rec = date_of(("dateline", "date 2026-01-05"))
    assert published == "2026-01-05"
    assert rec["rule"] == "iso-8601"
    assert rec["cue"] == "date"
    assert rec["ambiguous"] is False


def test_date_in_a_byline() -> None:
    published, rec = date_of(("byline", "By Jane Doe, 3 January 2026"))
    assert published == "2026-01-03"
    assert rec["source"] == "byline"


def test_chrome_is_never_a_date_source() -> None:
    published, rec = date_of(
        ("chrome", "AUGUST 2025"),
        ("chrome", "Saturday 3 January 2026"),
        ("title", "Published 4 January 2026"),
        text="Published 5 January 2026 is what the body says.",
    )
    assert published is None
    assert rec["source"] == "none"
    assert rec["candidates"] == [] and rec["rejected"] == []
    assert rec["null_reason"] == "no date in the sources"


def test_month_and_year_only_is_not_a_publication_date() -> None:
    published, rec = date_of(("dateline", "AUGUST 2025"))
    assert published is None
    assert rec["rejected"][0]["reason"] == "no day"


def test_future_date_is_rejected() -> None:
    published, rec = date_of(("dateline", "Published 3 January 2027"))
    assert published is None
    [rej] = rec["rejected"]
    assert rej["reason"] == "after run date"
    assert rej["date"] == "2027-01-03"


def test_future_date_falls_back_to_the_next_candidate() -> None:
    published, rec = date_of(
        ("dateline", "Published 3 January 2027"), ("byline", "By Jane Doe, 2 January 2026")
    )
    assert published == "2026-01-02"
    assert rec["rejected"][0]["reason"] == "after run date"


def test_html_metadata_beats_a_dateline() -> None:
    doc = make_doc(("dateline", "Published 3 January 2026"), html_date="2026-01-07", fmt="html")
    out, prov = run(doc, Config(), CTX)
    assert isinstance(out, Document)
    rec = prov["date"]
    assert out.published == "2026-01-07"
    assert rec["source"] == "html-metadata"
    assert [c["source"] for c in rec["candidates"]] == ["html-metadata", "dateline"]
    assert rec["candidates"][1]["status"] == "outranked"


def test_html_metadata_after_the_run_date_is_rejected() -> None:
    doc = make_doc(("dateline", "Published 3 January 2026"), html_date="2027-01-07", fmt="html")
    out, prov = run(doc, Config(), CTX)
    assert isinstance(out, Document)
    assert out.published == "2026-01-03"
    assert prov["date"]["rejected"][0]["source"] == "html-metadata"


def test_html_metadata_that_is_not_a_date_is_rejected() -> None:
    doc = make_doc(html_date="sometime", fmt="html")
    out, prov = run(doc, Config(), CTX)
    assert isinstance(out, Document)
    assert out.published is None
    assert prov["date"]["rejected"][0]["reason"] == "invalid date"


def test_published_beats_updated_whatever_the_order() -> None:
    published, rec = date_of(("dateline", "Updated: Jan 5, 2026 | Published: Jan 3, 2026"))
    assert published == "2026-01-03"
    assert rec["cue_kind"] == "published"
    published, _ = date_of(("dateline", "Published 3 Jan 2026, last updated 5 Jan 2026"))
    assert published == "2026-01-03"


def test_an_updated_date_alone_is_recorded_not_published() -> None:
    published, rec = date_of(("dateline", "Last updated: 5 January 2026"))
    assert published is None
    assert rec["updated"] == "2026-01-05"
    assert rec["null_reason"] == "only an updated date"
    assert rec["candidates"][0]["status"] == "updated-date"


def test_an_updated_date_is_used_when_configured() -> None:
    published, rec = date_of(
        ("dateline", "Last updated: 5 January 2026"), cfg=Config(use_updated_date=True)
    )
    assert published == "2026-01-05"
    assert rec["cue_kind"] == "updated"


def test_a_plain_byline_date_beats_an_updated_dateline() -> None:
    published, _ = date_of(
        ("dateline", "Updated 5 January 2026"), ("byline", "By Jane Doe, 3 January 2026")
    )
    assert published == "2026-01-03"


def test_relative_dates_are_left_null_and_recorded() -> None:
    published, rec = date_of(("dateline", "Updated 2 hours ago"))
    assert published is None
    assert rec["null_reason"] == "only relative dates"
    assert rec["rejected"][0]["raw"] == "2 hours ago"


def test_body_first_paragraph_only_when_enabled() -> None:
    text = "WASHINGTON, Jan. 3, 2026 - Lawmakers met on Friday.\nMore text."
    assert date_of(text=text)[0] is None
    published, rec = date_of(text=text, cfg=Config(use_body_first_paragraph=True))
    assert published == "2026-01-03"
    assert rec["source"] == "body-first-paragraph"


def test_step_does_not_touch_other_fields() -> None:
    doc = make_doc(("dateline", "Posted on Jan 3rd, 2026"), text="Body.")
    out, _ = run(doc, Config(), CTX)
    assert isinstance(out, Document)
    assert out.published == "2026-01-03"
    assert (out.text, out.lines, out.meta) == (doc.text, doc.lines, doc.meta)


# ---------------------------------------------------------------------------------------------
# Formats, per language: (dateline, expected date)

FORMATS = [
    # English
    ("Published: January 3, 2026", "2026-01-03"),
    ("Posted on Jan 3rd, 2026", "2026-01-03"),
    ("Saturday, 3 January 2026", "2026-01-03"),
    ("Sat, Jan 3, 2026", "2026-01-03"),
    ("the 3rd of January 2026", "2026-01-03"),
    ("Jan. 3, 2026, 9:30 a.m. ET", "2026-01-03"),
    ("03-Jan-2026", "2026-01-03"),
    ("Mon, 05 Jan 2026 09:30:00 +0000", "2026-01-05"),
    ("2026-01-05T09:30:00Z", "2026-01-05"),
    ("date 2026-01-05 14:02", "2026-01-05"),
    ("2026/01/05", "2026-01-05"),
    ("13/01/2026", "2026-01-13"),
    ("01/13/2026", "2026-01-13"),
    ("05/05/2026", "2026-05-05"),
    ("13.01.26", "2026-01-13"),
    ("AUGUST 31, 2025", "2025-08-31"),
    # Spanish
    ("Publicado el 3 de enero de 2026", "2026-01-03"),
    ("sábado 3 de enero del 2026", "2026-01-03"),
    ("3 ene. 2026", "2026-01-03"),
    ("enero 3 de 2026", "2026-01-03"),
    ("15 de septiembre de 2025", "2025-09-15"),
    # Portuguese
    ("Publicado em 3 de janeiro de 2026", "2026-01-03"),
    ("sábado, 3 de janeiro de 2026", "2026-01-03"),
    ("15 de março de 2026", "2026-03-15"),
    ("3 out 2025", "2025-10-03"),
    # French
    ("Publié le 1er janvier 2026", "2026-01-01"),
    ("samedi 3 janvier 2026", "2026-01-03"),
    ("3 févr. 2026", "2026-02-03"),
    ("15 août 2025", "2025-08-15"),
    # German
    ("Veröffentlicht am 3. Januar 2026", "2026-01-03"),
    ("Samstag, 3. Januar 2026", "2026-01-03"),
    ("3. Jän. 2026", "2026-01-03"),
    ("15. März 2026", "2026-03-15"),
    # Italian
    ("Pubblicato il 3 gennaio 2026", "2026-01-03"),
    ("sabato 3 gennaio 2026", "2026-01-03"),
    ("1º febbraio 2026", "2026-02-01"),
    ("3 gen 2026", "2026-01-03"),
    # Dutch
    ("Gepubliceerd op 3 januari 2026", "2026-01-03"),
    ("zaterdag 3 januari 2026", "2026-01-03"),
    ("3 mrt. 2026", "2026-03-03"),
    ("15 mei 2026", "2026-05-15"),
    # Russian (genitive month names)
    ("Опубликовано 3 января 2026", "2026-01-03"),
    ("3 января 2026 г.", "2026-01-03"),
    ("3 янв. 2026", "2026-01-03"),
    ("15 мая 2026, 10:00", "2026-05-15"),
    # CJK
    ("2026年1月3日", "2026-01-03"),
    ("发布时间：2026年01月03日 10:30", "2026-01-03"),
    ("2026년 1월 3일", "2026-01-03"),
]


@pytest.mark.parametrize(("dateline", "expected"), FORMATS)
def test_formats(dateline: str, expected: str) -> None:
    published, rec = date_of(("dateline", dateline))
    assert published == expected, rec


# ---------------------------------------------------------------------------------------------
# Strings that must not produce a date, even on a dateline

NOT_DATES = [
    "Updated (2 articles)",
    "10 Comments",
    "2,500 $",
    "Section 2/3",
    "Page 12 of 30",
    "+1 555-123-4567",
    "Call (555) 123-4567",
    "Tel. 06 12 34 56 78",
    "Tel. 06-12-34-56-78",
    "+33 1 23 45 67 89",
    "Version 1.2.3",
    "192.168.1.10",
    "© 2010–2026 Example Media",
    "AUGUST 2025",
    "2026年1月",
    "Jan 3",
    "3 January",
    "32/01/2026",
    "31/02/2026",
    "2026-13-45",
    "Published 12/31/2026",  # after the run date
    "Posted 2 hours ago",
    "yesterday",
    "hace 3 horas",
    "il y a 2 jours",
    "vor 3 Tagen",
    "3 giorni fa",
    "2 uur geleden",
    "3 дня назад",
    "3小时前",
]


@pytest.mark.parametrize("dateline", NOT_DATES)
def test_not_dates(dateline: str) -> None:
    published, rec = date_of(("dateline", dateline))
    assert published is None, rec
    assert rec["null_reason"]


# ---------------------------------------------------------------------------------------------
# Ambiguity: resolved only on evidence


def test_a_reading_after_the_run_date_resolves_the_ambiguity() -> None:
    published, rec = date_of(
        ("dateline", "Published 01/03/2026"), ctx=Context(run_date=dt.date(2026, 2, 1))
    )
    assert published == "2026-01-03"
    assert rec["resolution"]["by"] == "run_date"
    assert rec["resolution"]["contradicts"] == "2026-03-01"


def test_both_readings_after_the_run_date_are_rejected() -> None:
    published, rec = date_of(
        ("dateline", "Published 01/03/2026"), ctx=Context(run_date=dt.date(2025, 12, 1))
    )
    assert published is None
    assert rec["rejected"][0]["reason"] == "after run date"


def test_unambiguous_header_date_sets_the_order() -> None:
    published, rec = date_of(
        ("dateline", "Published 01/03/2026"),
        ("chrome", "Comment posted 13/01/2026"),
    )
    assert published == "2026-03-01"
    assert rec["resolution"]["by"] == "header_order"
    assert rec["resolution"]["order"] == "dmy"
    assert rec["resolution"]["examples"] == ["13/01/2026"]


def test_conflicting_header_orders_are_no_evidence() -> None:
    published, rec = date_of(
        ("dateline", "Published 01/03/2026"),
        ("chrome", "13/01/2026"),
        ("chrome", "01/13/2026"),
    )
    assert published is None
    assert rec["resolution"]["checked"]["header_order"] == {
        "dmy": ["13/01/2026"],
        "mdy": ["01/13/2026"],
    }


def test_body_dates_do_not_set_the_order() -> None:
    published, _ = date_of(("dateline", "Published 01/03/2026"), text="Due 13/01/2026.")
    assert published is None


def test_weekday_written_with_the_date_is_evidence() -> None:
    published, rec = date_of(("dateline", "Saturday 01/03/2026"))
    assert published == "2026-01-03"
    assert rec["resolution"]["by"] == "weekday"


def test_weekday_evidence_in_french() -> None:
    published, rec = date_of(
        ("dateline", "Publié le 01/03/2026"),
        text="Dans la nuit du vendredi 2 au samedi 3, la tempête a frappé.",
    )
    assert published == "2026-01-03"
    assert rec["resolution"]["weekday_mentions"] == ["vendredi 2", "samedi 3"]


def test_weekday_evidence_that_fits_both_readings_resolves_nothing() -> None:
    # Sunday 1 March 2026 and Saturday 3 January 2026 are both true
    published, rec = date_of(
        ("dateline", "Published 01/03/2026"), text="Sunday 1st or Saturday 3rd, nobody knows."
    )
    assert published is None
    assert rec["resolution"]["checked"]["weekday"]["support"] == {
        "dmy": ["Sunday 1st"],
        "mdy": ["Saturday 3rd"],
    }


def test_weekday_with_another_month_named_does_not_count() -> None:
    # Friday 2 and Saturday 3 fit January 2026, but the body says they are in October
    published, _ = date_of(
        ("dateline", "Published 01/03/2026"), text="From Friday 2 October to Saturday 3 October."
    )
    assert published is None


def test_updated_date_bounds_the_publication_date() -> None:
    published, rec = date_of(("dateline", "Published 01/03/2026 | Updated 5 January 2026"))
    assert published == "2026-01-03"
    assert rec["resolution"]["by"] == "updated_date"


def test_same_date_written_elsewhere_resolves() -> None:
    published, rec = date_of(("dateline", "01/03/2026"), ("byline", "By Jane Doe, 1 March 2026"))
    assert published == "2026-03-01"
    assert rec["resolution"]["by"] == "same_date_elsewhere"


@pytest.mark.parametrize(("order", "expected"), [("dmy", "2026-03-01"), ("mdy", "2026-01-03")])
def test_configured_order_is_the_last_resort(order: str, expected: str) -> None:
    published, rec = date_of(
        ("dateline", "Written on 01/03/2026"),
        cfg=Config(numeric_order=order),  # type: ignore[arg-type]
    )
    assert published == expected
    assert rec["resolution"]["by"] == "config"
    assert rec["resolution"]["order"] == order


def test_configured_order_does_not_override_evidence() -> None:
    published, rec = date_of(
        ("dateline", "Written on 01/03/2026"),
        text="Friday 2nd to Saturday 3rd.",
        cfg=Config(numeric_order="dmy"),
    )
    assert published == "2026-01-03"
    assert rec["resolution"]["by"] == "weekday"


def test_equal_readings_are_not_ambiguous() -> None:
    published, rec = date_of(("dateline", "05/05/2026"))
    assert published == "2026-05-05"
    assert rec["ambiguous"] is False


def test_the_separator_implies_no_order() -> None:
    published, rec = date_of(("dateline", "Veröffentlicht am 01.03.2026"))
    assert published is None
    assert rec["readings"] == {"dmy": "2026-03-01", "mdy": "2026-01-03"}


# ---------------------------------------------------------------------------------------------
# Unit tests of the parsing functions


def test_find_dates_rules() -> None:
    rules = {
        "2026-01-05": "iso-8601",
        "Mon, 05 Jan 2026 09:30:00 +0000": "rfc-2822",
        "2026年1月3日": "cjk-ymd",
        "2026.01.05": "numeric-ymd",
        "01/03/2026": "numeric",
        "3 January 2026": "textual-dmy",
        "January 3, 2026": "textual-mdy",
        "2026 January 3": "textual-ymd",
        "August 2025": "month-year",
        "3 hours ago": "relative",
        "3 March": "textual-no-year",
    }
    for text, rule in rules.items():
        [match] = find_dates(text, RUN_DATE)
        assert match.rule == rule, text
        assert match.raw == text


def test_find_dates_in_a_line_with_two_dates() -> None:
    matches = find_dates("Published 3 Jan 2026 | Updated 5 Jan 2026", RUN_DATE)
    assert [m.raw for m in matches] == ["3 Jan 2026", "5 Jan 2026"]


def test_find_dates_records_the_written_weekday() -> None:
    [m] = find_dates("Samstag, 3. Januar 2026", RUN_DATE)
    assert m.weekday == 5
    assert m.readings == (Reading("textual-dmy", dt.date(2026, 1, 3)),)


def test_two_digit_years() -> None:
    assert expand_year(26, RUN_DATE) == 2026
    assert expand_year(99, RUN_DATE) == 1999
    assert expand_year(27, RUN_DATE) == 1927
    [m] = find_dates("13/01/99", RUN_DATE)
    assert [r.date for r in m.readings] == [dt.date(1999, 1, 13)]


def test_parse_date() -> None:
    assert parse_date("Posted on Jan 3rd, 2026", RUN_DATE) == dt.date(2026, 1, 3)
    assert parse_date("01/03/2026", RUN_DATE) is None
    assert parse_date("Published 3 January 2027", RUN_DATE) is None
    assert parse_date("3 January 1850", RUN_DATE) is None


def test_cues() -> None:
    assert [(c.kind, c.text) for c in find_cues("Published 3 Jan | Last updated 5 Jan")] == [
        ("published", "Published"),
        ("updated", "Last updated"),
    ]
    cue, rest = strip_cue("Veröffentlicht am 3. Januar 2026")
    assert cue is not None and cue.kind == "published"
    assert rest == "3. Januar 2026"
    cue, rest = strip_cue("Обновлено: 5 января 2026")
    assert cue is not None and cue.kind == "updated"
    assert rest == "5 января 2026"
    assert strip_cue("3 January 2026") == (None, "3 January 2026")


def test_weekday_mentions() -> None:
    mentions = weekday_mentions(
        "On the night of Friday 2nd to Saturday 3rd; at Friday 10:30; Sat. 4; "
        "Freitag, 2. Januar; 1月3日(土); Mar 3 is March"
    )
    assert [(m.raw, m.weekday, m.day, m.month) for m in mentions] == [
        ("Friday 2nd", 4, 2, None),
        ("Saturday 3rd", 5, 3, None),
        ("Sat. 4", 5, 4, None),
        ("Freitag, 2. Januar", 4, 2, 1),
        ("1月3日(土)", 5, 3, 1),
    ]


def test_weekday_mention_fits() -> None:
    friday_2nd = WeekdayMention("Friday 2nd", 4, 2)
    assert friday_2nd.fits(2026, 1)
    assert not friday_2nd.fits(2026, 3)
    assert not WeekdayMention("Friday 2 October", 4, 2, 10).fits(2026, 1)
    assert not WeekdayMention("Friday 31st", 4, 31).fits(2026, 2)


def test_resolve_directly() -> None:
    readings = [
        Reading("numeric-dmy", dt.date(2026, 3, 1)),
        Reading("numeric-mdy", dt.date(2026, 1, 3)),
    ]
    pick, record = resolve(readings, run_date=RUN_DATE, header_orders=[("mdy", "12/25/2025")])
    assert pick == readings[1]
    assert record["by"] == "header_order"
    pick, record = resolve(readings, run_date=RUN_DATE)
    assert pick is None and record["by"] is None


# ---------------------------------------------------------------------------------------------
# Properties

dates_up_to_run = st.dates(min_value=dt.date(1900, 1, 1), max_value=RUN_DATE)


def _formats(d: dt.date) -> list[str]:
    month = ENGLISH_MONTHS[d.month - 1]
    return [d.isoformat(), f"{d.day:02d} {month} {d.year}", f"{month} {d.day:02d}, {d.year}"]


@given(dates_up_to_run)
def test_formatted_dates_parse_back(d: dt.date) -> None:
    for text in _formats(d):
        assert parse_date(text, RUN_DATE) == d, text
        assert parse_date(f"Published: {text}", RUN_DATE) == d, text


@given(dates_up_to_run)
def test_formatted_dates_on_a_dateline_become_published(d: dt.date) -> None:
    for text in _formats(d):
        assert date_of(("dateline", text))[0] == d.isoformat()


@given(st.dates(min_value=RUN_DATE + dt.timedelta(days=2), max_value=dt.date(2200, 1, 1)))
def test_dates_after_the_run_date_never_come_out(d: dt.date) -> None:
    for text in _formats(d):
        assert date_of(("dateline", text))[0] is None


def test_the_day_after_the_run_date_is_allowed_for_time_zones() -> None:
    tomorrow = (RUN_DATE + dt.timedelta(days=1)).isoformat()
    assert date_of(("dateline", f"Published {tomorrow}"))[0] == tomorrow
    assert date_of(("dateline", f"Published {tomorrow}"), cfg=Config(max_days_ahead=0))[0] is None


@given(st.integers(1, 31), st.integers(1, 31), st.integers(0, 2100), st.sampled_from("/.-"))
def test_numeric_dates_never_after_the_run_date(a: int, b: int, year: int, sep: str) -> None:
    text = f"{a:02d}{sep}{b:02d}{sep}{year:02d}" if year < 100 else f"{a}{sep}{b}{sep}{year}"
    published, rec = date_of(("dateline", text), cfg=Config(numeric_order="dmy"))
    if published is not None:
        assert dt.date.fromisoformat(published) <= RUN_DATE + dt.timedelta(days=1)
        assert rec["raw"] == text


# ---------------------------------------------------------------------------------------------
# Header expressions as sites write them: times, year words, articles, CJK cues


@pytest.mark.parametrize(
    ("text", "raw", "covered"),
    [
        ("Sat 3 Jan 2026 17.14 GMT", "Sat 3 Jan 2026", "Sat 3 Jan 2026 17.14 GMT"),
        ("3 января 2026 г., 10:30", "3 января 2026", "3 января 2026 г., 10:30"),
        ("17 de mayo de 2025 - 10:30", "17 de mayo de 2025", "17 de mayo de 2025 - 10:30"),
        ("15/04/2026 ore 10:30", "15/04/2026", "15/04/2026 ore 10:30"),
        ("2026年1月3日(土) 10時30分", "2026年1月3日", "2026年1月3日(土) 10時30分"),
        ("14:05, 3 января 2026", "3 января 2026", "14:05, 3 января 2026"),
        (
            "3:45 PM EST, Sat January 3, 2026",
            "Sat January 3, 2026",
            "3:45 PM EST, Sat January 3, 2026",
        ),
        ("the 17th of January 2021", "the 17th of January 2021", "the 17th of January 2021"),
    ],
)
def test_a_date_covers_its_time_year_word_and_bracketed_weekday(
    text: str, raw: str, covered: str
) -> None:
    [m] = find_dates(text, RUN_DATE)
    assert m.raw == raw
    assert text[m.start : m.end] == covered


def test_a_bracketed_cjk_weekday_is_the_written_weekday() -> None:
    [m] = find_dates("2026年1月3日(土)", RUN_DATE)
    assert m.weekday == 5
    published, rec = date_of(("dateline", "2026年1月3日(月)"))
    assert published is None
    assert rec["rejected"][0]["reason"] == "not a Monday"


def test_a_weekday_inside_a_word_is_not_a_weekday() -> None:
    [m] = find_dates("Forsat 3 Jan 2026", RUN_DATE)
    assert m.weekday is None


@pytest.mark.parametrize(
    ("line", "kind", "cue"),
    [
        ("发布时间：2026年01月03日", "published", "发布时间："),
        ("Date de publication : le 8 avril 2021", "published", "Date de publication"),
        ("Last modified on Sat 3 Jan 2026", "updated", "Last modified on"),
        ("Mis à jour le 5 janvier 2026", "updated", "Mis à jour le"),
    ],
)
def test_cue_words(line: str, kind: str, cue: str) -> None:
    first = find_cues(line)[0]
    assert (first.kind, first.text, first.start) == (kind, cue, 0)


@pytest.mark.parametrize("line", ["Published by Reuters", "Posted by admin", "Publicado por EFE"])
def test_an_author_after_a_cue_word_is_not_a_date_cue(line: str) -> None:
    assert find_cues(line) == []


def test_a_cue_ending_inside_the_date_still_counts() -> None:
    # "le" ends the cue "Mis à jour le" and starts the date "le 5 janvier 2026"
    published, rec = date_of(("dateline", "Mis à jour le 5 janvier 2026"))
    assert published is None
    assert rec["updated"] == "2026-01-05"


# ---------------------------------------------------------------------------------------------
# Rejections: precision, decoys, widgets


def test_month_year_and_year_only_are_recorded_with_their_precision() -> None:
    _, rec = date_of(("dateline", "Published: August 2025"), ("byline", "By Jane Doe, 2025"))
    assert [(r["raw"], r["precision"], r["reason"]) for r in rec["rejected"]] == [
        ("August 2025", "month", "no day"),
        ("2025", "year", "no day"),
    ]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("By Jane Doe © Reuters 2026", "copyright"),
        ("By Jane Doe, Copyright 3 January 2026", "copyright"),
        ("3 January 2026 — 3 days left", "countdown or widget"),
        ("AUGUST 2025 يوم متبقٍ", "countdown or widget"),
        ("Offer ends 31 January 2026", "event, offer or deadline"),
        ("Angebot gültig bis 31. Januar 2026", "event, offer or deadline"),
        ("Event: 12 March 2026", "event, offer or deadline"),
    ],
)
def test_decoys_on_a_source_line(line: str, reason: str) -> None:
    published, rec = date_of(("byline", line))
    assert published is None
    assert rec["rejected"][0]["reason"] == reason


def test_a_cue_after_a_decoy_word_wins() -> None:
    published, _ = date_of(("dateline", "Sale ends soon | Published 3 January 2026"))
    assert published == "2026-01-03"


def test_a_date_above_the_menu_and_the_headline_is_a_widget() -> None:
    published, rec = date_of(
        ("dateline", "Monday, June 1, 2026"),
        ("chrome", "Home | World | Politics"),
        ("title", "Storm hits the coast"),
    )
    assert published is None
    assert "widget" in rec["rejected"][0]["reason"]


def test_a_date_after_the_headline_beats_one_above_it() -> None:
    published, rec = date_of(
        ("dateline", "Monday, June 1, 2026"),
        ("title", "Storm hits the coast"),
        ("byline", "By Jane Doe"),
        ("dateline", "3 January 2026"),
    )
    assert published == "2026-01-03"
    statuses = {c["raw"]: c["status"] for c in rec["candidates"]}
    assert statuses == {"3 January 2026": "used", "Monday, June 1, 2026": "outranked"}


def test_the_provenance_keeps_the_source_line() -> None:
    _, rec = date_of(("title", "Storm"), ("dateline", "Posted on Jan 3rd, 2026"))
    assert (rec["line"], rec["line_text"], rec["raw"]) == (
        1,
        "Posted on Jan 3rd, 2026",
        "Jan 3rd, 2026",
    )


# ---------------------------------------------------------------------------------------------
# Relative dates: rejected, or counted back from the file's own time when configured


@dataclasses.dataclass(frozen=True)
class TimedDocument(Document):
    source_mtime: float | None = None


MTIME = dt.datetime(2026, 1, 5, 15, 0, tzinfo=dt.timezone.utc).timestamp()


def relative(line: str, mtime: float | None = MTIME) -> tuple[str | None, dict[str, Any]]:
    base = make_doc(("dateline", line))
    doc = TimedDocument(**{f.name: getattr(base, f.name) for f in dataclasses.fields(Document)})
    doc = dataclasses.replace(doc, source_mtime=mtime)
    out, prov = run(doc, Config(relative_dates="source_mtime"), CTX)
    assert isinstance(out, Document)
    return out.published, prov["date"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Posted 2 hours ago", "2026-01-05"),
        ("Posted 16 hours ago", "2026-01-04"),
        ("Updated an hour ago", None),  # an updated date is not published
        ("Publicado hace 3 días", "2026-01-02"),
        ("Veröffentlicht vor 2 Tagen", "2026-01-03"),
        ("Опубликовано вчера", "2026-01-04"),
        ("发布时间：3小时前", "2026-01-05"),
        ("Posted 3 weeks ago", None),
        ("Posted a few days ago", None),
    ],
)
def test_relative_dates_against_the_file_time(line: str, expected: str | None) -> None:
    published, rec = relative(line)
    assert published == expected, rec


def test_relative_dates_without_a_file_time_stay_null() -> None:
    published, rec = relative("Posted 2 hours ago", mtime=None)
    assert published is None
    assert rec["rejected"][0]["relative"] == "no source_mtime on the document"


# ---------------------------------------------------------------------------------------------
# Ambiguity: conflicts, the weekday window, what is known of the source


def test_conflicting_evidence_is_no_evidence() -> None:
    # weekdays say 3 January (month-first); the comment timestamp says day-first
    published, rec = date_of(
        ("dateline", "Published 01/03/2026"),
        ("chrome", "Comment posted 13/03/2026"),
        text="On the night of Friday 2nd to Saturday 3rd the storm reached the coast.",
    )
    assert published is None
    assert rec["resolution"]["conflict"] == {"weekday": "2026-01-03", "header_order": "2026-03-01"}
    assert "conflicting" in rec["null_reason"]


def test_agreeing_evidence_is_recorded() -> None:
    published, rec = date_of(
        ("dateline", "Published 01/03/2026"),
        ("chrome", "Comment posted 12/13/2025"),
        text="On the night of Friday 2nd to Saturday 3rd the storm reached the coast.",
    )
    assert published == "2026-01-03"
    assert rec["resolution"]["by"] == "weekday"
    assert rec["resolution"]["also"] == ["header_order"]


def test_a_weekday_mention_far_from_a_reading_is_no_evidence() -> None:
    # Saturday 31st fits January 2026, four weeks from 3 January: not about the publication day
    assert (
        date_of(("dateline", "Published 01/03/2026"), text="See you on Saturday 31st.")[0] is None
    )
    published, _ = date_of(
        ("dateline", "Published 01/03/2026"),
        text="See you on Saturday 31st.",
        cfg=Config(weekday_window_days=31),
    )
    assert published == "2026-01-03"


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (SourceOrder(order="mdy", path="sites/us/*"), "2026-01-03"),
        (SourceOrder(order="dmy", path="sites/*"), "2026-03-01"),
        (SourceOrder(order="dmy", path="other/*"), None),
        (SourceOrder(order="dmy", language="de"), "2026-03-01"),
        (SourceOrder(order="dmy", language="fr"), None),
        (SourceOrder(order="mdy", host="*.example.com"), None),  # a text file has no host
    ],
)
def test_source_orders(entry: SourceOrder, expected: str | None) -> None:
    doc = dataclasses.replace(
        make_doc(("dateline", "Veröffentlicht am 01.03.2026")),
        source_path="sites/us/a.txt",
        language="de",
    )
    out, prov = run(doc, Config(source_orders=(entry,)), CTX)
    assert isinstance(out, Document)
    assert out.published == expected
    if expected:
        assert prov["date"]["resolution"]["by"] == "source_order"


def test_source_order_by_host_of_the_html_url() -> None:
    doc = make_doc(("boilerplate", "By Jane Doe | 01/03/2026"), html_date="2026-03-01", fmt="html")
    doc = dataclasses.replace(
        doc, meta={"html": {"date": "2026-03-01", "url": "https://news.example.com/a"}}
    )
    cfg = Config(source_orders=(SourceOrder(order="mdy", host="*.example.com"),))
    out, prov = run(doc, cfg, CTX)
    assert isinstance(out, Document)
    assert out.published == "2026-01-03"
    assert prov["date"]["resolution"]["by"] == "source_order"


def test_a_source_order_entry_needs_a_key() -> None:
    with pytest.raises(ValueError, match="needs a path, a host or a language"):
        SourceOrder(order="dmy")


def test_source_orders_in_the_config_file() -> None:
    cfg = parse_config({"dates": {"source_orders": [{"order": "mdy", "path": "us/*"}]}})
    assert cfg.dates.source_orders == (SourceOrder(order="mdy", path="us/*"),)
    with pytest.raises(ConfigError, match="needs a path, a host or a language"):
        parse_config({"dates": {"source_orders": [{"order": "mdy"}]}})
    with pytest.raises(ConfigError, match="must be one of"):
        parse_config({"dates": {"source_orders": [{"order": "ymd", "path": "x"}]}})


@dataclasses.dataclass(frozen=True)
class LearningContext(Context):
    date_orders: dict[str, str] = dataclasses.field(default_factory=dict)


def test_a_site_order_learned_over_the_run() -> None:
    doc = dataclasses.replace(
        make_doc(("dateline", "Published 01/03/2026")), source_path="raw/us-site/a.txt"
    )
    ctx = LearningContext(run_date=RUN_DATE, date_orders={"raw/us-site/": "mdy"})
    out, prov = run(doc, Config(numeric_order="dmy"), ctx)
    assert isinstance(out, Document)
    assert out.published == "2026-01-03"
    assert prov["date"]["resolution"]["by"] == "site_order"
    assert prov["date"]["resolution"]["source"] == "raw/us-site/"


def test_order_votes_and_site_key_for_a_pre_pass() -> None:
    doc = dataclasses.replace(
        make_doc(("dateline", "Published 01/03/2026"), ("chrome", "13/01/2026, 25/12/2025")),
        source_path="raw/site/a.txt",
    )
    assert site_key(doc) == "raw/site/"
    assert order_votes(doc, RUN_DATE) == {"dmy": 2, "mdy": 0}


# ---------------------------------------------------------------------------------------------
# HTML metadata: htmldate reads ambiguous numeric dates day-first


def html_doc(date: str, *lines: tuple[str, str], **meta: Any) -> Document:
    doc = make_doc(*lines, html_date=date, fmt="html")
    return dataclasses.replace(doc, meta={"html": {"date": date, **meta}})


def test_an_html_date_that_is_a_day_first_guess_is_ambiguous() -> None:
    doc = html_doc("2026-03-01", ("body", "01/03/2026"), ("body", "Some text."))
    out, prov = run(doc, Config(), CTX)
    assert isinstance(out, Document)
    assert out.published is None
    rec = prov["date"]
    assert rec["ambiguous"] is True
    assert rec["readings"] == {"dmy": "2026-03-01", "mdy": "2026-01-03"}
    assert "day-first" in rec["candidates"][0]["html_date_suspect"]


def test_a_suspect_html_date_is_resolved_by_evidence() -> None:
    doc = html_doc("2026-03-01", ("body", "Saturday 01/03/2026"))
    out, _ = run(doc, Config(), CTX)
    assert isinstance(out, Document)
    assert out.published == "2026-01-03"


@pytest.mark.parametrize(
    ("date", "lines", "meta"),
    [
        ("2026-01-03", [("body", "01/03/2026")], {}),  # the month-first reading: not a guess
        ("2026-03-01", [("body", "01/03/2026"), ("body", "1 March 2026")], {}),
        ("2026-03-01", [("body", "01/03/2026")], {"date_strings": ["2026-03-01T09:30:00Z"]}),
    ],
)
def test_an_html_date_that_is_not_a_guess(
    date: str, lines: list[tuple[str, str]], meta: dict[str, Any]
) -> None:
    out, _ = run(html_doc(date, *lines, **meta), Config(), CTX)
    assert isinstance(out, Document)
    assert out.published == date


def test_html_date_strings_show_the_guess() -> None:
    doc = html_doc("2026-03-01", date_strings=["01/03/2026"])
    out, _ = run(doc, Config(), CTX)
    assert isinstance(out, Document)
    assert out.published is None
    out, _ = run(doc, Config(html_date_check=False), CTX)
    assert isinstance(out, Document)
    assert out.published == "2026-03-01"


def test_html_updated_date() -> None:
    doc = html_doc("2026-03-01", date_updated="2026-03-05")
    out, prov = run(doc, Config(), CTX)
    assert isinstance(out, Document)
    assert out.published == "2026-03-01"
    assert prov["date"]["updated"] == "2026-03-05"


# ---------------------------------------------------------------------------------------------
# The body's first paragraph (off by default): only the date of a news lead


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("WASHINGTON, Jan. 3, 2026 - Lawmakers met on Friday.", "2026-01-03"),
        ("BOGOTÁ, 3 de enero de 2026 (EFE) — El presidente habló.", "2026-01-03"),
        ("BERLIN (dpa) - 3. Januar 2026 – Die Regierung hat entschieden.", "2026-01-03"),
        ("3 January 2026: the storm reached the coast.", "2026-01-03"),
        ("Headline Words On 3 January 2026 President Petro announced a plan.", "2026-01-03"),
        ("The summit on 12 March 2026 will bring leaders together.", None),
        ("Born on 3 January 1960 in Bogotá, the minister retired.", None),
        ("Since March 1, 2025, the crossing has been closed.", None),
        ("Colombia's president said on Friday, 3 January 2026, that troops would go.", None),
        ("WASHINGTON, Jan. 3, 2026 - Talks resume on Jan. 5, 2026.", "2026-01-03"),
    ],
)
def test_body_first_paragraph_news_leads(paragraph: str, expected: str | None) -> None:
    published, _ = date_of(text=paragraph, cfg=Config(use_body_first_paragraph=True))
    assert published == expected


def test_dated_lines_of_a_list_of_links_are_not_the_date() -> None:
    lines = (
        ("chrome", "More stories like this one"),
        ("dateline", "November 16, 2016"),
        ("chrome", "Elite Exaltas: the Nissan nicknames"),
        ("dateline", "December 18, 2015"),
        ("title", "Boosted 2017 Nissan Sentra SR Turbo launched"),
        ("dateline", "September 12, 2016"),
    )
    published, rec = date_of(*lines)
    assert published is None
    assert "one of 3 differently dated lines" in rec["null_reason"]
    assert date_of(*lines, cfg=Config(list_min_dates=0))[0] == "2016-09-12"
    # a cue says which one is the article's
    published, _ = date_of(*lines, ("dateline", "Published November 20, 2019"))
    assert published == "2019-11-20"
