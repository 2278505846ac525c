"""Dates step: `published` from HTML metadata or labelled header lines, ambiguity recorded.

Sources, most trusted first:

1. the HTML metadata date (trafilatura/htmldate, ``doc.meta["html"]["date"]``);
2. dates on lines whose label is in ``Config.source_labels`` ("dateline", then "byline"). A date
   introduced by a "published" cue beats one with no cue, which beats an "updated" one;
3. only when ``Config.use_body_first_paragraph`` is set, the start of the body's first paragraph.

Other lines (chrome, title, body) are never a source: a calendar widget's "AUGUST 2025" is not
the publication date. A date needs a day, a month and a year; month-year, year-less and relative
dates ("2 hours ago") are recorded and rejected, as is any date after ``ctx.run_date``.

A numeric date that reads both day-first and month-first (01/03/2026) is ambiguous. The step
picks a reading only on evidence, in this order: a reading after the run date (or after the
document's own "updated" date) is impossible; weekday mentions in the document ("Friday 2nd")
that fit exactly one reading; the order that unambiguous numeric dates in the header lines use
(13/01/2026 proves day-first); the same date written unambiguously in another source; the
configured ``numeric_order``. Without evidence ``published`` stays null and the provenance keeps
both readings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from pipeline.record import BODY, Document
from pipeline.steps import Context, StepOutput

NAME = "dates"
VERSION = "1"


@dataclass(frozen=True)
class Config:
    # reading of an ambiguous numeric date with no evidence: dmy, mdy, or auto (none); default auto
    numeric_order: Literal["auto", "dmy", "mdy"] = "auto"
    # labels of the lines read as date sources, most trusted first; default dateline, byline
    source_labels: tuple[str, ...] = ("dateline", "byline")
    # also read a date stated in the body's first paragraph (trusted least); default false
    use_body_first_paragraph: bool = False
    # how many leading characters of that first paragraph are searched; default 200
    body_first_paragraph_chars: int = field(default=200, metadata={"min": 1, "max": 100000})
    # dates before 1 January of this year are rejected as implausible; default 1900
    min_year: int = field(default=1900, metadata={"min": 1, "max": 9999})


# --------------------------------------------------------------------------------------------
# Name tables (constants). Each entry: the space-separated spellings of one month or weekday.

_MONTH_TABLE: tuple[tuple[str, ...], ...] = (
    # English
    (
        "january jan",
        "february feb",
        "march mar",
        "april apr",
        "may",
        "june jun",
        "july jul",
        "august aug",
        "september sep sept",
        "october oct",
        "november nov",
        "december dec",
    ),
    # Spanish
    (
        "enero ene",
        "febrero feb",
        "marzo mar",
        "abril abr",
        "mayo may",
        "junio jun",
        "julio jul",
        "agosto ago",
        "septiembre setiembre sep sept set",
        "octubre oct",
        "noviembre nov",
        "diciembre dic",
    ),
    # Portuguese
    (
        "janeiro jan",
        "fevereiro fev",
        "março marco mar",
        "abril abr",
        "maio mai",
        "junho jun",
        "julho jul",
        "agosto ago",
        "setembro set",
        "outubro out",
        "novembro nov",
        "dezembro dez",
    ),
    # French
    (
        "janvier janv jan",
        "février fevrier févr fevr fév fev",
        "mars mar",
        "avril avr",
        "mai",
        "juin",
        "juillet juil",
        "août aout",
        "septembre sept sep",
        "octobre oct",
        "novembre nov",
        "décembre decembre déc dec",
    ),
    # German
    (
        "januar jänner jaenner jan jän",
        "februar feber feb",
        "märz maerz marz mär mrz",
        "april apr",
        "mai",
        "juni jun",
        "juli jul",
        "august aug",
        "september sep sept",
        "oktober okt",
        "november nov",
        "dezember dez",
    ),
    # Italian
    (
        "gennaio gen",
        "febbraio feb",
        "marzo mar",
        "aprile apr",
        "maggio mag",
        "giugno giu",
        "luglio lug",
        "agosto ago",
        "settembre sett set",
        "ottobre ott",
        "novembre nov",
        "dicembre dic",
    ),
    # Dutch
    (
        "januari jan",
        "februari feb",
        "maart mrt mar",
        "april apr",
        "mei",
        "juni jun",
        "juli jul",
        "augustus aug",
        "september sep sept",
        "oktober okt",
        "november nov",
        "december dec",
    ),
    # Russian: nominative, genitive, abbreviations
    (
        "январь января янв",
        "февраль февраля фев февр",
        "март марта мар",
        "апрель апреля апр",
        "май мая",
        "июнь июня июн",
        "июль июля июл",
        "август августа авг",
        "сентябрь сентября сен сент",
        "октябрь октября окт",
        "ноябрь ноября ноя нояб",
        "декабрь декабря дек",
    ),
)

# Monday first. Two-letter abbreviations (Mo, Di, пн) are left out: too many false hits.
_WEEKDAY_TABLE: tuple[tuple[str, ...], ...] = (
    # English
    (
        "monday mon",
        "tuesday tue tues",
        "wednesday wed",
        "thursday thu thur thurs",
        "friday fri",
        "saturday sat",
        "sunday sun",
    ),
    # Spanish
    (
        "lunes lun",
        "martes mar",
        "miércoles miercoles mié mie",
        "jueves jue",
        "viernes vie",
        "sábado sabado sáb sab",
        "domingo dom",
    ),
    # Portuguese
    (
        "segunda-feira segunda seg",
        "terça-feira terca-feira terça terca ter",
        "quarta-feira quarta qua",
        "quinta-feira quinta qui",
        "sexta-feira sexta sex",
        "sábado sabado sáb sab",
        "domingo dom",
    ),
    # French
    (
        "lundi lun",
        "mardi mar",
        "mercredi mer",
        "jeudi jeu",
        "vendredi ven",
        "samedi sam",
        "dimanche dim",
    ),
    # German
    ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag sonnabend", "sonntag"),
    # Italian
    (
        "lunedì lunedi lun",
        "martedì martedi mar",
        "mercoledì mercoledi mer",
        "giovedì giovedi gio",
        "venerdì venerdi ven",
        "sabato sab",
        "domenica dom",
    ),
    # Dutch
    ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    # Russian: nominative and accusative ("в пятницу")
    (
        "понедельник",
        "вторник",
        "среда среду",
        "четверг",
        "пятница пятницу",
        "суббота субботу",
        "воскресенье",
    ),
)

_EN_WEEKDAY_ABBR = ("Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun")


def _index(tables: Iterable[Sequence[str]]) -> dict[str, int]:
    """Map every lower-cased spelling to its 1-based position; a clash is a bug in the table."""
    out: dict[str, int] = {}
    for table in tables:
        for number, spellings in enumerate(table, start=1):
            for name in spellings.split():
                if out.setdefault(name, number) != number:  # pragma: no cover - table bug
                    raise ValueError(f"{name!r} names two different entries")
    return out


MONTHS: Mapping[str, int] = MappingProxyType(_index(_MONTH_TABLE))  # name -> 1..12
WEEKDAYS: Mapping[str, int] = MappingProxyType(
    {k: v - 1 for k, v in _index(_WEEKDAY_TABLE).items()}
)  # name -> 0..6 (Monday first)
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_CJK_WEEKDAYS = {"月": 0, "火": 1, "水": 2, "木": 3, "金": 4, "土": 5, "日": 6}
_ZH_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}


def _alt(names: Iterable[str]) -> str:
    """A regex alternation, longest spelling first so that "marzo" wins over "mar"."""
    return "|".join(re.escape(n) for n in sorted(set(names), key=lambda s: (-len(s), s)))


_MON = rf"(?P<mon>{_alt(MONTHS)})(?!\w)\.?"
_MON2 = _MON.replace("(?P<mon>", "(?P<mon2>")
_WD = rf"(?P<wd>{_alt(WEEKDAYS)})(?!\w)\.?,?\s+"
# ordinal suffixes: 3rd, 1er, 1ère, 3e, 1º, 3. (German)
_ORD = r"(?:(?:st|nd|rd|th|er|ère|re|ème|eme|e|º|ª|°)(?!\w)|\.)?"
_ARTICLE = r"(?:(?:the|le|el|il|den|der)\s+)?"
_YEAR4 = r"(?P<y>\d{4})(?!\d)"

# --------------------------------------------------------------------------------------------
# Date expressions. Each rule: (name, compiled pattern). Order breaks ties between matches that
# start at the same place and have the same length.

_FLAGS = re.IGNORECASE

_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "rfc-2822",
        re.compile(
            r"(?:(?P<wd>Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?(?<!\d)(?P<d>\d{1,2})\s+"
            r"(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+(?P<y>\d{4})\s+"
            r"\d{2}:\d{2}(?::\d{2})?(?:\s*(?:[+-]\d{4}|UT|GMT|Z|[ECMP][SD]T))?(?!\w)",
            _FLAGS,
        ),
    ),
    (
        "iso-8601",
        re.compile(
            r"(?<![\w/.\-:])(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
            r"(?:(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?"
            r"(?:\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?))?)?(?![\d]|[-./]\d)",
            _FLAGS,
        ),
    ),
    (
        "cjk-ymd",
        re.compile(
            r"(?<!\d)(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日号號일]"
        ),
    ),
    (
        "numeric-ymd",
        re.compile(
            r"(?<![\w/.\-:])(?P<y>\d{4})(?P<sep>[/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
            r"(?!\d|[/.\-]\d)"
        ),
    ),
    (
        "numeric",
        re.compile(
            rf"(?:{_WD})?(?<![\w/.\-:])(?P<a>\d{{1,2}})(?P<sep>[/.\-])(?P<b>\d{{1,2}})(?P=sep)"
            r"(?P<y>\d{4}|\d{2})(?![\w/\-]|[.:]\d)",
            _FLAGS,
        ),
    ),
    (
        "textual-dmy",
        re.compile(
            rf"(?:{_WD}{_ARTICLE})?(?<![\d.])(?P<d>\d{{1,2}}){_ORD}[\s\-/]*(?:of\s+|de\s+)?"
            rf"{_MON}[\s,\-/]*(?:de\s+|del\s+)?{_YEAR4}",
            _FLAGS,
        ),
    ),
    (
        "textual-mdy",
        re.compile(
            rf"(?:{_WD})?(?<!\w){_MON}[\s\-/]*(?P<d>\d{{1,2}}){_ORD}(?!\d)"
            rf"(?:\s*,\s*|\s+|-)(?:de\s+)?{_YEAR4}",
            _FLAGS,
        ),
    ),
    (
        "textual-ymd",
        re.compile(
            rf"(?<![\w.]){_YEAR4}[\s,./\-]+{_MON}[\s\-/]*(?P<d>\d{{1,2}}){_ORD}(?![\d:])",
            _FLAGS,
        ),
    ),
    (
        "relative",
        re.compile(
            r"(?<!\w)(?:"
            r"(?:\d{1,4}|an?|one|a few|several)\s+(?:sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|"
            r"hours?|days?|weeks?|months?|years?)\s+ago|yesterday|today|just now|"
            r"hace\s+(?:\d{1,4}|una?|unos|unas)\s+\w+|ayer|hoy|"
            r"há\s+(?:\d{1,4}|uma?)\s+\w+|ontem|hoje|"
            r"il y a\s+(?:\d{1,4}|une?|quelques)\s+\w+|hier|aujourd'hui|"
            r"vor\s+(?:\d{1,4}|einer|einem|wenigen)\s+(?:sekunden?|minuten?|stunden?|tag(?:en)?|"
            r"wochen?|monat(?:en)?|jahr(?:en)?)|gestern|heute|"
            r"(?:\d{1,4}|una?)\s+(?:secondi|minuti?|ore|ora|giorni|giorno|settimane?|mesi|mese|"
            r"anni|anno)\s+fa|ieri|oggi|"
            r"(?:\d{1,4}|een)\s+(?:seconden?|minuten?|uur|dagen?|weken?|maanden?|jaar|jaren)\s+"
            r"geleden|gisteren|vandaag|"
            r"\d{1,4}\s+\w+\s+назад|вчера|сегодня"
            r")(?!\w)"
            r"|\d{1,4}\s*(?:秒|分钟|分鐘|分|小时|小時|時間|天|日|周|週|个月|ヶ月|か月|年)前|昨天|昨日|今天",
            _FLAGS,
        ),
    ),
    (
        "month-year",
        re.compile(rf"(?<!\w){_MON}[\s,\-/]*{_YEAR4}", _FLAGS),
    ),
    (
        "cjk-month-year",
        re.compile(r"(?<!\d)(?P<y>\d{4})\s*[年년]\s*(?P<m>\d{1,2})\s*[月월](?!\s*\d)"),
    ),
    (
        "cjk-no-year",
        re.compile(r"(?<!\d)(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日号號일]"),
    ),
    (
        "textual-no-year",
        re.compile(
            rf"(?<![\d.])(?P<d>\d{{1,2}}){_ORD}[\s\-/]*(?:of\s+|de\s+)?{_MON}"
            rf"|(?<!\w){_MON2}[\s\-/]*(?P<d2>\d{{1,2}}){_ORD}(?![\d:]|[/.,]\d)",
            _FLAGS,
        ),
    ),
)

_REJECTED_RULES = {
    "relative": "relative date",
    "month-year": "no day",
    "cjk-month-year": "no day",
    "cjk-no-year": "no year",
    "textual-no-year": "no year",
}


@dataclass(frozen=True)
class Reading:
    """One way to read a date expression: the rule (format) that gives it and the date."""

    rule: str
    date: dt.date
    fmt: str | None = None


@dataclass(frozen=True)
class DateMatch:
    """A date expression found in a text, with every valid calendar reading of it.

    Two readings means the string is ambiguous (01/03/2026). No reading means it gives no date;
    `reason` says why ("no day", "no year", "relative date", "invalid date").
    """

    raw: str
    rule: str
    start: int
    end: int
    readings: tuple[Reading, ...] = ()
    reason: str | None = None
    weekday: int | None = None  # weekday written with the date, 0 = Monday

    @property
    def ambiguous(self) -> bool:
        return len(self.readings) > 1


def expand_year(two_digits: int, run_date: dt.date) -> int:
    """The year a two-digit year means: the latest one ending so that is not after the run date.

    >>> expand_year(26, dt.date(2026, 6, 1)), expand_year(27, dt.date(2026, 6, 1))
    (2026, 1927)
    """
    century = run_date.year - run_date.year % 100
    year = century + two_digits
    return year if year <= run_date.year else year - 100


def _mkdate(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _weekday_of(name: str | None) -> int | None:
    if not name:
        return None
    return WEEKDAYS.get(name.lower().rstrip("."))


def _build(rule: str, m: re.Match[str], run_date: dt.date) -> DateMatch:
    """Turn one regex match into a DateMatch (readings or a rejection reason)."""
    raw, start, end = m.group(0).strip(), m.start(), m.end()
    g = m.groupdict()
    if rule in _REJECTED_RULES:
        return DateMatch(raw, rule, start, end, reason=_REJECTED_RULES[rule])
    weekday = _weekday_of(g.get("wd"))
    year = int(g["y"])
    readings: list[Reading] = []
    if rule == "numeric":
        a, b, sep = int(g["a"]), int(g["b"]), g["sep"]
        if len(g["y"]) == 2:
            year = expand_year(year, run_date)
        ychar = "%y" if len(g["y"]) == 2 else "%Y"
        dmy = _mkdate(year, b, a)
        mdy = _mkdate(year, a, b)
        if dmy is not None and dmy == mdy:
            readings.append(Reading("numeric-dmy|mdy", dmy, f"%d{sep}%m{sep}{ychar}"))
        else:
            if dmy is not None:
                readings.append(Reading("numeric-dmy", dmy, f"%d{sep}%m{sep}{ychar}"))
            if mdy is not None:
                readings.append(Reading("numeric-mdy", mdy, f"%m{sep}%d{sep}{ychar}"))
    else:
        month = MONTHS[g["mon"].lower()] if g.get("mon") else int(g["m"])
        date = _mkdate(year, month, int(g["d"]))
        if date is not None:
            readings.append(Reading(rule, date))
    if not readings:
        return DateMatch(raw, rule, start, end, reason="invalid date", weekday=weekday)
    return DateMatch(raw, rule, start, end, tuple(readings), weekday=weekday)


def find_dates(text: str, run_date: dt.date) -> list[DateMatch]:
    """Every date expression in `text`, left to right, non-overlapping (longest wins).

    `run_date` only decides the century of two-digit years; nothing is filtered here.
    """
    found: list[tuple[int, int, int, str, re.Match[str]]] = []
    for priority, (rule, pattern) in enumerate(_RULES):
        for m in pattern.finditer(text):
            found.append((m.start(), -(m.end() - m.start()), priority, rule, m))
    found.sort(key=lambda t: t[:3])
    out: list[DateMatch] = []
    taken_until = -1
    for start, _neg_len, _priority, rule, m in found:
        if start < taken_until:
            continue
        out.append(_build(rule, m, run_date))
        taken_until = m.end()
    return out


def parse_date(text: str, run_date: dt.date, min_year: int = 1900) -> dt.date | None:
    """The first date in `text` that has exactly one admissible reading, else None.

    >>> parse_date("Published: January 3, 2026", dt.date(2026, 2, 1))
    datetime.date(2026, 1, 3)
    >>> parse_date("01/03/2026", dt.date(2026, 6, 1)) is None  # ambiguous
    True
    """
    for match in find_dates(text, run_date):
        kept, _excluded = screen(match, run_date, min_year)
        if len(kept) == 1:
            return kept[0].date
        if len(kept) > 1:
            return None
    return None


def screen(
    match: DateMatch, run_date: dt.date, min_year: int
) -> tuple[list[Reading], list[dict[str, str]]]:
    """Split a match's readings into admissible ones and excluded ones (with the reason)."""
    kept: list[Reading] = []
    excluded: list[dict[str, str]] = []
    for r in match.readings:
        if r.date > run_date:
            excluded.append(
                {"rule": r.rule, "date": r.date.isoformat(), "reason": "after run date"}
            )
        elif r.date.year < min_year:
            excluded.append(
                {"rule": r.rule, "date": r.date.isoformat(), "reason": f"before {min_year}"}
            )
        else:
            kept.append(r)
    return kept, excluded


# --------------------------------------------------------------------------------------------
# Cue words ("Published:", "Updated", "Veröffentlicht am") that say what kind of date follows.

_PUBLISHED_CUES = (
    "originally published|first published|date published|publication date|published on|"
    "published|publish date|pub date|posted on|posted|written on|written|released|created|"
    "dated|date|veröffentlicht am|veröffentlicht|erschienen am|erschienen|publiziert|datum|"
    "publicado el|publicado em|publicado a|publicado|publicada|fecha de publicación|fecha|"
    "data de publicação|data|publié le|publié|publiée le|publiée|mis en ligne le|mis en ligne|"
    "date de publication|pubblicato il|pubblicato|pubblicata|data di pubblicazione|"
    "gepubliceerd op|gepubliceerd|geplaatst op|geplaatst|опубликовано|опубликован|опубликована|"
    "дата публикации|дата"
)
_UPDATED_CUES = (
    "last updated|last modified|updated on|updated|update|modified|revised|"
    "zuletzt aktualisiert|aktualisiert am|aktualisiert|geändert am|geändert|stand|"
    "última actualización|actualizado el|actualizado|actualización|"
    "última atualização|atualizado em|atualizado|atualização|"
    "mis à jour le|mis à jour|mise à jour|modifié le|modifié|actualisé le|actualisé|"
    "ultimo aggiornamento|aggiornato il|aggiornato|aggiornamento|modificato|"
    "laatst bijgewerkt|bijgewerkt op|bijgewerkt|gewijzigd op|gewijzigd|"
    "обновлено|обновлён|обновлен|изменено"
)
_CJK_PUBLISHED_CUES = (
    "公開日|投稿日|掲載日|发布时间|發佈時間|发布于|發佈於|发布|發佈|发表于|发表|發表"
)
_CJK_UPDATED_CUES = "更新日時|更新日|更新时间|更新於|更新于|更新"

_CUE_RE = re.compile(
    rf"(?<!\w)(?:(?P<published>{_PUBLISHED_CUES})|(?P<updated>{_UPDATED_CUES}))(?!\w)"
    rf"|(?P<cjk_updated>{_CJK_UPDATED_CUES})|(?P<cjk_published>{_CJK_PUBLISHED_CUES})",
    _FLAGS,
)


@dataclass(frozen=True)
class Cue:
    """A header cue word: kind is "published" or "updated"."""

    kind: str
    text: str
    start: int
    end: int


def find_cues(text: str) -> list[Cue]:
    """Every cue word in `text`, left to right."""
    out = []
    for m in _CUE_RE.finditer(text):
        kind = "updated" if (m.group("updated") or m.group("cjk_updated")) else "published"
        out.append(Cue(kind, m.group(0), m.start(), m.end()))
    return out


def strip_cue(text: str) -> tuple[Cue | None, str]:
    """Split a leading cue ("Published:", "Posted on", "Veröffentlicht am") off `text`.

    >>> strip_cue("Last updated: 5 Jan 2026")[1]
    '5 Jan 2026'
    """
    stripped = text.lstrip(" \t-–—|•·:*")
    cues = find_cues(stripped)
    if not cues or cues[0].start != 0:
        return None, text
    rest = stripped[cues[0].end :].lstrip(" \t:：-–—|,")
    return cues[0], rest


def _cue_for(text: str, cues: Sequence[Cue], lo: int, hi: int) -> Cue | None:
    """The last cue between offsets lo and hi (the text before a date, after the previous one)."""
    inside = [c for c in cues if c.start >= lo and c.end <= hi]
    return inside[-1] if inside else None


# --------------------------------------------------------------------------------------------
# Weekday evidence: "Friday 2nd", "Saturday, January 3", "vendredi 2", "3日(土)".

# Short spellings ("mar" is Tuesday and March, "sat" a verb) are not evidence without a dot;
# weekday abbreviations count only as capitalised English ones ("Fri 2").
_MONTHS_EVIDENCE = [n for n in MONTHS if len(n) >= 4]
_WEEKDAYS_EVIDENCE = [n for n in WEEKDAYS if len(n) >= 5]
_MON_EV = rf"(?:{_alt(_MONTHS_EVIDENCE)})(?!\w)|(?:{_alt(MONTHS)})\."
_MENTION_RE = re.compile(
    rf"(?<!\w)(?P<wd>(?:{_alt(_WEEKDAYS_EVIDENCE)})(?!\w)|(?-i:{_alt(_EN_WEEKDAY_ABBR)})(?!\w))"
    r"\.?,?\s+"
    rf"{_ARTICLE}(?:(?P<m1>{_MON_EV})\s*)?"
    rf"(?P<d>\d{{1,2}})(?![\d:/\-]|[.,]\d){_ORD}"
    rf"(?:\s*(?:of\s+|de\s+)?(?P<m2>{_MON_EV}))?",
    _FLAGS,
)
_MENTION_CJK_RE = re.compile(
    r"(?:(?P<m>\d{1,2})\s*[月월]\s*)?(?P<d>\d{1,2})\s*[日号號]\s*"
    r"(?:[（(]\s*(?P<jp>[月火水木金土日])(?:曜日?)?\s*[)）]"
    r"|[（(]?\s*(?:星期|周|週|礼拜|禮拜)(?P<zh>[一二三四五六日天])\s*[)）]?)"
)


@dataclass(frozen=True)
class WeekdayMention:
    """A weekday written with a day number (and maybe a month): evidence for a month and year."""

    raw: str
    weekday: int  # 0 = Monday
    day: int
    month: int | None = None

    def fits(self, year: int, month: int) -> bool:
        """Does day `day` of month/year fall on this weekday (and the month agree, if given)?"""
        if self.month is not None and self.month != month:
            return False
        date = _mkdate(year, month, self.day)
        return date is not None and date.weekday() == self.weekday


def weekday_mentions(text: str) -> list[WeekdayMention]:
    """Every weekday + day-number mention in `text` (English, es, pt, fr, de, it, nl, ru, CJK)."""
    out: list[WeekdayMention] = []
    for m in _MENTION_RE.finditer(text):
        wd = _weekday_of(m.group("wd"))
        day = int(m.group("d"))
        mon = m.group("m1") or m.group("m2")
        month = MONTHS.get(mon.lower().rstrip(".")) if mon else None
        if wd is not None and 1 <= day <= 31:
            out.append(WeekdayMention(m.group(0).strip(), wd, day, month))
    for m in _MENTION_CJK_RE.finditer(text):
        wd = _CJK_WEEKDAYS[m.group("jp")] if m.group("jp") else _ZH_WEEKDAYS[m.group("zh")]
        day = int(m.group("d"))
        month = int(m.group("m")) if m.group("m") else None
        if 1 <= day <= 31 and (month is None or 1 <= month <= 12):
            out.append(WeekdayMention(m.group(0).strip(), wd, day, month))
    return out


# --------------------------------------------------------------------------------------------
# Resolving an ambiguous numeric date.


def _order(rule: str) -> str:
    return rule.rsplit("-", 1)[-1]  # "numeric-dmy" -> "dmy"


def resolve(
    readings: Sequence[Reading],
    *,
    run_date: dt.date,
    not_after: tuple[dt.date, str] | None = None,
    mentions: Sequence[WeekdayMention] = (),
    stated_weekday: int | None = None,
    header_orders: Sequence[tuple[str, str]] = (),
    elsewhere: Sequence[tuple[dt.date, str]] = (),
    numeric_order: str = "auto",
) -> tuple[Reading | None, dict[str, Any]]:
    """Pick one of two readings on evidence, or none. Returns the reading and the record.

    Evidence, in order: a reading after the run date (or after `not_after`, the document's own
    "updated" date) is impossible; weekday `mentions` (and a weekday written with the date)
    fitting exactly one reading; `header_orders` ((order, raw) of unambiguous numeric dates in
    the header lines) all agreeing; the same date written unambiguously `elsewhere`;
    `numeric_order`.
    """
    checked: dict[str, Any] = {}

    def done(pick: Reading, by: str, **evidence: Any) -> tuple[Reading, dict[str, Any]]:
        other = [r.date.isoformat() for r in readings if r is not pick]
        record = {"by": by, **evidence, "fits": pick.date.isoformat()}
        record["contradicts"] = other[0] if len(other) == 1 else other
        return pick, {**record, "checked": checked}

    # 0. impossible readings: after the run date, after the document's own "updated" date
    late = [r for r in readings if r.date > run_date]
    checked["run_date"] = run_date.isoformat()
    if len(late) == 1 and len(readings) == 2:
        pick = next(r for r in readings if r is not late[0])
        return done(pick, "run_date", run_date=run_date.isoformat())
    if not_after is not None:
        limit, raw = not_after
        checked["updated_date"] = raw
        late = [r for r in readings if r.date > limit]
        if len(late) == 1 and len(readings) == 2:
            pick = next(r for r in readings if r is not late[0])
            return done(pick, "updated_date", updated=raw)

    # 1. weekdays mentioned in the document
    support: dict[str, list[str]] = {}
    for r in readings:
        hits = [m.raw for m in mentions if m.fits(r.date.year, r.date.month)]
        if stated_weekday is not None and r.date.weekday() == stated_weekday:
            hits.append("weekday written with the date")
        support[_order(r.rule)] = hits
    checked["weekday"] = {"mentions": [m.raw for m in mentions], "support": support}
    with_support = [r for r in readings if support[_order(r.rule)]]
    if len(with_support) == 1:
        pick = with_support[0]
        return done(pick, "weekday", weekday_mentions=support[_order(pick.rule)])

    # 2. the order unambiguous numeric dates in the header lines use
    by_order: dict[str, list[str]] = {"dmy": [], "mdy": []}
    for order, raw in header_orders:
        by_order.setdefault(order, []).append(raw)
    checked["header_order"] = by_order
    orders = [o for o, raws in by_order.items() if raws]
    if len(orders) == 1:
        pick_or_none = next((r for r in readings if _order(r.rule) == orders[0]), None)
        if pick_or_none is not None:
            return done(pick_or_none, "header_order", order=orders[0], examples=by_order[orders[0]])

    # 3. the same date written unambiguously in another source
    agreeing = {r.rule: [raw for d, raw in elsewhere if d == r.date] for r in readings}
    checked["same_date_elsewhere"] = [raw for _d, raw in elsewhere]
    with_agreement = [r for r in readings if agreeing[r.rule]]
    if len(with_agreement) == 1:
        pick = with_agreement[0]
        return done(pick, "same_date_elsewhere", examples=agreeing[pick.rule])

    # 4. configuration
    checked["config"] = numeric_order
    if numeric_order != "auto":
        pick_or_none = next((r for r in readings if _order(r.rule) == numeric_order), None)
        if pick_or_none is not None:
            return done(pick_or_none, "config", order=numeric_order)

    return None, {"by": None, "checked": checked}


# --------------------------------------------------------------------------------------------
# The step.

_CUE_RANK = {"published": 0, None: 1, "updated": 2}


@dataclass(frozen=True)
class _Candidate:
    source: str
    line: int | None
    match: DateMatch
    cue: Cue | None
    rank: tuple[int, int, int, int, int]
    kept: tuple[Reading, ...]
    excluded: tuple[dict[str, str], ...]

    @property
    def cue_kind(self) -> str | None:
        return self.cue.kind if self.cue else None

    def record(self) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "source": self.source,
            "raw": self.match.raw,
            "rule": self.match.rule,
            "line": self.line,
            "cue": self.cue.text if self.cue else None,
            "cue_kind": self.cue_kind,
            "ambiguous": self.match.ambiguous,
        }
        if self.match.ambiguous:
            rec["readings"] = {_order(r.rule): r.date.isoformat() for r in self.match.readings}
        elif self.match.readings:
            rec["date"] = self.match.readings[0].date.isoformat()
        if self.match.weekday is not None:
            rec["weekday"] = _WEEKDAY_NAMES[self.match.weekday]
        if self.excluded:
            rec["excluded"] = list(self.excluded)
        if self.match.reason or not self.kept:
            rec["reason"] = self.match.reason or self.excluded[0]["reason"]
        return rec


def _scan(
    text: str,
    source: str,
    line: int | None,
    tier: int,
    source_rank: int,
    cfg: Config,
    run_date: dt.date,
) -> list[_Candidate]:
    cues = find_cues(text)
    out = []
    previous_end = 0
    for match in find_dates(text, run_date):
        cue = _cue_for(text, cues, previous_end, match.start)
        previous_end = match.end
        kept, excluded = screen(match, run_date, cfg.min_year)
        rank = (tier, _CUE_RANK[cue.kind if cue else None], source_rank, line or 0, match.start)
        out.append(_Candidate(source, line, match, cue, rank, tuple(kept), tuple(excluded)))
    return out


def _html_candidate(value: Any, cfg: Config, run_date: dt.date) -> _Candidate:
    raw = str(value).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", raw)
    date = _mkdate(int(m[1]), int(m[2]), int(m[3])) if m else None
    if date is None:
        match = DateMatch(raw, "html-metadata", 0, len(raw), reason="invalid date")
    else:
        match = DateMatch(raw, "html-metadata", 0, len(raw), (Reading("html-metadata", date),))
    kept, excluded = screen(match, run_date, cfg.min_year)
    return _Candidate(
        "html-metadata", None, match, None, (0, 0, 0, 0, 0), tuple(kept), tuple(excluded)
    )


def _candidates(doc: Document, cfg: Config, run_date: dt.date) -> list[_Candidate]:
    out: list[_Candidate] = []
    html = doc.meta.get("html")
    if isinstance(html, dict) and html.get("date"):
        out.append(_html_candidate(html["date"], cfg, run_date))
    for ln in doc.lines:
        if ln.label in cfg.source_labels:
            rank = cfg.source_labels.index(ln.label)
            out.extend(_scan(ln.text, ln.label, ln.line, 1, rank, cfg, run_date))
    if cfg.use_body_first_paragraph:
        first = next((p for p in doc.text.split("\n") if p.strip()), "")
        head = first[: cfg.body_first_paragraph_chars]
        out.extend(_scan(head, "body-first-paragraph", None, 2, 0, cfg, run_date))
    return out


def _evidence_text(doc: Document, cfg: Config) -> str:
    """Where weekday mentions are looked for: the body and the header lines that are sources."""
    body = doc.text or "\n".join(ln.text for ln in doc.lines if ln.label == BODY)
    header = [ln.text for ln in doc.lines if ln.label in (*cfg.source_labels, "title")]
    return "\n".join([*header, body])


def _header_orders(doc: Document, run_date: dt.date) -> list[tuple[str, str]]:
    """(order, raw) of every numeric date in a non-body line that reads only one way."""
    out = []
    for ln in doc.lines:
        if ln.label == BODY:
            continue
        for m in find_dates(ln.text, run_date):
            if m.rule == "numeric" and len(m.readings) == 1:
                order = _order(m.readings[0].rule)
                if order in ("dmy", "mdy"):
                    out.append((order, m.raw))
    return out


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    run_date = ctx.run_date
    candidates = _candidates(doc, cfg, run_date)
    usable = sorted((c for c in candidates if c.kept), key=lambda c: c.rank)
    rejected = [c for c in candidates if not c.kept]

    entry: dict[str, Any] = {
        "published": None,
        "source": "none",
        "raw": None,
        "rule": None,
        "format": None,
        "line": None,
        "cue": None,
        "cue_kind": None,
        "ambiguous": False,
        "readings": None,
        "resolution": None,
        "null_reason": None,
        "candidates": [],
        "rejected": [c.record() for c in rejected],
    }

    if not usable:
        reasons = sorted({c.record()["reason"] for c in rejected})
        if not rejected:
            entry["null_reason"] = "no date in the sources"
        elif reasons == ["relative date"]:
            entry["null_reason"] = "only relative dates"
        else:
            entry["null_reason"] = "no usable date: " + ", ".join(reasons)
        return dataclasses.replace(doc, published=None), {"date": entry}

    best = usable[0]
    entry.update(
        source=best.source,
        raw=best.match.raw,
        rule=best.match.rule,
        line=best.line,
        cue=best.cue.text if best.cue else None,
        cue_kind=best.cue_kind,
        ambiguous=best.match.ambiguous,
    )
    chosen: Reading | None
    if not best.match.ambiguous:
        chosen = best.kept[0]
    else:
        entry["readings"] = {_order(r.rule): r.date.isoformat() for r in best.match.readings}
        others = [c for c in usable if c is not best and not c.match.ambiguous]
        updated = [c for c in others if c.cue_kind == "updated"]
        not_after = None
        if best.cue_kind != "updated" and updated:
            first = min(updated, key=lambda c: c.kept[0].date)
            not_after = (first.kept[0].date, first.match.raw)
        chosen, resolution = resolve(
            best.match.readings,
            run_date=run_date,
            not_after=not_after,
            mentions=weekday_mentions(_evidence_text(doc, cfg)),
            stated_weekday=best.match.weekday,
            header_orders=_header_orders(doc, run_date),
            elsewhere=[(c.kept[0].date, c.match.raw) for c in others if c.cue_kind != "updated"],
            numeric_order=cfg.numeric_order,
        )
        entry["resolution"] = resolution
        if chosen is None:
            entry["null_reason"] = "ambiguous numeric date and no evidence for either reading"
    if chosen is not None:
        entry["published"] = chosen.date.isoformat()
        entry["rule"] = chosen.rule
        entry["format"] = chosen.fmt
    for c in usable:
        rec = c.record()
        if c is best:
            rec["status"] = "used" if chosen is not None else "unresolved"
        else:
            rec["status"] = "outranked"
        entry["candidates"].append(rec)
    return dataclasses.replace(doc, published=entry["published"]), {"date": entry}
