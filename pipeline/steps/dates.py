"""Dates step: `published` only when the date can be trusted; every candidate and doubt recorded.

Sources, most trusted first:

1. the HTML metadata date (trafilatura/htmldate, ``doc.meta["html"]["date"]``, which is the
   original publication date); an optional ``doc.meta["html"]["date_updated"]`` is read as the
   page's "updated" date;
2. dates on lines whose label is in ``Config.source_labels`` ("dateline", then "byline"). A date
   introduced by a "published" cue beats one with no cue; a date with no cue after the title
   beats one above it (the "today" widget of a site header). An "updated" date is recorded as
   ``updated`` and becomes ``published`` only with ``Config.use_updated_date``;
3. only with ``Config.use_body_first_paragraph``, the date of the reported event at the start
   of the body's first paragraph, in a news-lead form ("WASHINGTON, Jan. 3, 2026 -",
   "On 3 January 2026, ...").

Other lines (chrome, title, body) are never a source. Rejected, with the reason recorded:
month-year, year-only and year-less dates (not a day: recorded with their precision), relative
dates ("2 hours ago"; resolved against ``doc.source_mtime`` only with
``Config.relative_dates: source_mtime``), copyright, countdown/widget and event dates, a weekday
that does not fit the date, dates after ``ctx.run_date`` plus ``Config.max_days_ahead`` and
before ``Config.min_year``.

A numeric date that reads both day-first and month-first (01/03/2026) is ambiguous. Readings
that are impossible are dropped first (after the run date, before the minimum year, not on the
weekday written with the date, after the document's own "updated" date). Then the document's
evidence: weekday mentions near one reading ("Friday 2nd to Saturday 3rd"), the order of the
unambiguous numeric dates in its other lines (13/01/2026 proves day-first), the same day written
unambiguously in another source. Evidence that disagrees is no evidence. Then what is known of
the source: an order learned over the site (``ctx.date_orders``, when the run provides it), the
configured ``source_orders`` (path, host or language), the global ``numeric_order``. Otherwise
``published`` is null and the provenance keeps both readings.

Every date format is read by the regular expressions below (no dateparser: it is slow and it
guesses, month-first for English numeric dates and today's day for a missing one).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal
from urllib.parse import urlsplit

from pipeline.record import BODY, Document
from pipeline.steps import Context, StepOutput

NAME = "dates"
VERSION = "2"

Order = Literal["dmy", "mdy"]


@dataclass(frozen=True)
class SourceOrder:
    """The order numeric dates of some documents use: those whose path, host or language match.

    Every field that is set must match; at least one of path, host and language must be set.
    """

    # the order of the matching documents' numeric dates: dmy or mdy
    order: Order
    # glob matched against the document's source path ("*" also crosses folders); "" any
    path: str = ""
    # glob matched against the host of the HTML metadata url ("*.example.com"); "" any
    host: str = ""
    # ISO 639-1 code of the document's detected language; "" any
    language: str = ""

    def __post_init__(self) -> None:
        if not (self.path or self.host or self.language):
            raise ValueError("a source_orders entry needs a path, a host or a language")

    def matches(self, path: str, host: str | None, language: str | None) -> bool:
        return (
            (not self.path or fnmatch.fnmatchcase(path, self.path))
            and (not self.host or (host is not None and fnmatch.fnmatchcase(host, self.host)))
            and (not self.language or self.language == language)
        )


@dataclass(frozen=True)
class Config:
    # reading of an ambiguous numeric date with no evidence: dmy, mdy, or auto (none); default auto
    numeric_order: Literal["auto", "dmy", "mdy"] = "auto"
    # per-source orders ({order, path|host|language}), tried in order before numeric_order
    source_orders: tuple[SourceOrder, ...] = ()
    # a site's order is learnt over the run when this many unambiguous numeric header dates of
    # its documents read one way and none the other
    site_order_min_votes: int = field(default=3, metadata={"min": 1})
    # labels of the lines read as date sources, most trusted first; default dateline, byline
    source_labels: tuple[str, ...] = ("dateline", "byline")
    # an "updated" date alone becomes the published date; default false (it is only recorded)
    use_updated_date: bool = False
    # also read a date stated in the body's first paragraph (trusted least); default false
    use_body_first_paragraph: bool = False
    # how many leading characters of that first paragraph are searched; default 200
    body_first_paragraph_chars: int = field(default=200, metadata={"min": 1, "max": 100000})
    # relative dates ("2 hours ago"): reject, or resolve against doc.source_mtime; default reject
    relative_dates: Literal["reject", "source_mtime"] = "reject"
    # days after the run date still accepted (time zones); default 1
    max_days_ahead: int = field(default=1, metadata={"min": 0, "max": 31})
    # dates before 1 January of this year are rejected as implausible; default 1900
    min_year: int = field(default=1900, metadata={"min": 1, "max": 9999})
    # distrust an HTML metadata date that is the day-first reading of an ambiguous numeric date
    # on the page (htmldate reads those day-first): both readings go to the evidence; default true
    html_date_check: bool = True
    # dates without a cue on this many source lines, all different days, are a list of dated
    # links (related stories), none of them the article's date (0: off); default 3
    list_min_dates: int = field(default=3, metadata={"min": 0, "max": 1000})
    # a weekday mention ("Friday 2nd") is evidence only within this many days of a reading
    weekday_window_days: int = field(default=7, metadata={"min": 0, "max": 31})


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


def _trie(names: Iterable[str]) -> str:
    """The alternation `_alt` writes, as a tree of shared prefixes ("j(?:an(?:uary|vier)?|...)"):
    a place is given up after a letter or two instead of after trying every name.

    It finds the same: the names (lower case, distinct) that match at one place are prefixes of
    one another, one path of the tree, and the tree tries them longest first, as `_alt` does.
    """
    root: dict[str, Any] = {}
    for name in set(names):
        node = root
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(char) + emit(node[char]) for char in sorted(node) if char]
        if not alts:
            return ""
        if len(alts) == 1 and "" not in node:
            return alts[0]
        return "(?:" + "|".join(alts) + ")" + ("?" if "" in node else "")

    return emit(root)


_MON = rf"(?P<mon>{_trie(MONTHS)})(?!\w)\.?"
_MON2 = _MON.replace("(?P<mon>", "(?P<mon2>")
_WD = rf"(?<!\w)(?P<wd>{_trie(WEEKDAYS)})(?!\w)\.?,?\s+"
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
        # ISO 8601 basic format, only with a time: 20260105T093000Z (a bare 8-digit number is
        # an id far more often than a date)
        "iso-8601-basic",
        re.compile(
            r"(?<![\w/.\-:])(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})T\d{4}(?:\d{2})?"
            r"(?:Z|[+-]\d{2}:?\d{2})?(?!\w)"
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
            rf"(?:{_WD})?{_ARTICLE}(?<![\d.])(?P<d>\d{{1,2}}){_ORD}[\s\-/]*(?:of\s+|de\s+)?"
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
        re.compile(rf"(?<!\w){_MON}[\s,\-/]*(?:de\s+|del\s+)?{_YEAR4}", _FLAGS),
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

# Rules that never give a day: (reason, precision)
_REJECTED_RULES = {
    "relative": ("relative date", "relative"),
    "month-year": ("no day", "month"),
    "cjk-month-year": ("no day", "month"),
    "cjk-no-year": ("no year", "day-month"),
    "textual-no-year": ("no year", "day-month"),
}

# A year standing alone (copyright lines, "2025 in review"): recorded on source lines, never a day
_YEAR_ONLY = re.compile(r"(?<![\w.,/:\-])(?:1[89]|20)\d\d(?![\w.,/:]|-\d)")


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
    `reason` says why ("no day", "no year", "relative date", "invalid date") and `precision`
    what it does give ("month", "day-month", "year", "relative").
    """

    raw: str
    rule: str
    start: int
    end: int
    readings: tuple[Reading, ...] = ()
    reason: str | None = None
    weekday: int | None = None  # weekday written with the date, 0 = Monday
    precision: str = "day"

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


def _month_of(name: str) -> int:
    """The month a name the rules matched stands for. They match case-blind, which also takes
    "ſept" (long s) and "MAİ" (dotted capital I) for names; lower() does not turn those back."""
    month = MONTHS.get(name.lower())
    if month is None:
        month = next(
            number
            for spelling, number in MONTHS.items()
            if re.fullmatch(re.escape(spelling), name, _FLAGS)
        )
    return month


def _weekday_of(name: str | None) -> int | None:
    if not name:
        return None
    return WEEKDAYS.get(name.lower().rstrip("."))


def _build(rule: str, m: re.Match[str], run_date: dt.date) -> DateMatch:
    """Turn one regex match into a DateMatch (readings or a rejection reason)."""
    raw, start, end = m.group(0).strip(), m.start(), m.end()
    g = m.groupdict()
    if rule in _REJECTED_RULES:
        reason, precision = _REJECTED_RULES[rule]
        return DateMatch(raw, rule, start, end, reason=reason, precision=precision)
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
        month = _month_of(g["mon"]) if g.get("mon") else int(g["m"])
        date = _mkdate(year, month, int(g["d"]))
        if date is not None:
            readings.append(Reading(rule, date))
    if not readings:
        return DateMatch(raw, rule, start, end, reason="invalid date", weekday=weekday)
    return DateMatch(raw, rule, start, end, tuple(readings), weekday=weekday)


# What may follow a date that gives a day, as part of the same expression: a year word
# ("г.", "года"), a weekday in brackets ("(土)", "星期六", "(토)") and a time with its zone
# ("10:30", "- 10:30", "à 10h30", "ore 10.30", "10:42 a.m. ET", "08:00 GMT").
_TRAILER = re.compile(
    r"(?:\s*(?:г\.|года|год|г)(?!\w))?"
    r"(?:\s*[（(]\s*(?P<jp>[月火水木金土日])(?:曜日?)?\s*[)）]"
    r"|\s*[（(]?\s*(?:星期|周|週)(?P<zh>[一二三四五六日天])\s*[)）]?"
    r"|\s*[（(]\s*(?P<ko>[월화수목금토일])(?:요일)?\s*[)）])?"
    r"(?:[\s,]*(?:[-–—|·•/]\s*)?(?:(?:at|um|à|a las|a la|às|as|alle|ore|om|kl\.?|в)\s+)?"
    r"(?:\d{1,2}(?:[:h]\d{2}|\.\d{2}(?![\d.]))(?::\d{2})?(?:\s*(?:[ap]\.?\s?m\.?|uhr|h))?"
    r"|\d{1,2}\s*[時时点點시]\s*(?:\d{1,2}\s*[分분])?)"
    r"(?:\s*(?:GMT|UTC|CES?T|MSK|BST|[ECMP][SD]?T|[+-]\d{2}:?\d{2}))?(?!\w))?",
    _FLAGS,
)
# A time written before the date ("10:30, 3 января 2026", "3:45 PM EST, Sat January 3, 2026"):
# the expression starts there (`start`, not `raw`).
_LEADER = re.compile(
    r"(?<![\w:.])\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s*(?:[ap]\.?\s?m\.?|uhr|h))?"
    r"(?:\s*(?:GMT|UTC|CES?T|MSK|BST|[ECMP][SD]?T|[+-]\d{2}:?\d{2}))?\s*[,|·•/\-–—]?\s*",
    _FLAGS,
)
_KO_WEEKDAYS = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}
_DAY_RULES = frozenset(
    {"rfc-2822", "iso-8601", "iso-8601-basic", "cjk-ymd", "numeric-ymd", "numeric"}
    | {"textual-dmy", "textual-mdy", "textual-ymd"}
)


def find_dates(text: str, run_date: dt.date) -> list[DateMatch]:
    """Every date expression in `text`, left to right, non-overlapping (longest wins).

    A date that gives a day extends (`end`, not `raw`) over what is written with it: a year
    word, a bracketed weekday (which becomes `weekday`), a time and its zone.
    `run_date` only decides the century of two-digit years; nothing is filtered here.
    """
    if not _HAS_DATE_CHAR.search(text):
        return []
    found: list[tuple[int, int, int, str, re.Match[str]]] = []
    for priority, rule, pattern in _rules_to_run(text):
        for m in pattern.finditer(text):
            found.append((m.start(), -(m.end() - m.start()), priority, rule, m))
    found.sort(key=lambda t: t[:3])
    out: list[DateMatch] = []
    taken_until = -1
    for start, _neg_len, _priority, rule, m in found:
        if start < taken_until:
            continue
        match = _build(rule, m, run_date)
        if rule in _DAY_RULES:
            leader = _LEADER.search(text, max(taken_until, 0, start - 40), start)
            if leader and leader.end() == start:
                match = _moved(match, leader.start(), match.end, match.weekday)
            trailer = _TRAILER.match(text, m.end())
            if trailer and trailer.end() > m.end():
                g = trailer.groupdict()
                weekday = match.weekday
                if g["jp"] or g["zh"] or g["ko"]:
                    weekday = (
                        _CJK_WEEKDAYS.get(g["jp"] or "")
                        if g["jp"]
                        else _ZH_WEEKDAYS.get(g["zh"] or "")
                        if g["zh"]
                        else _KO_WEEKDAYS.get(g["ko"] or "")
                    )
                match = _moved(match, match.start, trailer.end(), weekday)
        out.append(match)
        taken_until = match.end
    return out


def _moved(match: DateMatch, start: int, end: int, weekday: int | None) -> DateMatch:
    """`match` with another extent and weekday (dataclasses.replace, without its overhead)."""
    return DateMatch(
        match.raw, match.rule, start, end, match.readings, match.reason, weekday, match.precision
    )


# Every rule needs a digit except the relative words ("yesterday", "hier", "вчера", "昨天" ...):
# a text with neither is skipped without running the rules.
# (The words as a prefix tree: only whether one of them occurs is asked.)
_HAS_DATE_CHAR = re.compile(
    r"\d|"
    + _trie(
        (
            *("yesterday", "today", "just now", "ayer", "hoy", "ontem", "hoje", "hier"),
            *("aujourd", "gestern", "heute", "ieri", "oggi", "gisteren", "vandaag"),
            *("вчера", "сегодня", "昨天", "昨日", "今天"),
        )
    ),
    _FLAGS,
)

# --------------------------------------------------------------------------------------------
# What each rule needs before it can find anything: a rule whose need is missing from a text is
# not run. Each need is implied by every match of the rule's pattern, so the dates found are
# the same; most lines (a number, a time, a price) need only one or two of the rules.
#
# Month names and the words relative dates hang on ("ago", "hace", "vor", "yesterday" ...) are
# read as whole runs of letters: every rule reads them after a non-letter (a digit, a space, a
# separator or the start) and before a character that is not a letter or a digit, and what the
# case-blind patterns take for one of their letters is always a letter. So a text holds such a
# word only when one of its runs of letters is one.

# the word each alternative of the "relative" rule hangs on ("il" of "il y a", "aujourd" of
# "aujourd'hui", "just" of "just now"); the Chinese and Japanese forms need 前, 昨 or 今
_RELATIVE_WORDS = (
    *("ago", "yesterday", "today", "just"),
    *("hace", "ayer", "hoy"),
    *("há", "ontem", "hoje"),
    *("il", "hier", "aujourd"),
    *("vor", "gestern", "heute"),
    *("fa", "ieri", "oggi"),
    *("geleden", "gisteren", "vandaag"),
    *("назад", "вчера", "сегодня"),
)
_MONTH_WORD = re.compile(_trie(MONTHS), _FLAGS)
_RELATIVE_WORD = re.compile(_trie(_RELATIVE_WORDS), _FLAGS)
_LETTERS = re.compile(r"[^\W\d_]{2,}")  # the runs of two or more letters
_LONGEST_WORD = max(len(w) for w in (*MONTHS, *_RELATIVE_WORDS))
_FOUR_DIGITS = re.compile(r"\d{4}")

# needs, as bits
_NEED_MONTH = 1  # a month name
_NEED_RELATIVE = 2  # a relative-date word, or 前 昨 今
_NEED_CJK_MONTH = 4  # 月 or 월
_NEED_NUMERIC = 8  # the shape of a numeric date (_NUMERIC_SHAPE)
_NEED_HYPHEN = 16
_NEED_T = 32  # a capital T (ISO basic format, case-sensitive)
_NEED_SLASH_OR_DOT = 64
_NEED_COLON = 128
_NEED_YEAR = 256  # four digits in a row (the year of rfc-2822 and of the textual rules)

_RULE_NEEDS = {
    "rfc-2822": _NEED_MONTH | _NEED_COLON | _NEED_YEAR,
    "iso-8601": _NEED_HYPHEN,
    "iso-8601-basic": _NEED_T,
    "cjk-ymd": _NEED_CJK_MONTH,
    "numeric-ymd": _NEED_SLASH_OR_DOT,
    "numeric": _NEED_NUMERIC,
    "textual-dmy": _NEED_MONTH | _NEED_YEAR,
    "textual-mdy": _NEED_MONTH | _NEED_YEAR,
    "textual-ymd": _NEED_MONTH | _NEED_YEAR,
    "relative": _NEED_RELATIVE,
    "month-year": _NEED_MONTH | _NEED_YEAR,
    "cjk-month-year": _NEED_CJK_MONTH,
    "cjk-no-year": _NEED_CJK_MONTH,
    "textual-no-year": _NEED_MONTH,
}
# every set of needs met -> the rules (priority, name, pattern) that may match
_RULE_SETS = {
    have: tuple(
        (priority, rule, pattern)
        for priority, (rule, pattern) in enumerate(_RULES)
        if _RULE_NEEDS[rule] & have == _RULE_NEEDS[rule]
    )
    for have in range(512)
}
# word -> the needs it meets (_NEED_MONTH, _NEED_RELATIVE); bounded, cleared when full
_WORD_NEEDS: dict[str, int] = {}
_WORD_NEEDS_MAX = 20000


def _word_needs(word: str) -> int:
    needs = _WORD_NEEDS.get(word)
    if needs is None:
        needs = (_NEED_MONTH if _MONTH_WORD.fullmatch(word) else 0) | (
            _NEED_RELATIVE if _RELATIVE_WORD.fullmatch(word) else 0
        )
        if len(_WORD_NEEDS) >= _WORD_NEEDS_MAX:
            _WORD_NEEDS.clear()
        _WORD_NEEDS[word] = needs
    return needs


def _needs_met(text: str) -> int:
    have = 0
    for word in _LETTERS.findall(text):
        if len(word) <= _LONGEST_WORD:
            have |= _word_needs(word)
    if "前" in text or "昨" in text or "今" in text:
        have |= _NEED_RELATIVE
    if "月" in text or "월" in text:
        have |= _NEED_CJK_MONTH
    if "-" in text:
        have |= _NEED_HYPHEN
    if "T" in text:
        have |= _NEED_T
    if "/" in text or "." in text:
        have |= _NEED_SLASH_OR_DOT
    if ":" in text:
        have |= _NEED_COLON
    if have & _NEED_MONTH and _FOUR_DIGITS.search(text):
        have |= _NEED_YEAR
    if have & (_NEED_HYPHEN | _NEED_SLASH_OR_DOT) and _NUMERIC_SHAPE.search(text):
        have |= _NEED_NUMERIC
    return have


def _rules_to_run(text: str) -> tuple[tuple[int, str, re.Pattern[str]], ...]:
    """The rules (priority, name, pattern) that may find a date in `text`."""
    return _RULE_SETS[_needs_met(text)]


def rules_that_may_match(text: str) -> list[str]:
    """The names of the date rules that may find something in `text`; the others certainly
    find nothing there.

    >>> rules_that_may_match("Price: 20 dollars")
    []
    >>> rules_that_may_match("vor 3 Stunden")
    ['relative']
    """
    return [rule for _priority, rule, _pattern in _rules_to_run(text)]


def screen(
    match: DateMatch, run_date: dt.date, min_year: int, days_ahead: int = 0
) -> tuple[list[Reading], list[dict[str, str]]]:
    """Split a match's readings into admissible ones and excluded ones (with the reason).

    A reading is excluded when it is after `run_date` plus `days_ahead`, before `min_year`, or
    does not fall on the weekday written with the date.
    """
    latest = run_date + dt.timedelta(days=days_ahead)
    kept: list[Reading] = []
    excluded: list[dict[str, str]] = []
    for r in match.readings:
        reason = _impossible(r, latest, min_year, match.weekday)
        if reason:
            excluded.append({"rule": r.rule, "date": r.date.isoformat(), "reason": reason})
        else:
            kept.append(r)
    return kept, excluded


def _impossible(r: Reading, latest: dt.date, min_year: int, weekday: int | None) -> str | None:
    if r.date > latest:
        return "after run date"
    if r.date.year < min_year:
        return f"before {min_year}"
    if weekday is not None and r.date.weekday() != weekday:
        return f"not a {_WEEKDAY_NAMES[weekday]}"
    return None


def parse_date(
    text: str, run_date: dt.date, min_year: int = 1900, days_ahead: int = 1
) -> dt.date | None:
    """The first date in `text` that has exactly one admissible reading, else None.

    >>> parse_date("Published: January 3, 2026", dt.date(2026, 2, 1))
    datetime.date(2026, 1, 3)
    >>> parse_date("01/03/2026", dt.date(2026, 6, 1)) is None  # ambiguous
    True
    """
    for match in find_dates(text, run_date):
        kept, _excluded = screen(match, run_date, min_year, days_ahead)
        if len(kept) == 1:
            return kept[0].date
        if len(kept) > 1:
            return None
    return None


# --------------------------------------------------------------------------------------------
# Cue words ("Published:", "Updated", "Veröffentlicht am") that say what kind of date follows.

_PUBLISHED_CUES = (
    "originally published|first published|date published|publication date|published on|"
    "published at|published|publish date|pub date|posted on|posted at|posted|written on|written|"
    "released|created on|created|dated|date|"
    "veröffentlicht am|veröffentlicht|erschienen am|erschienen|publiziert am|publiziert|"
    "erstellt am|geschrieben am|datum|"
    "publicado el|publicado em|publicado a|publicado|publicada el|publicada em|publicada|"
    "fecha de publicación|fecha|data de publicação|postado em|escrito em|data|"
    "publié le|publié|publiée le|publiée|mis en ligne le|mis en ligne|posté le|écrit le|"
    "date de publication|"
    "pubblicato il|pubblicato|pubblicata il|pubblicata|data di pubblicazione|inserito il|"
    "scritto il|"
    "gepubliceerd op|gepubliceerd|geplaatst op|geplaatst|"
    "опубликовано|опубликован|опубликована|размещено|дата публикации|дата"
)
_UPDATED_CUES = (
    "last updated on|last updated|last modified|updated on|updated at|updated|update|modified|"
    "revised|zuletzt aktualisiert|aktualisiert am|aktualisiert|geändert am|geändert|stand|"
    "última actualización|actualizado el|actualizado|actualizada|actualización|modificado|"
    "última atualização|atualizado em|atualizado|atualizada|atualização|"
    "mis à jour le|mis à jour|mise à jour|modifié le|modifié|actualisé le|actualisé|"
    "ultimo aggiornamento|aggiornato il|aggiornato|aggiornata|aggiornamento|modificato|"
    "laatst bijgewerkt|bijgewerkt op|bijgewerkt|gewijzigd op|gewijzigd|laatste update|"
    "обновлено|обновлён|обновлен|изменено"
)
_CJK_PUBLISHED_CUES = (
    "公開日|投稿日|掲載日|发布时间|發佈時間|发布于|發佈於|发布|發佈|发表于|发表|發表|"
    "작성일|등록일|입력"
)
_CJK_UPDATED_CUES = "更新日時|更新日|更新时间|更新於|更新于|更新|수정일|수정"
# "Published by Reuters", "Posted by", "Publicado por": an author follows, not a date
_NOT_A_DATE_CUE = r"(?!\s+(?:by|von|por|par|da|door|di|від|от)(?!\w))"

_CUE_RE = re.compile(
    rf"(?<!\w)(?:(?P<published>{_trie(_PUBLISHED_CUES.split('|'))})"
    rf"|(?P<updated>{_trie(_UPDATED_CUES.split('|'))}))(?!\w){_NOT_A_DATE_CUE}"
    r"(?:\s+(?:on|at|el|em|le|am|il|op|в)(?!\w))?"
    rf"|(?:(?P<cjk_updated>{_trie(_CJK_UPDATED_CUES.split('|'))})"
    rf"|(?P<cjk_published>{_trie(_CJK_PUBLISHED_CUES.split('|'))}))"
    r"(?:\s*[：:])?",
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


def _cue_for(cues: Sequence[Cue], lo: int, hi: int) -> Cue | None:
    """The last cue that starts between offsets lo and hi (the text before a date, after the
    previous one); it may end inside the date ("Mis à jour le" + "le 5 janvier 2026")."""
    inside = [c for c in cues if lo <= c.start < hi]
    return inside[-1] if inside else None


# --------------------------------------------------------------------------------------------
# Decoys: dates on a source line that are not the publication date. A copyright notice, a
# countdown or widget ("AUGUST 2025 ... days left"), an event, offer or deadline.

_COPYRIGHT_RE = re.compile(
    r"©|\(c\)|copyright|all rights reserved|derechos reservados|direitos reservados|"
    r"droits réservés|alle rechte|tutti i diritti|alle rechten|все права|版权|版權|著作権",
    _FLAGS,
)
_COUNTDOWN_RE = re.compile(
    r"(?<!\w)(?:countdown|days? (?:left|to go|remaining)|left|to go|remaining|ends in|"
    r"restantes?|faltan|quedan|il reste|restants?|verbleibend|übrig|mancano|rimanenti|"
    r"resterend|осталось|остался|осталась)(?!\w)|متبق|残り|剩余|还剩|還剩",
    _FLAGS,
)
_EVENT_RE = re.compile(
    r"(?<!\w)(?:events?|deadline|expires?|expiry|valid until|valid till|ends?|until|till|"
    r"register by|offer|sale|starts?|kick-?off|next (?:match|game|event|issue)|upcoming|"
    r"webinar|conference|concert|born|died|founded|since|"
    r"hasta|desde|vence|evento|oferta|válido|válida|inscripciones|"
    r"até|evento|oferta|válido até|"
    r"jusqu'au|jusqu’au|depuis|né le|née le|événement|offre|valable|"
    r"bis|seit|gültig|angebot|veranstaltung|termin|"
    r"fino al|dal|scadenza|offerta|valido|"
    r"tot en met|geldig tot|sinds|evenement|aanbieding|"
    r"до|акция|мероприятие|родился|родилась)(?!\w)",
    _FLAGS,
)


def decoy_reason(text: str, match: DateMatch, lo: int, hi: int, cues: Sequence[Cue]) -> str | None:
    """Why the date `match` of `text` is not a publication date, or None.

    `lo` is where its own context starts (the end of the previous date) and `hi` where the
    next date starts. A cue word between a decoy word and the date wins ("Sale ends. Published
    3 Jan 2026").
    """
    before = text[lo : match.start]
    cue = _cue_for(cues, lo, match.start)
    if cue is not None:
        before = text[cue.end : match.start]
    if _COPYRIGHT_RE.search(before):
        return "copyright"
    after = text[match.end : min(hi, match.end + 40)]
    if _COUNTDOWN_RE.search(before) or _COUNTDOWN_RE.search(after):
        return "countdown or widget"
    if _EVENT_RE.search(before):
        return "event, offer or deadline"
    return None


# --------------------------------------------------------------------------------------------
# Relative dates ("2 hours ago", "hace 3 días", "vor 2 Stunden", "3 дня назад", "昨天").

_REL_DAY_WORDS = {
    **dict.fromkeys(
        ("today", "just now", "hoy", "hoje", "aujourd'hui", "heute", "oggi", "vandaag"), 0
    ),
    **dict.fromkeys(("сегодня", "今天"), 0),
    **dict.fromkeys(
        ("yesterday", "ayer", "ontem", "hier", "gestern", "ieri", "gisteren", "вчера"), 1
    ),
    **dict.fromkeys(("昨天", "昨日"), 1),
}
_ONE = {"a", "an", "one", "un", "una", "uno", "une", "um", "uma", "einer", "einem", "een"}
# unit -> seconds; units of a week or more are not a day
_REL_UNITS: tuple[tuple[re.Pattern[str], float | None], ...] = (
    (re.compile(r"^(?:sec|секунд|秒|segund|second|sekund)", _FLAGS), 1),
    (re.compile(r"^(?:min|минут|分)", _FLAGS), 60),
    (re.compile(r"^(?:h|hour|hora|heure|stunde|ora|ore|uur|час|小时|小時|時間)", _FLAGS), 3600),
    (re.compile(r"^(?:day|día|dia|jour|tag|giorn|dag|день|дня|дней|天|日)", _FLAGS), 86400),
    (re.compile(r"^(?:week|semana|semaine|woche|settiman|wek|недел|周|週)", _FLAGS), None),
    (re.compile(r"^(?:month|mes|mois|monat|maand|месяц|个月|ヶ月|か月)", _FLAGS), None),
    (re.compile(r"^(?:year|año|ano|an|jahr|ann|jaar|год|лет|年)", _FLAGS), None),
)
_REL_AMOUNT = re.compile(
    r"(?P<n>\d{1,4}|an?|one|una?|uno|une?|uma?|einer|einem|een)\s*(?P<unit>[^\W\d_]+)", _FLAGS
)


def relative_date(raw: str, reference: dt.datetime) -> tuple[dt.date | None, str]:
    """The day a relative expression names, counted back from `reference`, and how it was read.

    Returns (None, why) when it names no single day ("3 weeks ago", "a few days ago").
    """
    low = raw.lower().strip()
    if low in _REL_DAY_WORDS:
        days = _REL_DAY_WORDS[low]
        return reference.date() - dt.timedelta(days=days), f"{days} days before"
    text = re.sub(r"^(?:hace|há|il y a|vor)\s+", "", low)
    m = _REL_AMOUNT.search(text)
    if not m:
        return None, "no amount"
    n = 1 if m.group("n") in _ONE else int(m.group("n"))
    unit = m.group("unit")
    for pattern, seconds in _REL_UNITS:
        if pattern.match(unit):
            if seconds is None:
                return None, "not a day (weeks, months or years)"
            then = reference - dt.timedelta(seconds=n * seconds)
            return then.date(), f"{n} × {int(seconds)} s before"
    return None, "unknown unit"


# --------------------------------------------------------------------------------------------
# Weekday evidence: "Friday 2nd", "Saturday, January 3", "vendredi 2", "3日(土)".

# Short spellings ("mar" is Tuesday and March, "sat" a verb) are not evidence without a dot;
# weekday abbreviations count only as capitalised English ones ("Fri 2").
_MONTHS_EVIDENCE = [n for n in MONTHS if len(n) >= 4]
_WEEKDAYS_EVIDENCE = [n for n in WEEKDAYS if len(n) >= 5]
_MON_EV = rf"(?:{_trie(_MONTHS_EVIDENCE)})(?!\w)|(?:{_trie(MONTHS)})\."
_MENTION_RE = re.compile(
    rf"(?<!\w)(?P<wd>(?:{_trie(_WEEKDAYS_EVIDENCE)})(?!\w)|(?-i:{_alt(_EN_WEEKDAY_ABBR)})(?!\w))"
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

    def near(self, date: dt.date, window_days: int) -> bool:
        """Does the mention name a day within `window_days` of `date` (in its month or the
        months around it) that falls on this weekday?"""
        for shift in (-1, 0, 1):
            index = date.year * 12 + date.month - 1 + shift
            year, month = divmod(index, 12)
            if not self.fits(year, month + 1):
                continue
            day = dt.date(year, month + 1, self.day)
            if abs((day - date).days) <= window_days:
                return True
        return False


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
    site_order: tuple[str, str] | None = None,
    source_order: tuple[str, str] | None = None,
    numeric_order: str = "auto",
    days_ahead: int = 0,
    min_year: int = 1,
    window_days: int = 7,
) -> tuple[Reading | None, dict[str, Any]]:
    """Pick one of two readings on evidence, or none. Returns the reading and the record.

    1. impossible readings: after `run_date` + `days_ahead`, before `min_year`, not on the
       `stated_weekday`, after `not_after` (the document's own "updated" date);
    2. the document's evidence, all of which must agree: weekday `mentions` within
       `window_days` of exactly one reading; `header_orders` ((order, raw) of unambiguous numeric
       dates in the document's other lines) all of one order; the same day written unambiguously
       `elsewhere` ((date, raw); a year-less date counts by its day and month);
    3. what is known of the source: `site_order` (order, site) learned over the run,
       `source_order` (order, entry) configured, then `numeric_order`.
    """
    checked: dict[str, Any] = {}

    def done(pick: Reading, by: str, **evidence: Any) -> tuple[Reading, dict[str, Any]]:
        other = [r.date.isoformat() for r in readings if r is not pick]
        record = {"by": by, **evidence, "fits": pick.date.isoformat()}
        record["contradicts"] = other[0] if len(other) == 1 else other
        return pick, {**record, "checked": checked}

    # 1. impossible readings
    latest = run_date + dt.timedelta(days=days_ahead)
    checked["run_date"] = run_date.isoformat()
    why: dict[int, tuple[str, dict[str, Any]]] = {}
    for i, r in enumerate(readings):
        if r.date > latest:
            why[i] = ("run_date", {"run_date": run_date.isoformat()})
        elif r.date.year < min_year:
            why[i] = ("min_year", {"min_year": min_year})
        elif stated_weekday is not None and r.date.weekday() != stated_weekday:
            written = _WEEKDAY_NAMES[stated_weekday]
            why[i] = ("weekday", {"weekday_mentions": [f"{written} (written with the date)"]})
        elif not_after is not None and r.date > not_after[0]:
            why[i] = ("updated_date", {"updated": not_after[1]})
    if not_after is not None:
        checked["updated_date"] = not_after[1]
    possible = [r for i, r in enumerate(readings) if i not in why]
    if len(possible) == 1 and len(readings) == 2:
        by, evidence = why[next(iter(why))]
        return done(possible[0], by, **evidence)
    if not possible:
        return None, {"by": None, "reason": "no admissible reading", "checked": checked}

    # 2. the document's evidence
    votes: list[tuple[str, Reading, dict[str, Any]]] = []
    support: dict[str, list[str]] = {}
    for r in readings:
        hits = [m.raw for m in mentions if m.near(r.date, window_days)]
        if stated_weekday is not None and r.date.weekday() == stated_weekday:
            hits.append(f"{_WEEKDAY_NAMES[stated_weekday]} (written with the date)")
        support[_order(r.rule)] = hits
    checked["weekday"] = {"mentions": [m.raw for m in mentions], "support": support}
    with_support = [r for r in readings if support[_order(r.rule)]]
    if len(with_support) == 1:
        pick = with_support[0]
        votes.append(("weekday", pick, {"weekday_mentions": support[_order(pick.rule)]}))

    by_order: dict[str, list[str]] = {"dmy": [], "mdy": []}
    for order, raw in header_orders:
        by_order.setdefault(order, []).append(raw)
    checked["header_order"] = by_order
    orders = [o for o, raws in by_order.items() if raws]
    if len(orders) == 1:
        found = next((r for r in readings if _order(r.rule) == orders[0]), None)
        if found is not None:
            votes.append(
                ("header_order", found, {"order": orders[0], "examples": by_order[orders[0]]})
            )

    def same_day(r: Reading, d: dt.date) -> bool:
        return d == r.date or (d.year == 1 and (d.month, d.day) == (r.date.month, r.date.day))

    agreeing = {r.rule: [raw for d, raw in elsewhere if same_day(r, d)] for r in readings}
    checked["same_date_elsewhere"] = [raw for _d, raw in elsewhere]
    with_agreement = [r for r in readings if agreeing[r.rule]]
    if len(with_agreement) == 1:
        pick = with_agreement[0]
        votes.append(("same_date_elsewhere", pick, {"examples": agreeing[pick.rule]}))

    if votes:
        picks = {id(v[1]) for v in votes}
        if len(picks) == 1:
            by, pick, evidence = votes[0]
            also = [v[0] for v in votes[1:]]
            return done(pick, by, **evidence, **({"also": also} if also else {}))
        conflict = {v[0]: v[1].date.isoformat() for v in votes}
        return None, {"by": None, "conflict": conflict, "checked": checked}

    # 3. what is known of the source
    for by, known in (("site_order", site_order), ("source_order", source_order)):
        checked[by] = list(known) if known else None
        if known is not None:
            found = next((r for r in readings if _order(r.rule) == known[0]), None)
            if found is not None:
                return done(found, by, order=known[0], source=known[1])
    checked["config"] = numeric_order
    if numeric_order != "auto":
        found = next((r for r in readings if _order(r.rule) == numeric_order), None)
        if found is not None:
            return done(found, "config", order=numeric_order)

    return None, {"by": None, "checked": checked}


# --------------------------------------------------------------------------------------------
# What the source is: for orders learned over a run (a site uses one order) and configured ones.


def site_key(doc: Document) -> str:
    """The site a document comes from: the host of its HTML metadata url, else its folder."""
    host = _host(doc)
    if host:
        return host
    folder = doc.source_path.rsplit("/", 1)[0] if "/" in doc.source_path else ""
    return folder + "/"


def _host(doc: Document) -> str | None:
    html = doc.meta.get("html")
    url = html.get("url") if isinstance(html, dict) else None
    if not isinstance(url, str) or not url:
        return None
    host = urlsplit(url).hostname
    return host.lower() if host else None


def order_votes(doc: Document, run_date: dt.date) -> dict[str, int]:
    """How many numeric dates outside the document's body read only day-first, only
    month-first: what a run-wide pre-pass adds up per `site_key` to learn a site's order."""
    votes = {"dmy": 0, "mdy": 0}
    for order, _raw in _header_orders(doc, run_date):
        votes[order] += 1
    return votes


# --------------------------------------------------------------------------------------------
# The step.

_CUE_RANK = {"published": 0, None: 1, "updated": 2}
_BODY_LEAD_PLACE = re.compile(
    r"^[^\W\d_][\w.'’\- ]{0,40}?(?:\s*\([^()]{1,30}\))?\s*[,–—-]\s*$", re.UNICODE
)
_BODY_LEAD_ON = re.compile(r"(?:^|[.!?:;]\s+|\s)(?:On|El|Le|Am|Il|Op|Em|В)(?:\s+the)?\s+$")
_BODY_LEAD_AFTER = re.compile(r"^\s*(?:[-–—:,(]|\s\w)")


@dataclass(frozen=True)
class _Candidate:
    source: str
    line: int | None
    line_text: str | None
    match: DateMatch
    cue: Cue | None
    rank: tuple[int, ...]
    kept: tuple[Reading, ...]
    excluded: tuple[dict[str, str], ...]
    reason: str | None = None  # why it is not a publication date (decoy, precision ...)
    note: dict[str, Any] | None = None

    @property
    def cue_kind(self) -> str | None:
        return self.cue.kind if self.cue else None

    @property
    def usable(self) -> bool:
        return bool(self.kept) and self.reason is None

    def record(self) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "source": self.source,
            "raw": self.match.raw,
            "rule": self.match.rule,
            "line": self.line,
            "line_text": self.line_text,
            "cue": self.cue.text if self.cue else None,
            "cue_kind": self.cue_kind,
            "ambiguous": self.match.ambiguous,
            "precision": self.match.precision,
        }
        if self.match.ambiguous:
            rec["readings"] = {_order(r.rule): r.date.isoformat() for r in self.match.readings}
        elif self.match.readings:
            rec["date"] = self.match.readings[0].date.isoformat()
        if self.match.weekday is not None:
            rec["weekday"] = _WEEKDAY_NAMES[self.match.weekday]
        if self.excluded:
            rec["excluded"] = list(self.excluded)
        if self.note:
            rec.update(self.note)
        if not self.usable:
            rec["reason"] = self.reason or self.match.reason or self.excluded[0]["reason"]
        return rec


def _scan(
    text: str,
    source: str,
    line: int | None,
    rank: tuple[int, ...],
    cfg: Config,
    run_date: dt.date,
    mtime: dt.datetime | None,
    lead_only: bool = False,
) -> list[_Candidate]:
    """The date candidates of one source text."""
    cues = find_cues(text)
    matches = find_dates(text, run_date)
    out = []
    previous_end = 0
    for i, match in enumerate(matches):
        next_start = matches[i + 1].start if i + 1 < len(matches) else len(text)
        cue = _cue_for(cues, previous_end, match.start)
        reason = decoy_reason(text, match, previous_end, next_start, cues)
        previous_end = match.end
        note = None
        if match.rule == "relative" and cfg.relative_dates == "source_mtime":
            match, note = _resolve_relative(match, mtime)
        if lead_only and reason is None:
            if i > 0:
                reason = "not the first date of the paragraph"
            elif not _is_news_lead(text, match):
                reason = "not in a news lead"
        kept, excluded = screen(match, run_date, cfg.min_year, cfg.max_days_ahead)
        cue_rank = _CUE_RANK[cue.kind if cue else None]
        full_rank = (*rank[:1], cue_rank, *rank[1:], match.start)
        out.append(
            _Candidate(
                source,
                line,
                text,
                match,
                cue,
                full_rank,
                tuple(kept),
                tuple(excluded),
                reason,
                note,
            )
        )
    if not matches and _DIGIT.search(text):
        for m in _YEAR_ONLY.finditer(text):
            year = DateMatch(m.group(0), "year-only", m.start(), m.end(), precision="year")
            before = text[: m.start()]
            reason = "copyright" if _COPYRIGHT_RE.search(before) else "no day"
            out.append(
                _Candidate(source, line, text, year, None, (*rank, m.start()), (), (), reason)
            )
    return out


_DIGIT = re.compile(r"\d")


def _resolve_relative(
    match: DateMatch, mtime: dt.datetime | None
) -> tuple[DateMatch, dict[str, Any]]:
    if mtime is None:
        return match, {"relative_to": None, "relative": "no source_mtime on the document"}
    date, how = relative_date(match.raw, mtime)
    note = {"relative_to": mtime.isoformat(), "relative": how}
    if date is None:
        return match, note
    resolved = dataclasses.replace(
        match, readings=(Reading("relative", date),), reason=None, precision="day"
    )
    return resolved, note


def _is_news_lead(text: str, match: DateMatch) -> bool:
    """Is the date where a news lead states the date of the event: at the paragraph start,
    after a place ("WASHINGTON, ", "BOGOTÁ (Reuters) - ") or after a capitalised "On"?"""
    before = text[: match.start]
    after = text[match.end :]
    if not _BODY_LEAD_AFTER.match(after) and after.strip():
        return False
    if not before.strip(" ,–—-:|"):
        return True
    if _BODY_LEAD_ON.search(before) and len(before) <= 120:
        return True
    place = before.rstrip()
    return (
        bool(place)
        and place[0].isupper()
        and len(place.split()) <= 5
        and bool(_BODY_LEAD_PLACE.match(place))
    )


def _mtime(doc: Document) -> dt.datetime | None:
    value = getattr(doc, "source_mtime", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc)
    return None


def _html_candidate(value: Any, kind: str, cfg: Config, run_date: dt.date) -> _Candidate:
    raw = str(value).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", raw)
    date = _mkdate(int(m[1]), int(m[2]), int(m[3])) if m else None
    if date is None:
        match = DateMatch(raw, "html-metadata", 0, len(raw), reason="invalid date")
    else:
        match = DateMatch(raw, "html-metadata", 0, len(raw), (Reading("html-metadata", date),))
    kept, excluded = screen(match, run_date, cfg.min_year, cfg.max_days_ahead)
    cue = Cue(kind, f"html:{kind}", 0, 0) if kind == "updated" else None
    source = "html-metadata" if kind == "published" else "html-metadata-updated"
    return _Candidate(source, None, None, match, cue, (0, 0, 0, 0, 0), tuple(kept), tuple(excluded))


# The numeric rule without its weekday prefix: fast enough to run over a whole page.
_PLAIN_NUMERIC = re.compile(
    r"(?<![\w/.\-:])(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)"
    r"(?P<y>\d{4}|\d{2})(?![\w/\-]|[.:]\d)"
)


def _check_html_date(
    cand: _Candidate, doc: Document, html: Mapping[str, Any], cfg: Config, run_date: dt.date
) -> _Candidate:
    """htmldate reads an ambiguous numeric date day-first, silently: "01/03/2026" becomes
    2026-03-01. When the metadata date is the day-first reading of an ambiguous numeric date
    the page shows (or of one of ``html["date_strings"]``, the raw strings of its date
    metadata, when the HTML step provides them), and no unambiguous string of the page gives
    that day, the date is as ambiguous as that string: both readings are kept for `resolve`.
    """
    date = cand.kept[0].date
    if date.day > 12 or date.day == date.month:
        return cand  # not the day-first reading of a date that reads both ways
    strings = html.get("date_strings")
    if isinstance(strings, list):
        text = "\n".join(str(s) for s in strings)
    else:
        text = "\n".join(ln.text for ln in doc.lines if _DIGIT.search(ln.text))
    suspect: DateMatch | None = None
    for m in _PLAIN_NUMERIC.finditer(text):
        match = _build("numeric", m, run_date)
        if match.ambiguous and match.readings[0].date == date:
            # the whole expression, with a weekday written before it
            start = text.rfind("\n", 0, m.start()) + 1
            end = text.find("\n", m.end())
            line = text[start : end if end >= 0 else len(text)]
            suspect = next(
                (
                    f
                    for f in find_dates(line, run_date)
                    if f.ambiguous and f.readings[0].date == date
                ),
                match,
            )
            break
    if suspect is None:
        return cand
    for line in text.split("\n"):
        for m2 in find_dates(line, run_date):
            if len(m2.readings) == 1 and m2.readings[0].date == date:
                note = {"html_date_confirmed_by": m2.raw}
                return dataclasses.replace(cand, note=note)
    match = dataclasses.replace(suspect, rule="html-metadata", start=0, end=len(suspect.raw))
    note = {
        "html_date": cand.match.raw,
        "html_date_suspect": f"the day-first reading of {suspect.raw!r}, which reads both ways",
    }
    kept, excluded = screen(match, run_date, cfg.min_year, cfg.max_days_ahead)
    return dataclasses.replace(
        cand, match=match, kept=tuple(kept), excluded=tuple(excluded), note=note
    )


def _title_line(doc: Document) -> int | None:
    return next((ln.line for ln in doc.lines if ln.label == "title"), None)


def _candidates(
    doc: Document, cfg: Config, run_date: dt.date, mtime: dt.datetime | None
) -> list[_Candidate]:
    out: list[_Candidate] = []
    html = doc.meta.get("html")
    if isinstance(html, dict):
        if html.get("date"):
            cand = _html_candidate(html["date"], "published", cfg, run_date)
            if cfg.html_date_check and cand.kept:
                cand = _check_html_date(cand, doc, html, cfg, run_date)
            out.append(cand)
        if html.get("date_updated"):
            out.append(_html_candidate(html["date_updated"], "updated", cfg, run_date))
    title = _title_line(doc)
    others = sorted(
        ln.line for ln in doc.lines if ln.label not in (*cfg.source_labels, "title", BODY)
    )
    for ln in doc.lines:
        if ln.label in cfg.source_labels:
            # A date with no cue above the headline may be the site's "today" widget: it ranks
            # below the dates after the headline, and when menu or other header lines stand
            # between it and the headline it is not the article's date at all.
            above_title = title is not None and ln.line < title
            widget = above_title and any(ln.line < n < (title or 0) for n in others)
            rank = (1, int(above_title), cfg.source_labels.index(ln.label), ln.line)
            for c in _scan(ln.text, ln.label, ln.line, rank, cfg, run_date, mtime):
                if c.cue is not None:
                    c = dataclasses.replace(c, rank=(*c.rank[:2], 0, *c.rank[3:]))
                elif widget and c.reason is None:
                    c = dataclasses.replace(
                        c, reason="above the menu and the headline: a site widget"
                    )
                out.append(c)
    if cfg.use_body_first_paragraph:
        first = next((p for p in doc.text.split("\n") if p.strip()), "")
        head = first[: cfg.body_first_paragraph_chars]
        out.extend(
            _scan(head, "body-first-paragraph", None, (2, 0, 0, 0), cfg, run_date, mtime, True)
        )
    return out


def _evidence_text(doc: Document, cfg: Config) -> str:
    """Where weekday mentions are looked for: the body and the header lines that are sources."""
    body = doc.text or "\n".join(ln.text for ln in doc.lines if ln.label == BODY)
    header = [ln.text for ln in doc.lines if ln.label in (*cfg.source_labels, "title")]
    return "\n".join([*header, body])


# Every numeric date ("01/03/2026", "3.1.26") holds a digit, a separator, one or two digits, the
# same separator and two digits: a text without this shape holds none.
_NUMERIC_SHAPE = re.compile(r"\d[/.\-]\d{1,2}[/.\-]\d\d")


def may_hold_numeric_date(text: str) -> bool:
    """False when `text` certainly holds no numeric date (so it casts no order vote).

    >>> may_hold_numeric_date("Posted 01/03/2026"), may_hold_numeric_date("March 1, 2026")
    (True, False)
    """
    return bool(_NUMERIC_SHAPE.search(text))


def _header_orders(doc: Document, run_date: dt.date) -> list[tuple[str, str]]:
    """(order, raw) of every numeric date in a non-body line that reads only one way."""
    out = []
    for ln in doc.lines:
        if ln.label == BODY or not _NUMERIC_SHAPE.search(ln.text):
            continue
        for m in find_dates(ln.text, run_date):
            if m.rule == "numeric" and len(m.readings) == 1:
                order = _order(m.readings[0].rule)
                if order in ("dmy", "mdy"):
                    out.append((order, m.raw))
    return out


def _source_order(doc: Document, cfg: Config) -> tuple[str, str] | None:
    host = _host(doc)
    for i, entry in enumerate(cfg.source_orders):
        if entry.matches(doc.source_path, host, doc.language):
            what = ", ".join(
                f"{k}={v}"
                for k, v in (
                    ("path", entry.path),
                    ("host", entry.host),
                    ("language", entry.language),
                )
                if v
            )
            return entry.order, f"source_orders[{i}] ({what})"
    return None


def _site_order(doc: Document, ctx: Context) -> tuple[str, str] | None:
    """The order learned for the document's site over the run, when the run provides
    ``ctx.date_orders`` (site_key -> "dmy" | "mdy")."""
    learned = getattr(ctx, "date_orders", None)
    if not isinstance(learned, Mapping):
        return None
    key = site_key(doc)
    order = learned.get(key)
    return (order, key) if order in ("dmy", "mdy") else None


def _flag_lists(candidates: list[_Candidate], cfg: Config) -> list[_Candidate]:
    """Dates with no cue on source lines that give `list_min_dates` or more different days are
    a list of dated links (related stories, an archive), not the article's header: none of
    them is the publication date."""
    loose = [c for c in candidates if c.kept and c.cue is None and c.source in cfg.source_labels]
    days = {r.date for c in loose for r in c.kept}
    if cfg.list_min_dates == 0 or len(days) < cfg.list_min_dates:
        return candidates
    reason = f"one of {len(days)} differently dated lines (a list of links)"
    return [
        dataclasses.replace(c, reason=reason) if c in loose and c.usable else c for c in candidates
    ]


def _null_reason(rejected: Sequence[_Candidate], updated: _Candidate | None) -> str:
    if updated is not None:
        return "only an updated date"
    reasons = sorted({c.record()["reason"] for c in rejected})
    if not rejected:
        return "no date in the sources"
    if reasons == ["relative date"]:
        return "only relative dates"
    return "no usable date: " + ", ".join(reasons)


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    run_date = ctx.run_date
    candidates = _flag_lists(_candidates(doc, cfg, run_date, _mtime(doc)), cfg)
    usable = sorted((c for c in candidates if c.usable), key=lambda c: c.rank)
    rejected = [c for c in candidates if not c.usable]
    updates = [c for c in usable if c.cue_kind == "updated" and not c.match.ambiguous]
    updated = min(updates, key=lambda c: c.kept[0].date) if updates else None
    published = usable if cfg.use_updated_date else [c for c in usable if c.cue_kind != "updated"]

    entry: dict[str, Any] = {
        "published": None,
        "source": "none",
        "raw": None,
        "line": None,
        "line_text": None,
        "rule": None,
        "format": None,
        "cue": None,
        "cue_kind": None,
        "ambiguous": False,
        "readings": None,
        "resolution": None,
        "updated": updated.kept[0].date.isoformat() if updated else None,
        "null_reason": None,
        "candidates": [],
        "rejected": [c.record() for c in rejected],
    }
    for c in usable:
        rec = c.record()
        rec["status"] = "outranked" if c in published else "updated-date"
        entry["candidates"].append(rec)

    if not published:
        entry["null_reason"] = _null_reason(rejected, updated)
        return dataclasses.replace(doc, published=None), {"date": entry}

    best = published[0]
    entry.update(
        source=best.source,
        raw=best.match.raw,
        line=best.line,
        line_text=best.line_text,
        rule=best.match.rule,
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
        not_after = None
        if best.cue_kind != "updated" and updated is not None:
            not_after = (updated.kept[0].date, updated.match.raw)
        elsewhere = [(c.kept[0].date, c.match.raw) for c in others if c.cue_kind != "updated"]
        elsewhere += [
            (dt.date(1, int(m["m"]), int(m["d"])), c.match.raw)
            for c in rejected
            if c.match.rule in ("textual-no-year", "cjk-no-year") and c.reason is None
            for m in [_day_month(c.match)]
            if m
        ]
        chosen, resolution = resolve(
            best.match.readings,
            run_date=run_date,
            not_after=not_after,
            mentions=weekday_mentions(_evidence_text(doc, cfg)),
            stated_weekday=best.match.weekday,
            header_orders=_header_orders(doc, run_date),
            elsewhere=elsewhere,
            site_order=_site_order(doc, ctx),
            source_order=_source_order(doc, cfg),
            numeric_order=cfg.numeric_order,
            days_ahead=cfg.max_days_ahead,
            min_year=cfg.min_year,
            window_days=cfg.weekday_window_days,
        )
        entry["resolution"] = resolution
        if chosen is None:
            entry["null_reason"] = (
                "ambiguous numeric date and conflicting evidence"
                if "conflict" in resolution
                else "ambiguous numeric date and no evidence for either reading"
            )
    if chosen is not None:
        entry["published"] = chosen.date.isoformat()
        entry["rule"] = chosen.rule
        entry["format"] = chosen.fmt
    for rec, c in zip(entry["candidates"], usable, strict=True):
        if c is best:
            rec["status"] = "used" if chosen is not None else "unresolved"
    return dataclasses.replace(doc, published=entry["published"]), {"date": entry}


def _day_month(match: DateMatch) -> dict[str, int] | None:
    """Day and month of a year-less date ("3 January", "January 3rd", "1月3日")."""
    for rule, pattern in _RULES:
        if rule == match.rule:
            m = pattern.fullmatch(match.raw)
            if not m:
                return None
            g = m.groupdict()
            mon = g.get("mon") or g.get("mon2")
            month = _month_of(mon) if mon else int(g["m"])
            day = int(g.get("d") or g.get("d2") or 0)
            return {"m": month, "d": day} if _mkdate(2000, month, day) else None
    return None
