"""The run report: `<clean-dir>/<date>/report.html`, one self-contained page (inline CSS and
SVG, no script, nothing fetched) showing what a night did: the accounting, removals by rule,
languages and scripts, publication dates, duplicate clusters, encodings and repairs, rejections,
per-stage times and the change from the previous complete night.

Everything comes from the partition's own files (manifest.json and the three JSONL files), read
line by line, so a report can be written again at any time (`clean-pipeline report DATE`).
Every string taken from a record (titles, paths, rule names, errors) is HTML-escaped: the input
is arbitrary web content.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPORT_NAME = "report.html"
# a rule's or reason's rate "moved" between two nights when it changed by at least this many
# percentage points (or appeared, or vanished)
MOVED_POINTS = 1.0
TOP_RULES = 30  # bars in the removals chart; the table below it lists every rule
TOP_CLUSTERS = 25  # rows in the duplicate-cluster table
EXAMPLES_PER_REASON = 5  # rejected inputs listed under each reason
TITLE_CHARS = 90  # longer titles and paths are cut (a cut title keeps its full text in a tooltip)


# ---------------------------------------------------------------------------------------------
# Reading a partition


@dataclass
class Cluster:
    """A group of duplicates and the document they repeat (kept tonight or an earlier night)."""

    keeper: str
    keeper_night: str | None
    members: int = 0
    exact: int = 0
    near: int = 0
    min_similarity: float = 1.0
    example_title: str | None = None
    example_path: str = ""


@dataclass
class Night:
    """What one partition holds, counted from its files."""

    date: str
    manifest: dict[str, Any]
    documents: int = 0
    duplicates: int = 0
    rejected: int = 0
    rule_entries: Counter[str] = field(default_factory=Counter)
    rule_documents: Counter[str] = field(default_factory=Counter)
    rule_chars: Counter[str] = field(default_factory=Counter)
    label_entries: Counter[str] = field(default_factory=Counter)
    chars_kept: int = 0
    chars_removed: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    language_confidence: dict[str, float] = field(default_factory=dict)
    main_scripts: Counter[str] = field(default_factory=Counter)
    foreign_spans: Counter[tuple[str, str]] = field(default_factory=Counter)
    documents_with_foreign_spans: int = 0
    mixed_script_words: int = 0
    published: Counter[str] = field(default_factory=Counter)
    date_sources: Counter[str] = field(default_factory=Counter)
    date_null_reasons: Counter[str] = field(default_factory=Counter)
    ambiguous_dates: int = 0
    ambiguous_resolved: int = 0
    clusters: dict[str, Cluster] = field(default_factory=dict)
    duplicates_by_night: Counter[str] = field(default_factory=Counter)
    keepers: dict[str, tuple[str | None, str]] = field(default_factory=dict)  # title, path
    encodings: Counter[str] = field(default_factory=Counter)
    encoding_methods: Counter[str] = field(default_factory=Counter)
    input_formats: Counter[str] = field(default_factory=Counter)
    compressed: int = 0
    repaired_documents: int = 0
    ftfy_documents: int = 0
    ftfy_plans: Counter[str] = field(default_factory=Counter)
    ftfy_lines: int = 0
    entities_decoded: int = 0
    removed_characters: Counter[str] = field(default_factory=Counter)
    normalization_changed: int = 0
    still_broken: int = 0
    broken_signs: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    reason_stages: dict[str, str] = field(default_factory=dict)
    reason_examples: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def inputs(self) -> int:
        return self.documents + self.duplicates + self.rejected


class ReportError(ValueError):
    """A partition file the report cannot read: names the file (and line) and the reason."""


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    record = json.loads(line)
                except ValueError as exc:
                    raise ReportError(f"{path}: line {number} is not JSON ({exc})") from None
                if not isinstance(record, dict):
                    raise ReportError(f"{path}: line {number} is not a JSON object")
                yield record


def _plan_text(plan: Iterable[Any]) -> str:
    """ftfy's fix plan as one readable string: "encode sloppy-windows-1252 → decode utf-8"."""
    steps = []
    for step in plan:
        steps.append(" ".join(str(part) for part in step) if isinstance(step, list) else str(step))
    return " → ".join(steps) or "(empty plan)"


def record_view(record: dict[str, Any]) -> dict[str, Any]:
    """What the report counts of one kept or duplicate record, without its texts (their lengths
    instead): a few hundred bytes. The partition writer makes these beside the shards' results
    and counts a night from them without reading the written files back; `read_night` counts a
    partition's files through the same view, so both count the same."""
    prov = record.get("provenance") or {}
    encoding = prov.get("encoding") or {}
    detected = encoding.get("detected") or {}
    repairs = encoding.get("repairs") or {}
    fixes = repairs.get("ftfy") or []
    rules: dict[str, list[int]] = {}  # rule: [entries, characters], in the order first removed
    labels: dict[str, int] = {}
    for entry in prov.get("removed") or []:
        rule = f"{entry.get('label')}:{entry.get('rule')}"
        counted = rules.setdefault(rule, [0, 0])
        counted[0] += 1
        counted[1] += len(entry.get("text") or "")
        label = str(entry.get("label"))
        labels[label] = labels.get(label, 0) + 1
    spans: dict[tuple[str, str], list[Any]] = {}  # [script, action, spans] in the order met
    for span in prov.get("foreign_script_spans") or []:
        script, action = str(span.get("script")), str(span.get("action"))
        spans.setdefault((script, action), [script, action, 0])[2] += 1
    confidence = prov.get("language_confidence")
    scripts = record.get("scripts") or {}
    main = prov.get("main_script") or (
        max(scripts.items(), key=lambda kv: kv[1])[0] if scripts else "none"
    )
    date = prov.get("date") or {}
    published = record.get("published")
    return {
        "id": record.get("id"),
        "title": record.get("title"),
        "source_path": str(prov.get("source_path", "")),
        # what every read input tells, kept or duplicate: its format, encoding and repairs
        "input_format": str(prov.get("input_format", "unknown")),
        "compressed": bool(prov.get("compression")),
        "encoding": str(detected.get("encoding", "unknown")),
        "encoding_method": str(detected.get("method", "unknown")),
        "repaired": bool(repairs.get("changed")),
        "ftfy_plans": [_plan_text(fix.get("plan") or []) for fix in fixes],
        "ftfy_lines": sum(len(fix.get("lines") or []) for fix in fixes),
        "entities_decoded": int(repairs.get("html_entities_decoded") or 0),
        "removed_characters": {
            str(kind): int(count)
            for kind, count in (repairs.get("removed_characters") or {}).items()
        },
        "normalization_changed": bool(repairs.get("normalization_changed")),
        "still_broken": bool(repairs.get("still_broken")),
        "broken_signs": {
            str(sign): int(count) for sign, count in (repairs.get("broken_signs") or {}).items()
        },
        # what a kept document tells: removals, language, scripts, date
        "text_chars": len(record.get("text") or ""),
        "rules": rules,
        "labels": labels,
        "language": record.get("language") or "unknown",
        "language_confidence": confidence if isinstance(confidence, (int, float)) else None,
        "main_script": str(main),
        "foreign_spans": list(spans.values()),
        "mixed_script_words": len(prov.get("mixed_script_words") or []),
        "published": str(published) if published else None,
        "date_source": str(date.get("source", "unknown")),
        "date_null_reason": str(date.get("null_reason") or "no date"),
        "ambiguous_date": bool(date.get("ambiguous")),
        **duplicate_view(record),
    }


def duplicate_view(fields: dict[str, Any]) -> dict[str, Any]:
    """What the report counts of a duplicate's decision (the fields the partition adds to its
    record: duplicate_of, duplicate_kind, similarity, cluster, duplicate_of_night)."""
    similarity = fields.get("similarity")
    night = fields.get("duplicate_of_night")
    return {
        "cluster": str(fields.get("cluster") or fields.get("duplicate_of")),
        "duplicate_of": str(fields.get("duplicate_of")),
        "keeper_night": night,
        "near": fields.get("duplicate_kind") == "near",
        "similarity": similarity if isinstance(similarity, (int, float)) else None,
        "keeper_night_name": str(night or "unknown"),
    }


def _count_cleaned(night: Night, view: dict[str, Any]) -> None:
    night.input_formats[view["input_format"]] += 1
    if view["compressed"]:
        night.compressed += 1
    night.encodings[view["encoding"]] += 1
    night.encoding_methods[view["encoding_method"]] += 1
    if view["repaired"]:
        night.repaired_documents += 1
    if view["ftfy_plans"]:
        night.ftfy_documents += 1
    night.ftfy_plans.update(view["ftfy_plans"])
    night.ftfy_lines += view["ftfy_lines"]
    night.entities_decoded += view["entities_decoded"]
    night.removed_characters.update(view["removed_characters"])
    if view["normalization_changed"]:
        night.normalization_changed += 1
    if view["still_broken"]:
        night.still_broken += 1
        night.broken_signs.update(view["broken_signs"])


def _count_document(night: Night, view: dict[str, Any]) -> None:
    night.chars_kept += view["text_chars"]
    for rule, (entries, chars) in view["rules"].items():
        night.rule_entries[rule] += entries
        night.rule_chars[rule] += chars
        night.chars_removed += chars
    night.label_entries.update(view["labels"])
    night.rule_documents.update(view["rules"].keys())
    language = view["language"]
    night.languages[language] += 1
    confidence = view["language_confidence"]
    if confidence is not None:
        night.language_confidence[language] = night.language_confidence.get(language, 0.0) + float(
            confidence
        )
    night.main_scripts[view["main_script"]] += 1
    if view["foreign_spans"]:
        night.documents_with_foreign_spans += 1
    for script, action, count in view["foreign_spans"]:
        night.foreign_spans[(script, action)] += count
    night.mixed_script_words += view["mixed_script_words"]
    if view["published"]:
        night.published[view["published"]] += 1
        night.date_sources[view["date_source"]] += 1
    else:
        night.date_null_reasons[view["date_null_reason"]] += 1
    if view["ambiguous_date"]:
        night.ambiguous_dates += 1
        if view["published"]:
            night.ambiguous_resolved += 1


def _count_duplicate(night: Night, view: dict[str, Any]) -> None:
    key = view["cluster"]
    cluster = night.clusters.get(key)
    if cluster is None:
        cluster = night.clusters[key] = Cluster(
            keeper=view["duplicate_of"], keeper_night=view["keeper_night"]
        )
    cluster.members += 1
    if view["near"]:
        cluster.near += 1
    else:
        cluster.exact += 1
    if view["similarity"] is not None:
        cluster.min_similarity = min(cluster.min_similarity, float(view["similarity"]))
    if cluster.example_title is None:
        cluster.example_title = view["title"]
    if not cluster.example_path:
        cluster.example_path = view["source_path"]
    night.duplicates_by_night[view["keeper_night_name"]] += 1


def count_night(
    date: str,
    manifest: dict[str, Any],
    duplicates: Iterable[dict[str, Any]],
    documents: Iterable[dict[str, Any]],
    rejected: Iterable[dict[str, Any]],
) -> Night:
    """A night counted from the views (`record_view`) of its duplicates and then of its kept
    documents, each in the order of its file, and from its rejection records."""
    night = Night(date=date, manifest=manifest)
    for view in duplicates:
        night.duplicates += 1
        _count_cleaned(night, view)
        _count_duplicate(night, view)
    keepers = {cluster.keeper for cluster in night.clusters.values()}
    for view in documents:
        night.documents += 1
        _count_cleaned(night, view)
        _count_document(night, view)
        if view["id"] in keepers:
            night.keepers[str(view["id"])] = (view["title"], view["source_path"])
    for record in rejected:
        night.rejected += 1
        reason = str(record.get("reason") or "unknown")
        night.reasons[reason] += 1
        night.reason_stages.setdefault(reason, str(record.get("stage") or ""))
        examples = night.reason_examples.setdefault(reason, [])
        if len(examples) < EXAMPLES_PER_REASON:
            examples.append((str(record.get("source_path", "")), str(record.get("error", ""))))
    return night


def read_manifest(partition: Path) -> dict[str, Any]:
    manifest_path = partition / "manifest.json"
    try:
        manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"{manifest_path}: cannot be read ({exc})") from None
    return manifest


def read_night(partition: Path, date: str | None = None) -> Night:
    """Count everything the report shows from one partition's files, a line at a time."""
    manifest = read_manifest(partition)
    return count_night(
        date or str(manifest.get("date") or partition.name),
        manifest,
        (record_view(record) for record in _lines(partition / "duplicates.jsonl")),
        (record_view(record) for record in _lines(partition / "documents.jsonl")),
        _lines(partition / "rejected.jsonl"),
    )


def complete_partitions(clean_dir: Path) -> list[str]:
    """Dates of the complete partitions (with _SUCCESS) in clean_dir, oldest first."""
    from pipeline.partition import complete_partitions as dates  # partition imports this module

    return dates(clean_dir)


def previous_partition(clean_dir: Path, date: str) -> Path | None:
    """The newest complete partition before `date` in clean_dir, or None."""
    earlier = [d for d in complete_partitions(clean_dir) if d < date]
    return clean_dir / earlier[-1] if earlier else None


# ---------------------------------------------------------------------------------------------
# HTML and SVG pieces


def esc(value: Any, limit: int | None = None) -> str:
    """Text made safe for HTML (and SVG): escaped, lone surrogates replaced, optionally cut."""
    text = str(value)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    text = text.encode("utf-8", "replace").decode("utf-8")
    return html.escape(text, quote=True)


def num(value: float | int) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"


def pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


FULL, HALF = 1000, 470  # chart widths in a whole section and in one of two columns
PALETTE = ("#3b6ea8", "#d9822b", "#5a9e6f", "#b5495b", "#7d63a8", "#8c7a4f", "#4a9aa5")


def hbar_chart(
    items: Sequence[tuple[Any, float]],
    label: str,
    color: str = PALETTE[0],
    value_suffix: str = "",
    width: int = FULL,
) -> str:
    """A horizontal bar chart, one labelled bar per item, as inline SVG."""
    if not items:
        return '<p class="empty">nothing to show</p>'
    row, right = 22, 90
    left = 250 if width >= FULL else 150
    top = max(value for _, value in items) or 1
    height = row * len(items) + 6
    parts = [
        f'<svg class="chart bar-chart" role="img" aria-label="{esc(label)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    span = width - left - right
    for i, (name, value) in enumerate(items):
        y = 3 + i * row
        bar = max(1.0, span * value / top) if value else 0.0
        shown = num(value) if isinstance(value, int) else f"{value:,.3g}"
        parts.append(
            f"<g><title>{esc(name)}: {esc(shown)}{esc(value_suffix)}</title>"
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" class="lbl">'
            f"{esc(name, left // 7)}</text>"
            f'<rect x="{left}" y="{y + 3}" width="{bar:.1f}" height="{row - 7}" rx="2" '
            f'fill="{color}"/>'
            f'<text x="{left + bar + 6:.1f}" y="{y + 15}" class="val">{esc(shown)}'
            f"{esc(value_suffix)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def diverging_chart(items: Sequence[tuple[str, float]], label: str, unit: str) -> str:
    """Changes as bars left (down) or right (up) of a zero line, as inline SVG."""
    if not items:
        return '<p class="empty">nothing to show</p>'
    row, left, width = 22, 300, FULL
    middle = left + (width - left) / 2
    half = (width - left) / 2 - 70
    top = max(abs(value) for _, value in items) or 1
    height = row * len(items) + 6
    out = [
        f'<svg class="chart diverging" role="img" aria-label="{esc(label)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{middle:.1f}" y1="0" x2="{middle:.1f}" y2="{height}" class="axis"/>',
    ]
    for i, (name, value) in enumerate(items):
        y = 3 + i * row
        bar = max(1.0, half * abs(value) / top)
        x = middle if value >= 0 else middle - bar
        color = PALETTE[0] if value >= 0 else PALETTE[1]  # a direction, not good or bad
        text_x, anchor = (middle + bar + 6, "start") if value >= 0 else (middle - bar - 6, "end")
        out.append(
            f"<g><title>{esc(name)}: {value:+.1f}{esc(unit)}</title>"
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" class="lbl">'
            f"{esc(name, left // 7)}</text>"
            f'<rect x="{x:.1f}" y="{y + 3}" width="{bar:.1f}" height="{row - 7}" rx="2" '
            f'fill="{color}"/><text x="{text_x:.1f}" y="{y + 15}" text-anchor="{anchor}" '
            f'class="val">{value:+.1f}{esc(unit)}</text></g>'
        )
    out.append("</svg>")
    return "".join(out)


def stacked_bar(parts_in: list[tuple[str, int, str]], label: str) -> str:
    """One bar split into coloured parts (the accounting of the inputs), with a legend."""
    total = sum(value for _, value, _ in parts_in)
    width, height = FULL, 58
    out = [
        f'<svg class="chart stacked" role="img" aria-label="{esc(label)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    x = 0.0
    for name, value, color in parts_in:
        w = width * value / total if total else 0
        if w:
            out.append(
                f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="26" fill="{color}">'
                f"<title>{esc(name)}: {num(value)} ({pct(value, total)})</title></rect>"
            )
        x += w
    x = 0.0
    for name, value, color in parts_in:
        out.append(
            f'<rect x="{x:.0f}" y="38" width="12" height="12" fill="{color}"/>'
            f'<text x="{x + 17:.0f}" y="49" class="lbl">{esc(name)} {num(value)} '
            f"({pct(value, total)})</text>"
        )
        x += 250
    out.append("</svg>")
    return "".join(out)


def _bins(dates: Counter[str]) -> tuple[str, list[tuple[str, int]]]:
    """Dates grouped into days, months or years (whichever gives at most ~60 bars), with every
    empty bin between the first and the last."""
    parsed: Counter[dt.date] = Counter()
    for text, count in dates.items():
        try:
            parsed[dt.date.fromisoformat(text)] += count
        except ValueError:
            continue
    if not parsed:
        return "day", []
    first, last = min(parsed), max(parsed)
    if (last - first).days <= 62:
        out, day = [], first
        while day <= last:
            out.append((day.isoformat(), parsed.get(day, 0)))
            day += dt.timedelta(days=1)
        return "day", out
    months = (last.year - first.year) * 12 + last.month - first.month
    if months <= 72:
        by_month: Counter[str] = Counter()
        for day, count in parsed.items():
            by_month[f"{day.year:04d}-{day.month:02d}"] += count
        out = []
        for i in range(months + 1):
            year, month = divmod(first.month - 1 + i, 12)
            key = f"{first.year + year:04d}-{month + 1:02d}"
            out.append((key, by_month.get(key, 0)))
        return "month", out
    by_year: Counter[int] = Counter()
    for day, count in parsed.items():
        by_year[day.year] += count
    return "year", [(str(y), by_year.get(y, 0)) for y in range(first.year, last.year + 1)]


def date_histogram(dates: Counter[str]) -> str:
    """Documents per publication day, month or year, as a column chart."""
    unit, bins = _bins(dates)
    if not bins:
        return '<p class="empty">no document has a trusted publication date</p>'
    width, height, left, bottom, top_pad = FULL, 240, 44, 50, 12
    plot_w, plot_h = width - left - 10, height - bottom - top_pad
    top = max(count for _, count in bins) or 1
    step = plot_w / len(bins)
    every = max(1, math.ceil(len(bins) / 12))  # at most about 12 labels on the axis
    out = [
        f'<svg class="chart date-histogram" role="img" '
        f'aria-label="documents per publication {unit}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 10}" y2="{top_pad + plot_h}" '
        f'class="axis"/>',
        f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end" class="val">{num(top)}</text>',
        f'<text x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end" class="val">0</text>',
    ]
    for i, (key, count) in enumerate(bins):
        x = left + i * step
        h = plot_h * count / top
        if count:
            out.append(
                f'<rect x="{x + step * 0.1:.1f}" y="{top_pad + plot_h - h:.1f}" '
                f'width="{max(1.0, step * 0.8):.1f}" height="{h:.1f}" fill="{PALETTE[0]}">'
                f"<title>{esc(key)}: {num(count)} document(s)</title></rect>"
            )
        if i % every == 0:
            cx = x + step / 2
            out.append(
                f'<text x="{cx:.1f}" y="{top_pad + plot_h + 14}" class="lbl tick" '
                f'text-anchor="end" transform="rotate(-35 {cx:.1f} {top_pad + plot_h + 14})">'
                f"{esc(key)}</text>"
            )
    out.append("</svg>")
    return "".join(out)


def table(headers: list[str], rows: Iterable[list[str]], css: str = "") -> str:
    """An HTML table; the cells must already be escaped (numbers or esc())."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    if not body:
        return '<p class="empty">none</p>'
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _sorted(counter: Counter[Any]) -> list[tuple[Any, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))


# ---------------------------------------------------------------------------------------------
# Sections


def _section(ident: str, title: str, body: str) -> str:
    return f'<section id="{ident}"><h2>{esc(title)}</h2>{body}</section>'


def _accounting(night: Night) -> str:
    m = night.manifest
    inputs = int(m.get("inputs", night.inputs))
    balanced = inputs == night.documents + night.duplicates + night.rejected
    cards = "".join(
        f'<div class="card {css}"><div class="figure" data-figure="{key}">{num(value)}</div>'
        f'<div class="caption">{esc(caption)}</div></div>'
        for key, value, caption, css in (
            ("inputs", inputs, "inputs", ""),
            ("documents", night.documents, "documents kept", "c0"),
            ("duplicates", night.duplicates, "duplicates", "c1"),
            ("rejected", night.rejected, "rejected", "c3"),
        )
    )
    check = (
        f'<p class="ok" data-figure="accounting">✔ inputs {num(inputs)} = documents '
        f"{num(night.documents)} + duplicates {num(night.duplicates)} + rejected "
        f"{num(night.rejected)}</p>"
        if balanced
        else f'<p class="bad" data-figure="accounting">✘ the files do not account for every input:'
        f" inputs {num(inputs)} ≠ documents {num(night.documents)} + duplicates "
        f"{num(night.duplicates)} + rejected {num(night.rejected)}</p>"
    )
    chart = stacked_bar(
        [
            ("documents", night.documents, PALETTE[0]),
            ("duplicates", night.duplicates, PALETTE[1]),
            ("rejected", night.rejected, PALETTE[3]),
        ],
        "inputs by outcome",
    )
    ignored = m.get("ignored") or []
    extra = (
        f'<p class="note">Not inputs (documentation, <code>discover.ignore</code>): '
        f"{esc(', '.join(str(p) for p in ignored), 300)}</p>"
        if ignored
        else ""
    )
    dated = sum(night.published.values())
    facts = (
        f'<p class="note">{num(dated)} of {num(night.documents)} documents dated '
        f"({pct(dated, night.documents)}); {num(night.chars_kept)} characters kept, "
        f"{num(night.chars_removed)} removed from the kept documents.</p>"
    )
    unchanged = int(m.get("unchanged") or 0)
    if unchanged:
        facts += (
            f'<p class="note" data-figure="unchanged">{num(unchanged)} more files under the raw '
            f"folder were published by earlier nights and not cleaned again "
            f"({num(inputs + unchanged)} discovered).</p>"
        )
    body = f'<div class="cards">{cards}</div>' + check + chart + facts + extra
    return _section("accounting", "Counts and accounting", body)


def _removals(night: Night) -> str:
    docs = night.documents
    top = _sorted(night.rule_entries)[:TOP_RULES]
    chart = hbar_chart([(rule, n) for rule, n in top], "removed pieces by rule")
    by_label = hbar_chart(_sorted(night.label_entries), "removed pieces by label", PALETTE[4])
    rows = [
        [
            f"<code>{esc(rule)}</code>",
            num(n),
            num(night.rule_documents[rule]),
            pct(night.rule_documents[rule], docs),
            num(night.rule_chars[rule]),
        ]
        for rule, n in _sorted(night.rule_entries)
    ]
    body = (
        f'<p class="note">Over the {num(docs)} kept documents: every removed line or piece is '
        "recorded in <code>provenance.removed</code> with its label and rule.</p>"
        f"<h3>By rule (label:rule)</h3>{chart}<h3>By label</h3>{by_label}"
        + table(
            ["rule", "pieces removed", "documents", "share of documents", "characters"],
            rows,
            "num",
        )
    )
    return _section("removals", "Removals by rule", body)


def _languages(night: Night) -> str:
    langs = _sorted(night.languages)
    chart = hbar_chart(langs, "documents by language", PALETTE[2], width=HALF)
    rows = [
        [
            f"<code>{esc(lang)}</code>",
            num(n),
            pct(n, night.documents),
            f"{night.language_confidence[lang] / n:.3f}"
            if lang in night.language_confidence
            else "–",
        ]
        for lang, n in langs
    ]
    scripts = hbar_chart(
        _sorted(night.main_scripts), "documents by main script", PALETTE[5], width=HALF
    )
    span_rows = [
        [f"<code>{esc(script)}</code>", esc(action), num(n)]
        for (script, action), n in _sorted(night.foreign_spans)
    ]
    body = (
        '<div class="cols"><div><h3>Languages</h3>'
        + chart
        + table(["language", "documents", "share", "mean confidence"], rows, "num")
        + "</div><div><h3>Main script</h3>"
        + scripts
        + "</div></div>"
        + "<h3>Foreign-script spans</h3>"
        + '<p class="note">Documents with spans in a script other than their main one: '
        f"{num(night.documents_with_foreign_spans)}; mixed-script words flagged: "
        f"{num(night.mixed_script_words)}.</p>"
        + table(["script", "what was done", "spans"], span_rows, "num")
    )
    return _section("languages", "Languages and scripts", body)


def _dates(night: Night) -> str:
    dated = sum(night.published.values())
    sources = table(
        ["source of the date", "documents"],
        ([esc(src), num(n)] for src, n in _sorted(night.date_sources)),
        "num",
    )
    nulls = table(
        ["why no date", "documents"],
        ([esc(reason, 120), num(n)] for reason, n in _sorted(night.date_null_reasons)),
        "num",
    )
    known = [d for d in night.published if _is_date(d)]
    span = f"from {esc(min(known))} to {esc(max(known))}" if known else ""
    body = (
        f'<p class="note"><span data-figure="dated">{num(dated)}</span> of {num(night.documents)}'
        f" kept documents have a trusted publication date {span}; "
        f"{num(night.ambiguous_dates)} had an ambiguous numeric date, "
        f"{num(night.ambiguous_resolved)} of them resolved by evidence.</p>"
        + date_histogram(night.published)
        + f'<div class="cols"><div>{sources}</div><div>{nulls}</div></div>'
    )
    return _section("dates", "Publication dates", body)


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _duplicates(night: Night) -> str:
    clusters = sorted(night.clusters.values(), key=lambda c: (-c.members, c.keeper))
    sizes: Counter[int] = Counter(c.members + 1 for c in clusters)
    chart = hbar_chart(
        [(f"{size} documents", n) for size, n in sorted(sizes.items())],
        "duplicate clusters by size",
        PALETTE[1],
    )
    rows = []
    for c in clusters[:TOP_CLUSTERS]:
        title, kept_path = night.keepers.get(c.keeper, (None, ""))
        title = title or c.example_title
        paths = f"kept: {esc(kept_path, TITLE_CHARS)}<br>" if kept_path else ""
        paths += f"e.g. duplicate: {esc(c.example_path, TITLE_CHARS)}"
        where = "tonight" if c.keeper_night in (None, night.date) else esc(c.keeper_night)
        rows.append(
            [
                f"<code>{esc(c.keeper)}</code>",
                where,
                num(c.members + 1),
                num(c.exact),
                num(c.near),
                f"{c.min_similarity:.3f}",
                f'<span title="{esc(title or "")}">{esc(title or "(no title)", TITLE_CHARS)}</span>'
                f'<br><span class="path">{paths}</span>',
            ]
        )
    by_night = ", ".join(
        f"{'tonight' if k == night.date else esc(k)} {num(v)}"
        for k, v in sorted(night.duplicates_by_night.items())
    )
    more = (
        f'<p class="note">… and {num(len(clusters) - TOP_CLUSTERS)} smaller clusters.</p>'
        if len(clusters) > TOP_CLUSTERS
        else ""
    )
    body = (
        f'<p class="note"><span data-figure="clusters">{num(len(clusters))}</span> clusters; '
        f"a cluster is a kept document and its duplicates in this partition (its size counts "
        f"both). Duplicates by the night of their kept document: {by_night or 'none'}.</p>"
        "<h3>Clusters by size (documents per cluster)</h3>"
        + chart
        + table(
            [
                "kept document",
                "kept",
                "size",
                "exact",
                "near",
                "lowest similarity",
                "title and paths",
            ],
            rows,
            "num clusters",
        )
        + more
    )
    return _section("duplicates", "Duplicate clusters", body)


def _encodings(night: Night) -> str:
    read = night.documents + night.duplicates
    enc = hbar_chart(
        _sorted(night.encodings), "inputs by detected encoding", PALETTE[6], width=HALF
    )
    methods = table(
        ["how the encoding was found", "inputs"],
        ([esc(k), num(v)] for k, v in _sorted(night.encoding_methods)),
        "num",
    )
    formats = ", ".join(f"{esc(k)} {num(v)}" for k, v in _sorted(night.input_formats))
    facts = [
        ["text changed by repair", num(night.repaired_documents)],
        ["inputs with mojibake repaired by ftfy", num(night.ftfy_documents)],
        ["lines repaired by ftfy", num(night.ftfy_lines)],
        ["HTML entities decoded in plain text", num(night.entities_decoded)],
        ["Unicode normalisation changed the text", num(night.normalization_changed)],
        ["still looks broken after repair", num(night.still_broken)],
    ]
    facts += [
        [f"characters removed: {esc(kind)}", num(n)]
        for kind, n in _sorted(night.removed_characters)
    ]
    facts += [
        [f"sign of damage left: {esc(sign)}", num(n)] for sign, n in _sorted(night.broken_signs)
    ]
    plans = table(
        ["ftfy fix plan", "times applied"],
        ([f"<code>{esc(p, 160)}</code>", num(n)] for p, n in _sorted(night.ftfy_plans)),
        "num",
    )
    body = (
        f'<p class="note">Over the {num(read)} inputs that were read (documents and duplicates):'
        f" formats {formats or 'none'}; {num(night.compressed)} gzip-compressed.</p>"
        f'<div class="cols"><div><h3>Detected encodings</h3>{enc}{methods}</div>'
        f"<div><h3>Repairs</h3>{table(['repair', 'count'], facts, 'num')}{plans}</div></div>"
    )
    return _section("encodings", "Encodings and repairs", body)


def _rejections(night: Night) -> str:
    chart = hbar_chart(_sorted(night.reasons), "rejected inputs by reason", PALETTE[3])
    blocks = []
    for reason, n in _sorted(night.reasons):
        examples = "".join(
            f'<li><span class="path">{esc(path, TITLE_CHARS)}</span>: '
            f"{esc(error.removeprefix(path + ': '), 240)}</li>"
            for path, error in night.reason_examples.get(reason, [])
        )
        more = f"<li>… {num(n - EXAMPLES_PER_REASON)} more</li>" if n > EXAMPLES_PER_REASON else ""
        blocks.append(
            f"<h3><code>{esc(reason)}</code> ({num(n)}, stage "
            f"{esc(night.reason_stages.get(reason, ''))})</h3><ul>{examples}{more}</ul>"
        )
    body = (
        f'<p class="note">{num(night.rejected)} of {num(night.inputs)} inputs gave no document '
        f"({pct(night.rejected, night.inputs)}); each is a line of <code>rejected.jsonl</code>."
        f"</p>{chart}{''.join(blocks)}"
    )
    return _section("rejections", "Rejections by reason", body)


def _stages(night: Night) -> str:
    stages = night.manifest.get("stages") or {}
    rows, bars = [], []
    total = 0.0
    for name, s in sorted(stages.items(), key=lambda kv: -float(kv[1].get("seconds", 0))):
        seconds = float(s.get("seconds", 0))
        total += seconds
        bars.append((str(name), round(seconds, 3)))
        rows.append(
            [
                f"<code>{esc(name)}</code>",
                num(int(s.get("documents", 0))),
                f"{seconds:,.3f}",
                f"{float(s.get('ms_per_document', 0)):,.3f}",
            ]
        )
    body = (
        f'<p class="note">Time spent in each step, summed over every shard and document '
        f"({total:,.2f} s in all; parallel shards overlap in wall-clock time).</p>"
        + hbar_chart(bars, "seconds per step", PALETTE[4], " s")
        + table(["step", "documents", "seconds", "ms per document"], rows, "num")
    )
    return _section("stages", "Per-stage times", body)


def _rates(night: Night) -> dict[str, tuple[float, int, int]]:
    """Per rule or reason: (rate, count, population). Rules over kept documents; rejections
    and duplicates over inputs."""
    rates: dict[str, tuple[float, int, int]] = {}
    for rule, n in night.rule_documents.items():
        rates[f"removed {rule}"] = (
            n / night.documents if night.documents else 0.0,
            n,
            night.documents,
        )
    for reason, n in night.reasons.items():
        rates[f"rejected {reason}"] = (n / night.inputs if night.inputs else 0.0, n, night.inputs)
    rates["duplicate"] = (
        night.duplicates / night.inputs if night.inputs else 0.0,
        night.duplicates,
        night.inputs,
    )
    return rates


def _z(p1: float, n1: int, p0: float, n0: int) -> float:
    """Two-proportion z statistic: how far a change is beyond sampling noise."""
    if not n1 or not n0:
        return 0.0
    pooled = (p1 * n1 + p0 * n0) / (n1 + n0)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    return (p1 - p0) / spread if spread else 0.0


def _change(night: Night, before: Night | str | None) -> str:
    if before is None or isinstance(before, str):
        text = (
            "No earlier complete partition in this clean folder: this is the first night."
            if before is None
            else f"The previous night could not be read: {esc(before, 400)}"
        )
        return _section(
            "change",
            "Change from the previous night",
            f'<p class="note" data-figure="previous">{text}</p>',
        )
    counts = [
        [
            esc(name),
            num(now),
            num(then),
            f'<span class="{"up" if now > then else "down" if now < then else ""}">'
            f"{now - then:+,}</span>",
        ]
        for name, now, then in (
            ("inputs", night.inputs, before.inputs),
            ("documents added", night.documents, before.documents),
            ("duplicates", night.duplicates, before.duplicates),
            ("rejected", night.rejected, before.rejected),
        )
    ]
    now_rates, then_rates = _rates(night), _rates(before)
    moved = []
    for key in sorted(set(now_rates) | set(then_rates)):
        p1, c1, n1 = now_rates.get(key, (0.0, 0, night.documents))
        p0, c0, n0 = then_rates.get(key, (0.0, 0, before.documents))
        points = 100 * (p1 - p0)
        if abs(points) >= MOVED_POINTS:
            moved.append((points, key, p1, c1, p0, c0, _z(p1, n1, p0, n0)))
    moved.sort(key=lambda m: (-abs(m[0]), m[1]))
    rows = [
        [
            f"<code>{esc(key)}</code>",
            f"{100 * p0:.1f}% ({num(c0)})",
            f"{100 * p1:.1f}% ({num(c1)})",
            f'<span class="{"up" if points > 0 else "down"}">{points:+.1f} pt</span>',
            "yes" if abs(z) >= 2 else "no",
        ]
        for points, key, p1, c1, p0, c0, z in moved
    ]
    chart = diverging_chart(
        [(key, points) for points, key, *_ in moved[:TOP_RULES]],
        "change of the rates in percentage points",
        " pt",
    )
    body = (
        f'<p class="note" data-figure="previous">Compared with <strong>{esc(before.date)}</strong>'
        f", the previous complete partition. Tonight's documents are new: duplicates of earlier "
        f"nights are in <code>duplicates.jsonl</code>.</p>"
        + table(["", "tonight", "previous night", "change"], counts, "num")
        + f"<h3>Drop rates that moved by {MOVED_POINTS:g} point or more</h3>"
        '<p class="note">A removal rule\'s rate is the share of kept documents it removed '
        "something from; a rejection reason's and the duplicate rate are shares of the inputs. "
        '"Beyond noise" means a two-proportion z of 2 or more.</p>'
        + (
            chart
            + table(
                ["rule or reason", "previous", "tonight", "change", "beyond noise"], rows, "num"
            )
            if rows
            else '<p class="empty">no rate moved</p>'
        )
    )
    return _section("change", "Change from the previous night", body)


def _footer(night: Night) -> str:
    m = night.manifest
    libs = ", ".join(f"{esc(k)} {esc(v)}" for k, v in (m.get("libraries") or {}).items())
    return (
        "<footer>"
        f"pipeline {esc(m.get('pipeline_version', '?'))} · config "
        f"<code>{esc(m.get('config_file', '?'))}</code> sha256 "
        f"<code>{esc(str(m.get('config_sha256', '?'))[:16])}</code> · raw "
        f"<code>{esc(m.get('raw_dir', '?'))}</code><br>{libs}<br>"
        "Written from this partition's manifest.json and JSONL files; "
        "<code>clean-pipeline report DATE</code> writes it again.</footer>"
    )


CSS = """
:root{--fg:#1d2330;--muted:#5d6778;--line:#dde2ea;--bg:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;
color:var(--fg);background:var(--bg)}
header{background:#1f3552;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:22px;font-weight:600}
header p{margin:4px 0 0;color:#c9d4e4}header code{background:#34507a;color:#fff}
nav{padding:8px 28px;background:#fff;border-bottom:1px solid var(--line);font-size:14px}
nav a{margin-right:14px;color:#2d5b93;text-decoration:none}
main{max-width:1120px;margin:0 auto;padding:8px 28px 28px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 20px;
margin:16px 0}
h2{font-size:18px;margin:0 0 8px}h3{font-size:15px;margin:16px 0 6px;color:#34405a}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{flex:1;min-width:150px;border:1px solid var(--line);border-radius:8px;padding:10px 14px;
border-top:4px solid #888}
.card.c0{border-top-color:#3b6ea8}.card.c1{border-top-color:#d9822b}
.card.c3{border-top-color:#b5495b}
.figure{font-size:28px;font-weight:650}.caption{color:var(--muted);font-size:13px}
.ok{color:#2f7a45;font-weight:600}.bad{color:#b5313f;font-weight:700}
.note{color:var(--muted);font-size:14px}.empty{color:var(--muted);font-style:italic}
table{border-collapse:collapse;margin:8px 0;font-size:13.5px;max-width:100%}
th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f0f3f7;font-weight:600}
table.num td+td{text-align:right;font-variant-numeric:tabular-nums}
table.clusters td:last-child{text-align:left;max-width:420px;overflow-wrap:anywhere}
code{font:12.5px ui-monospace,Menlo,Consolas,monospace;background:#f1f3f6;padding:0 3px;
border-radius:3px;overflow-wrap:anywhere}
.path{font:12px ui-monospace,Menlo,Consolas,monospace;color:var(--muted);overflow-wrap:anywhere}
.cols{display:flex;gap:24px;flex-wrap:wrap}.cols>div{flex:1;min-width:320px}
svg.chart{display:block;max-width:100%;height:auto;margin:6px 0}
svg .lbl{font:12px system-ui,sans-serif;fill:#2b3444}svg .val{font:11px system-ui,sans-serif;
fill:#5d6778}svg .axis{stroke:#9aa4b2}
.up{color:#2f7a45}.down{color:#b5313f}
li{font-size:14px}
footer{color:var(--muted);font-size:12.5px;margin-top:18px}
"""


def render(night: Night, before: Night | str | None) -> str:
    """The whole page; `before` is the previous night, None, or why it could not be read."""
    sections = [
        _accounting(night),
        _change(night, before),
        _removals(night),
        _languages(night),
        _dates(night),
        _duplicates(night),
        _encodings(night),
        _rejections(night),
        _stages(night),
    ]
    nav = "".join(
        f'<a href="#{ident}">{label}</a>'
        for ident, label in (
            ("accounting", "Counts"),
            ("change", "Since last night"),
            ("removals", "Removals"),
            ("languages", "Languages"),
            ("dates", "Dates"),
            ("duplicates", "Duplicates"),
            ("encodings", "Encodings"),
            ("rejections", "Rejections"),
            ("stages", "Stage times"),
        )
    )
    m = night.manifest
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        # nothing on this page may load or run anything: styles are inline, charts are SVG
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>clean-pipeline run report {esc(night.date)}</title><style>{CSS}</style></head>"
        f"<body><header><h1>Run report · {esc(night.date)}</h1><p>raw folder "
        f"<code>{esc(m.get('raw_dir', '?'))}</code> · {num(night.inputs)} inputs · "
        f"pipeline {esc(m.get('pipeline_version', '?'))}</p></header><nav>{nav}</nav>"
        f"<main>{''.join(sections)}{_footer(night)}</main></body></html>\n"
    )


def build_report(
    partition: Path,
    clean_dir: Path | None = None,
    date: str | None = None,
    night: Night | None = None,
) -> str:
    """The report of one partition folder as HTML. `clean_dir` and `date` locate the previous
    night; they default to the folder's parent and name (give them when the folder is still a
    temporary one). `night`: the partition already counted (`count_night`), else its files are
    read."""
    clean_dir = clean_dir if clean_dir is not None else partition.parent
    if night is None:
        night = read_night(partition, date or partition.name)
    prior = previous_partition(clean_dir, night.date)
    before: Night | str | None = None
    if prior is not None:
        try:
            before = read_night(prior)
        except (OSError, UnicodeError, ReportError) as exc:
            before = str(exc)  # an unreadable earlier night never stops tonight's report
    return render(night, before)


def write_report(
    partition: Path,
    clean_dir: Path | None = None,
    date: str | None = None,
    night: Night | None = None,
) -> Path:
    """Write (or rewrite) `<partition>/report.html` atomically; returns its path."""
    page = build_report(partition, clean_dir, date, night)
    target = partition / REPORT_NAME
    tmp = partition / f".{REPORT_NAME}.tmp"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, target)
    return target
