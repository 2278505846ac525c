"""Scripts step: script shares of the text and every foreign-script span, with what was done.

Input: doc.text (the final body) and doc.lines (body and removed lines; may be empty for HTML).
Output: doc.scripts = the script shares of the final text, and the provenance entry

    {"main_script": "Latn" | None,          # the largest share of the body (None: no letters)
     "native_scripts": ["Latn"],            # the main script's writing system: never foreign
     "foreign_script_spans": [span, ...],   # text spans in order, then removed lines in order
     "foreign_script_spans_omitted": 0,     # spans beyond max_spans (counted, not listed)
     "foreign_script_lines_removed": 0,     # body lines this step removed (widget fragments)
     "mixed_script_words": [word, ...],
     "mixed_script_words_omitted": 0}

A span is a maximal run of letters of a foreign script within one line (spaces, punctuation and
digits between them stay inside; it starts and ends on a letter, plus any combining marks after
the last one):

    {"where": "text", "start": 12, "end": 16, "script": "Hani", "scripts": ["Hani"],
     "letters": 4, "text": "...", "truncated": false, "language": "zh" | None,
     "action": "kept", "reason": "inside-main-text"}
    {"where": "removed", "line": 3, "label": "chrome", "rule": "...", "start": 12, "end": 21, ...,
     "action": "removed-with-line", "reason": "chrome/<rule>"}

Offsets are Python str indices into doc.text, or into that removed Line's text. "text" is the
span's first max_span_text characters (text == source[start:end][:max_span_text]).

What is done with a span (the policy; configurable):

* "removed-with-line", reason "<label>/<rule>": the span is in a line that was removed, by the
  segment step or by this one. This step removes a body line that is a foreign-script widget
  fragment (foreign_widget_lines: remove): a line with letters of a script foreign to the body
  (at least widget_line_min_foreign_share of its letters), short (at most widget_line_max_words
  words and widget_line_max_letters letters), not a sentence (no sentence end), with a widget
  word ("share", "comments", "read more", "分享", "متبقي" ... WIDGET_WORDS plus
  extra_widget_words). The line leaves doc.text; it is kept in doc.lines with the label "chrome"
  and the rule "foreign-script-widget", and added to provenance.removed.
* "kept", reason "inside-main-text": a phrase in a line that is mostly in the body's writing
  system (a quotation, a name, a brand inside a sentence).
* "kept", reason "foreign-line": a body line mostly in a foreign script that is not a widget
  fragment (a quoted sentence or paragraph, a name on its own line).
* "kept", reason "widget-line-kept": a widget fragment, with foreign_widget_lines: keep.
* "kept", reason "inside-mixed-script-word": the span is part of a word mixing scripts.

A document whose body is mostly in another script is not "mixed": the main script is the
body's largest, and only the other scripts are foreign to it.

Han is shared by Chinese, Japanese and Korean, whose writing systems mix scripts: their letters
count together when the main script is chosen (see main_and_native), a Japanese body has Hani,
Hira and Kana as native scripts, a Korean one Hang and Hani, a Chinese one Hani and Bopo; kanji
next to kana (or Hanja next to Hangul) form one span and one word, not a mixture. Text and
removed lines are both compared with the body's writing system; a body without letters has no
main script, and then nothing is reported as foreign.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import regex
from langdetect.lang_detect_exception import LangDetectException

from pipeline.record import BODY, Document, Line
from pipeline.steps import Context, Provenance, StepOutput
from pipeline.steps.language import DEFAULT_SEED, detect_probabilities
from pipeline.unicode_scripts import (
    CJK,
    char_scripts,
    compatible,
    letters_outside,
    main_and_native,
    script_counts,
    script_of,
    shares_of,
)

__all__ = ["compatible", "foreign_runs", "main_and_native", "mixed_script_words", "run"]

NAME = "scripts"
VERSION = "2"

# Scripts written without spaces between words (or whose particles attach to a foreign word, as
# Korean "iPhone을"): a change of script next to one of their letters is a word boundary, and a
# widget word written in them is found inside a longer word.
_UNSPACED = CJK | {"Thai", "Laoo", "Khmr", "Mymr"}
# Characters of a span given to langdetect.
_SPAN_SAMPLE_CHARS = 2000
# Rule and label of a body line this step removes.
WIDGET_RULE = "foreign-script-widget"
WIDGET_LABEL = "chrome"

# Words of share bars, comment and subscription widgets, related-link headings, countdowns and
# log-in links, in the languages whose pages most often carry them into another language's page.
# Matched case-insensitively, as whole words (inside words for unspaced scripts).
WIDGET_WORDS: tuple[str, ...] = (
    # English
    "share", "share this", "tweet", "print", "email", "e-mail", "subscribe", "follow us",
    "like us", "comment", "comments", "reply", "read more", "read also", "see also", "related",
    "recommended", "advertisement", "sponsored", "login", "log in", "sign in", "sign up",
    "register", "newsletter", "download", "days left", "remaining", "trending", "most read",
    "tags", "next", "previous", "back to top", "menu", "home", "search",
    # French, Spanish, Portuguese, Italian, German
    "partager", "commentaires", "abonnez-vous", "s'abonner", "lire aussi", "lire la suite",
    "publicité", "connexion", "suivez-nous", "imprimer", "compartir", "comentarios",
    "suscríbete", "leer más", "lee también", "publicidad", "síguenos", "compartilhar",
    "partilhar", "comentários", "assine", "inscreva-se", "leia mais", "leia também", "siga-nos",
    "condividi", "commenti", "iscriviti", "leggi anche", "pubblicità", "seguici", "teilen",
    "kommentare", "abonnieren", "weiterlesen", "lesen sie auch", "anzeige", "werbung",
    "anmelden", "drucken",
    # Russian, Ukrainian, Bulgarian
    "поделиться", "поделитесь", "комментарии", "подписаться", "подпишитесь", "читайте также",
    "читать далее", "подробнее", "реклама", "войти", "регистрация", "осталось", "поділитися",
    "коментарі", "підписатися", "читайте також", "сподели", "коментари", "абонирай се",
    # Greek
    "κοινοποίηση", "μοιραστείτε", "σχόλια", "εγγραφή", "διαβάστε επίσης",
    "διαβάστε περισσότερα", "διαφήμιση", "σύνδεση", "ακολουθήστε μας",
    # Arabic, Persian, Urdu
    "مشاركة", "شارك", "تعليقات", "التعليقات", "اشترك", "اشتراك", "اقرأ أيضا", "اقرأ أيضاً",
    "اقرأ المزيد", "إعلان", "تسجيل الدخول", "تابعنا", "متبقي", "متبقية", "اشتراک‌گذاری",
    "نظرات", "بیشتر بخوانید", "تبلیغات", "شیئر", "تبصرے", "مزید پڑھیں",
    # Hebrew
    "שתף", "שתפו", "תגובות", "הירשם", "הרשמה", "קראו עוד", "קרא עוד", "פרסומת", "התחברות",
    "עקבו אחרינו",
    # Hindi, Marathi, Bengali, Tamil
    "शेयर", "शेअर", "साझा करें", "टिप्पणी", "टिप्पणियां", "सदस्यता", "सब्सक्राइब", "और पढ़ें",
    "यह भी पढ़ें", "विज्ञापन", "शेয়ার", "শেয়ার", "মন্তব্য", "আরও পড়ুন", "বিজ্ঞাপন", "பகிர்",
    "கருத்துகள்", "மேலும் படிக்க", "விளம்பரம்",
    # Thai, Chinese, Japanese, Korean (found inside longer words)
    "แชร์", "ติดตาม", "อ่านต่อ", "อ่านเพิ่มเติม", "ความคิดเห็น", "โฆษณา", "สมัครสมาชิก",
    "เข้าสู่ระบบ", "分享", "转发", "轉發", "微信", "微博", "评论", "評論", "订阅", "訂閱", "关注",
    "關注", "相关", "相關", "阅读", "閱讀", "推荐", "推薦", "广告", "廣告", "登录", "登入", "注册",
    "註冊", "点赞", "收藏", "上一篇", "下一篇", "热门", "熱門", "シェア", "ツイート", "コメント",
    "関連", "購読", "フォロー", "ログイン", "広告", "続きを読む", "いいね", "おすすめ", "공유",
    "댓글", "구독", "관련", "로그인", "광고", "팔로우", "더보기", "좋아요", "추천", "남음",
)  # fmt: skip

_SENTENCE_END = regex.compile(r"[.!?…。！？؟।॥۔][\"'”’»)\]」』]*$")
_WORD = regex.compile(r"[\p{L}\p{M}]+")
_NEWLINE = regex.compile("\n")


@dataclass(frozen=True)
class Config:
    # characters of a span's text recorded in provenance (longer spans are cut, "truncated": true)
    max_span_text: int = field(default=200, metadata={"min": 1, "max": 100_000})
    # a span needs at least this many letters before its language is detected (else null)
    span_language_min_letters: int = field(default=20, metadata={"min": 1, "max": 100_000})
    # ... a Han, kana or Hangul span this many of those characters
    span_language_min_letters_cjk: int = field(default=10, metadata={"min": 1, "max": 100_000})
    # a span's language is recorded only when langdetect's top probability reaches this
    span_language_min_confidence: float = field(default=0.90, metadata={"min": 0.0, "max": 1.0})
    # seed of langdetect's random sampling for span languages
    language_seed: int = field(default=DEFAULT_SEED, metadata={"min": 0})
    # foreign-script spans listed per document; the rest are only counted
    max_spans: int = field(default=500, metadata={"min": 0, "max": 1_000_000})
    # mixed-script words listed per document; the rest are only counted
    max_mixed_words: int = field(default=500, metadata={"min": 0, "max": 1_000_000})
    # a body line that is a foreign-script widget fragment: remove it (with its spans) or keep it
    foreign_widget_lines: Literal["remove", "keep"] = "remove"
    # ... a widget fragment has at most this many words
    widget_line_max_words: int = field(default=8, metadata={"min": 1, "max": 1000})
    # ... and at most this many letters
    widget_line_max_letters: int = field(default=60, metadata={"min": 1, "max": 100_000})
    # ... of which at least this share are of scripts foreign to the body
    widget_line_min_foreign_share: float = field(default=0.2, metadata={"min": 0.0, "max": 1.0})
    # words that make a short foreign-script line a widget, besides the built-in WIDGET_WORDS
    extra_widget_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Run:
    """A maximal run of foreign-script letters in one string: [start, end) and its letters."""

    start: int
    end: int
    counts: Counter[str]

    @property
    def script(self) -> str:
        return min(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _extend_marks(text: str, end: int) -> int:
    """Extend an end offset over the combining marks attached to the last letter."""
    while end < len(text) and unicodedata.category(text[end]).startswith("M"):
        end += 1
    return end


def _foreign_letters(
    text: str, native: frozenset[str], scripts: Mapping[str, str | None]
) -> Iterator[tuple[int, str]]:
    """(offset, script) of every letter whose script is not native, in order."""
    pattern = letters_outside(native)
    if pattern is None:  # a native script without a property name: look at every character
        for i, ch in enumerate(text):
            code = scripts[ch]
            if code is not None and code not in native:
                yield i, code
        return
    for match in pattern.finditer(text):
        code = scripts[match.group()]
        if code is not None and code not in native:  # Unicode versions of regex and Python
            yield match.start(), code


def foreign_runs(
    text: str, native: frozenset[str], scripts: Mapping[str, str | None] | None = None
) -> Iterator[Run]:
    """Maximal runs of letters whose script is not native (mutually compatible within a run).

    A run goes on over anything but a native letter or a line break, and stops before a foreign
    letter of a script incompatible with its own.
    """
    scripts = char_scripts(text) if scripts is None else scripts
    native_letters = frozenset(ch for ch, code in scripts.items() if code in native)
    start = end = -1
    counts: Counter[str] = Counter()
    for i, code in _foreign_letters(text, native, scripts):
        if counts and all(compatible(code, c) for c in counts):
            gap = text[end:i]
            if not gap or ("\n" not in gap and not any(ch in native_letters for ch in gap)):
                end = i + 1
                counts[code] += 1
                continue
        if counts:
            yield Run(start, _extend_marks(text, end), counts)
        start, end = i, i + 1
        counts = Counter({code: 1})
    if counts:
        yield Run(start, _extend_marks(text, end), counts)


def mixed_script_words(
    text: str, scripts: Mapping[str, str | None] | None = None
) -> Iterator[tuple[int, int, list[str]]]:
    """(start, end, scripts) of every word whose letters come from incompatible scripts.

    A word is a run of letters and marks; a change of script next to a letter of a script
    written without spaces (Han, kana, Hangul, Thai...) splits it, so "iPhone発売" is two words.

    >>> list(mixed_script_words("Pаypal and iPhone発売"))
    [(0, 6, ['Cyrl', 'Latn'])]
    """
    scripts = char_scripts(text) if scripts is None else scripts
    if len({code for code in scripts.values() if code is not None}) < 2:
        return
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii() or len({scripts[ch] for ch in word} - {None}) < 2:
            continue
        piece_start = match.start()
        found: list[str] = []
        prev: str | None = None
        for i in range(match.start(), match.end()):
            code = scripts[text[i]]
            if code is None:
                continue
            if (
                prev is not None
                and (prev in _UNSPACED or code in _UNSPACED)
                and not compatible(prev, code)
            ):
                yield from _if_mixed(piece_start, i, found)
                piece_start, found = i, []
            if code not in found:
                found.append(code)
            prev = code
        yield from _if_mixed(piece_start, match.end(), found)


def _if_mixed(start: int, end: int, scripts: list[str]) -> Iterator[tuple[int, int, list[str]]]:
    if any(not compatible(a, b) for a in scripts for b in scripts):
        yield start, end, sorted(scripts)


@lru_cache(maxsize=32)
def _widget_pattern(extra: tuple[str, ...]) -> regex.Pattern[str]:
    spaced: list[str] = []
    unspaced: list[str] = []
    for word in sorted({w.strip().casefold() for w in WIDGET_WORDS + extra if w.strip()}):
        first = next((script_of(ch) for ch in word if script_of(ch)), None)
        (unspaced if first in _UNSPACED else spaced).append(regex.escape(word))
    alternatives = []
    if spaced:
        alternatives.append(rf"(?<![\p{{L}}\p{{M}}])(?:{'|'.join(spaced)})(?![\p{{L}}\p{{M}}])")
    if unspaced:
        alternatives.append(f"(?:{'|'.join(unspaced)})")
    return regex.compile("|".join(alternatives), regex.IGNORECASE)


def is_widget_line(line: str, native: frozenset[str], cfg: Config) -> bool:
    """Whether a body line is a foreign-script widget fragment (see the module docstring)."""
    if len(line.split()) > cfg.widget_line_max_words or _SENTENCE_END.search(line.rstrip()):
        return False
    counts = script_counts(line)
    total = sum(counts.values())
    foreign = sum(n for code, n in counts.items() if code not in native)
    if not foreign or total > cfg.widget_line_max_letters:
        return False
    if foreign < cfg.widget_line_min_foreign_share * total:
        return False
    return bool(_widget_pattern(cfg.extra_widget_words).search(line))


def _span_language(span_text: str, counts: Counter[str], cfg: Config) -> str | None:
    cjk = sum(n for code, n in counts.items() if code in CJK)
    if cjk * 2 > sum(counts.values()):
        if cjk < cfg.span_language_min_letters_cjk:
            return None
    elif sum(counts.values()) < cfg.span_language_min_letters:
        return None
    try:
        probabilities = detect_probabilities(span_text[:_SPAN_SAMPLE_CHARS], cfg.language_seed)
    except LangDetectException:  # no features in the text
        return None
    if probabilities and probabilities[0][1] >= cfg.span_language_min_confidence:
        return probabilities[0][0]
    return None


def _span_record(source: str, run: Run, cfg: Config) -> dict[str, Any]:
    full = source[run.start : run.end]
    letters = sum(run.counts.values())
    return {
        "start": run.start,
        "end": run.end,
        "script": run.script,
        "scripts": sorted(run.counts),
        "letters": letters,
        "text": full[: cfg.max_span_text],
        "truncated": len(full) > cfg.max_span_text,
        "language": _span_language(full, run.counts, cfg),
    }


def _inside_any(start: int, end: int, ranges: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in ranges)


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in _NEWLINE.finditer(text)]


def _mostly_foreign(line: str, native: frozenset[str]) -> bool:
    counts = script_counts(line)
    foreign = sum(n for code, n in counts.items() if code not in native)
    return foreign * 2 > sum(counts.values())


def remove_widget_lines(
    doc: Document, native: frozenset[str], cfg: Config
) -> tuple[str, tuple[Line, ...], list[Line]]:
    """The text without its foreign-script widget lines, the new doc.lines, the removed Lines.

    A removed line keeps its Line (label and rule changed) when doc.lines holds the body lines
    the text was joined from; otherwise a new Line is added whose number is the line's index in
    doc.text. Nothing is removed when that would leave no letters, or change the body's writing
    system (the lines were judged against it).
    """
    if cfg.foreign_widget_lines != "remove":
        return doc.text, doc.lines, []
    pattern = letters_outside(native)
    text_lines = doc.text.split("\n")
    widget = {
        i
        for i, line in enumerate(text_lines)
        if (pattern is None or pattern.search(line)) and is_widget_line(line, native, cfg)
    }
    if not widget:
        return doc.text, doc.lines, []
    remaining = [ln for i, ln in enumerate(text_lines) if i not in widget]
    text = "\n".join(remaining)
    if main_and_native(script_counts(text))[1] != native:
        return doc.text, doc.lines, []

    body_positions = [i for i, ln in enumerate(doc.lines) if ln.label == BODY and ln.text]
    lines = list(doc.lines)
    removed: list[Line] = []
    if [doc.lines[i].text for i in body_positions] == text_lines:
        for number in sorted(widget):
            position = body_positions[number]
            lines[position] = dataclasses.replace(
                lines[position], label=WIDGET_LABEL, rule=WIDGET_RULE
            )
            removed.append(lines[position])
    else:
        for number in sorted(widget):
            line = Line(text_lines[number], WIDGET_LABEL, WIDGET_RULE, number)
            lines.append(line)
            removed.append(line)
    return text, tuple(lines), removed


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    counts = script_counts(doc.text)
    main, native = main_and_native(counts)
    text, new_lines = doc.text, doc.lines
    widget_lines: list[Line] = []
    if main is not None and any(code not in native for code in counts):
        text, new_lines, widget_lines = remove_widget_lines(doc, native, cfg)
        if widget_lines:
            counts = script_counts(text)

    spans: list[dict[str, Any]] = []
    words: list[dict[str, Any]] = []
    spans_seen = words_seen = 0

    def scan(source: str, where: dict[str, Any], action: str, reason: str) -> None:
        nonlocal spans_seen, words_seen
        if source.isascii() and (main is None or "Latn" in native):
            return  # letters of one script, native or with nothing native to compare with
        scripts = char_scripts(source)
        codes = {code for code in scripts.values() if code is not None}
        if len(codes) < 2 and (main is None or codes <= native):
            return  # no mixed-script word (two scripts needed) and no foreign letter
        word_ranges = []
        for start, end, found in mixed_script_words(source, scripts):
            word_ranges.append((start, end))
            words_seen += 1
            if len(words) < cfg.max_mixed_words:
                word = {"start": start, "end": end, "word": source[start:end], "scripts": found}
                words.append({**where, **word})
        if main is None:  # no letters in the body: nothing is foreign to it
            return
        starts: list[int] = []
        line_kind: dict[int, str] = {}
        for found_run in foreign_runs(source, native, scripts):
            spans_seen += 1
            if len(spans) >= cfg.max_spans:
                continue
            why = reason
            if action == "kept":
                starts = starts or _line_starts(source)
                why = _kept_reason(source, found_run, starts, line_kind, word_ranges, native, cfg)
            record = _span_record(source, found_run, cfg)
            spans.append({**where, **record, "action": action, "reason": why})

    scan(text, {"where": "text"}, "kept", "inside-main-text")
    for line in new_lines:
        if line.label != BODY:
            where = {"where": "removed", "line": line.line, "label": line.label, "rule": line.rule}
            scan(line.text, where, "removed-with-line", f"{line.label}/{line.rule}")

    provenance: Provenance = {
        "main_script": main,
        "native_scripts": sorted(native),
        "foreign_script_spans": spans,
        "foreign_script_spans_omitted": spans_seen - len(spans),
        "foreign_script_lines_removed": len(widget_lines),
        "mixed_script_words": words,
        "mixed_script_words_omitted": words_seen - len(words),
    }
    if widget_lines:
        provenance["removed"] = list(doc.provenance.get("removed", [])) + [
            line.to_json() for line in widget_lines
        ]
    out = dataclasses.replace(doc, text=text, lines=new_lines, scripts=shares_of(counts))
    return out, provenance


def _kept_reason(
    source: str,
    found: Run,
    starts: list[int],
    line_kind: dict[int, str],
    word_ranges: list[tuple[int, int]],
    native: frozenset[str],
    cfg: Config,
) -> str:
    """Why a span of the final text was kept (see the module docstring)."""
    if _inside_any(found.start, found.end, word_ranges):
        return "inside-mixed-script-word"
    # the line the span starts on (a span may go on over a line end: its first line decides)
    lo, hi = 0, len(starts)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if starts[mid] <= found.start else (lo, mid)
    if lo not in line_kind:
        end = starts[lo + 1] - 1 if lo + 1 < len(starts) else len(source)
        line = source[starts[lo] : end]
        if not _mostly_foreign(line, native):
            line_kind[lo] = "inside-main-text"
        elif cfg.foreign_widget_lines == "keep" and is_widget_line(line, native, cfg):
            line_kind[lo] = "widget-line-kept"
        else:
            line_kind[lo] = "foreign-line"
    return line_kind[lo]
