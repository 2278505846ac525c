"""Dates benchmark: the pipeline's publication dates on a labelled set of header blocks and pages.

    .venv/bin/python -m bench.dates [--cases FILE] [--show N] [--output FILE]

Two measurements on every case of ``bench/data/dates/cases.jsonl`` (see the README there):

pipeline
    the whole path, as a run does it: the case becomes the bytes of a ``.txt`` or ``.html``
    file and goes through ``pipeline.runner.process`` (load, repair, segment, scripts,
    language, dates, signature) with ``config/pipeline.yaml``. For plain text the dates step
    reads the lines the text segmenter labelled "dateline" and "byline"; for HTML, the date
    trafilatura/htmldate found.
lines (plain-text cases only)
    the dates step alone (``pipeline.steps.dates.run``) on a document whose lines carry the
    case's own labels: what the step does when segmentation is right. A case the step gets
    right here and the pipeline gets wrong is a segmentation miss.

The configuration is the shipped one plus two ``dates.source_orders`` entries naming the
benchmark's two "sites" with a known order (``sites/us-ledger/*`` month-first,
``sites/eu-courier/*`` day-first): the per-source locale of the issue. A second pipeline run
turns ``dates.use_body_first_paragraph`` on.

Scores (a case's ``expected`` is what a trustworthy system outputs: the date, or null):

- correct: the output equals ``expected``; abstained: null output where a date was expected;
- wrong: a date other than the case's ``truth`` (any date when the truth is unknown); a date
  equal to the truth where null was expected (an ambiguous date with no evidence) is a guess;
- decoy taken: the output is one of the case's decoy dates;
- ms: the dates step's own time per document (``Outcome.seconds["dates"]``), median and 90th
  percentile.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import code_state
from pipeline.config import PipelineConfig, load_config
from pipeline.record import BODY, Document, Line
from pipeline.runner import process
from pipeline.steps import Context, dates

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "bench" / "data" / "dates" / "cases.jsonl"
CONFIG = ROOT / "config" / "pipeline.yaml"
RESULTS = ROOT / "bench" / "results" / "dates.json"
BENCH_SOURCE_ORDERS = (
    dates.SourceOrder(order="mdy", path="sites/us-ledger/*"),
    dates.SourceOrder(order="dmy", path="sites/eu-courier/*"),
)
GROUPS = (
    "unambiguous",
    "ambiguous-evidence",
    "ambiguous-no-evidence",
    "decoy",
    "reject",
    "body-lead",
)


def load_cases(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def bench_config(body_lead: bool = False) -> PipelineConfig:
    cfg = load_config(CONFIG)
    section = dataclasses.replace(
        cfg.dates,
        source_orders=cfg.dates.source_orders + BENCH_SOURCE_ORDERS,
        use_body_first_paragraph=body_lead or cfg.dates.use_body_first_paragraph,
    )
    return dataclasses.replace(cfg, dates=section)


# --------------------------------------------------------------------------------------------
# Building the inputs


def text_lines(case: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(label, text, glued to the next line) of a plain-text case, in order."""
    out = [(label, text, False) for label, text in case["header"]]
    if case.get("glued"):
        label, text, _ = out[-1]
        out[-1] = (label, text, True)
    out += [(BODY, p, False) for p in case["body"]]
    out += [(label, text, False) for label, text in case.get("tail", [])]
    return out


def raw_text(case: dict[str, Any], index: int) -> str:
    """The file a scraper would have saved: one block per line (every other case with blank
    lines between blocks); a glued dateline shares the line of the first paragraph."""
    rows: list[str] = []
    glue = False
    for _label, text, glued in text_lines(case):
        if glue:
            rows[-1] = f"{rows[-1]} {text}"
        else:
            rows.append(text)
        glue = glued
    return ("\n\n" if index % 2 else "\n").join(rows) + "\n"


def labelled_document(case: dict[str, Any]) -> Document:
    """The document the text segmenter should produce: the case's own labels."""
    lines: list[Line] = []
    number = 0
    glue = False
    for label, text, glued in text_lines(case):
        if glue:
            number -= 1
        lines.append(Line(text, label, "bench-label", number))
        number += 1
        glue = glued
    body = "\n".join(ln.text for ln in lines if ln.label == BODY)
    return Document(
        source_path=case["path"],
        source_sha256="0" * 64,
        source_bytes=len(body.encode()),
        input_format="text",
        text=body,
        lines=tuple(lines),
        title=next((ln.text for ln in lines if ln.label == "title"), None),
    )


def source_document(case: dict[str, Any], index: int) -> Document:
    data = (case["html"] if case["kind"] == "html" else raw_text(case, index)).encode("utf-8")
    return Document(
        source_path=case["path"],
        source_sha256=hashlib.sha256(data).hexdigest(),
        source_bytes=len(data),
        raw=data,
    )


# --------------------------------------------------------------------------------------------
# Running and scoring


@dataclasses.dataclass
class Result:
    published: str | None
    ms: float
    date: dict[str, Any]
    error: str | None = None


def run_pipeline(case: dict[str, Any], index: int, cfg: PipelineConfig) -> Result:
    ctx = Context(run_date=dt.date.fromisoformat(case["run_date"]))
    outcome = process(source_document(case, index), cfg, ctx, "bench")
    ms = outcome.seconds.get("dates", 0.0) * 1000
    if outcome.doc is None:
        reason = outcome.rejection.reason if outcome.rejection else "?"
        return Result(None, ms, {}, error=reason)
    return Result(outcome.doc.published, ms, outcome.doc.provenance.get("date", {}))


def run_lines(case: dict[str, Any], cfg: PipelineConfig) -> Result:
    ctx = Context(run_date=dt.date.fromisoformat(case["run_date"]))
    doc = labelled_document(case)
    started = time.perf_counter()
    out, prov = dates.run(doc, cfg.dates, ctx)
    ms = (time.perf_counter() - started) * 1000
    published = getattr(out, "published", None)
    return Result(published, ms, prov.get("date", {}))


def expected_of(case: dict[str, Any], body_lead: bool) -> str | None:
    if body_lead and "expected_body_lead" in case:
        value: str | None = case["expected_body_lead"]
        return value
    expected: str | None = case["expected"]
    return expected


def verdict(case: dict[str, Any], published: str | None, body_lead: bool = False) -> str:
    """correct, abstained, guessed, wrong."""
    expected = expected_of(case, body_lead)
    if published == expected:
        return "correct"
    if published is None:
        return "abstained"
    truth = expected if expected is not None else case.get("truth")
    if body_lead and "expected_body_lead" in case:
        truth = case["expected_body_lead"]
    return "guessed" if truth is not None and published == truth else "wrong"


def score(
    cases: Sequence[dict[str, Any]], results: Sequence[Result | None], body_lead: bool = False
) -> dict[str, Any]:
    table: dict[str, Counter[str]] = {}
    for case, result in zip(cases, results, strict=True):
        if result is None:
            continue
        row = table.setdefault(case["group"], Counter())
        row["cases"] += 1
        row[verdict(case, result.published, body_lead)] += 1
        if result.published is not None and result.published in case.get("decoys", []):
            row["decoy_taken"] += 1
    total: Counter[str] = Counter()
    for row in table.values():
        total.update(row)
    table["all"] = total
    return {g: dict(row) for g, row in table.items()}


def _ms(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 3),
        "p90": round(ordered[int(0.9 * (len(ordered) - 1))], 3),
        "max": round(ordered[-1], 3),
    }


def describe(result: Result | None) -> str:
    if result is None:
        return "-"
    if result.error:
        return f"dropped ({result.error})"
    d = result.date
    if result.published is not None:
        return f"{result.published} ({d.get('source')}: {d.get('raw')!r})"
    reason = d.get("null_reason")
    if d.get("ambiguous"):
        resolution = d.get("resolution") or {}
        reason = (
            f"{reason}; conflict {resolution['conflict']}" if "conflict" in resolution else reason
        )
    return f"null ({reason})"


def evaluate(cases: Sequence[dict[str, Any]], log: Any) -> dict[str, Any]:
    cfg = bench_config()
    cfg_lead = bench_config(body_lead=True)
    pipeline: list[Result] = []
    lines: list[Result | None] = []
    lead: list[Result] = []
    for i, case in enumerate(cases):
        pipeline.append(run_pipeline(case, i, cfg))
        lines.append(run_lines(case, cfg) if case["kind"] == "text" else None)
        lead.append(run_pipeline(case, i, cfg_lead))
        if (i + 1) % 100 == 0:
            log(f"{i + 1} cases")
    misses = []
    for case, p, ln in zip(cases, pipeline, lines, strict=True):
        v = verdict(case, p.published)
        if v == "correct":
            continue
        at_fault = "dates"
        if ln is not None and verdict(case, ln.published) == "correct":
            at_fault = "segmentation"
        elif case["kind"] == "html":
            at_fault = "html metadata (segment_html/htmldate) or dates"
        misses.append(
            {
                "id": case["id"],
                "group": case["group"],
                "verdict": v,
                "at_fault": at_fault,
                "expected": case["expected"],
                "truth": case.get("truth"),
                "pipeline": describe(p),
                "lines": describe(ln),
                "header": case.get("header"),
                "note": case.get("note"),
            }
        )
    lines_cases = [c for c, r in zip(cases, lines, strict=True) if r is not None]
    by_language: dict[str, Counter[str]] = {}
    for case, p in zip(cases, pipeline, strict=True):
        if case["group"] == "unambiguous":
            row = by_language.setdefault(case["lang"], Counter())
            row["cases"] += 1
            row[verdict(case, p.published)] += 1
    return {
        "cases": len(cases),
        "by_kind": dict(Counter(c["kind"] for c in cases)),
        "by_group": dict(Counter(c["group"] for c in cases)),
        "pipeline": score(cases, pipeline),
        "pipeline_text": score(
            cases,
            [p if c["kind"] == "text" else None for c, p in zip(cases, pipeline, strict=True)],
        ),
        "pipeline_html": score(
            cases,
            [p if c["kind"] == "html" else None for c, p in zip(cases, pipeline, strict=True)],
        ),
        "lines": score(cases, lines),
        "body_lead_option": score(cases, lead, body_lead=True),
        "unambiguous_by_language": {k: dict(v) for k, v in sorted(by_language.items())},
        "ms_pipeline_dates_step": _ms([p.ms for p in pipeline]),
        "ms_lines_dates_step": _ms([r.ms for r in lines if r is not None]),
        "lines_cases": len(lines_cases),
        "misses": misses,
        "config": {
            "file": str(CONFIG.relative_to(ROOT)),
            "added source_orders": [dataclasses.asdict(s) for s in BENCH_SOURCE_ORDERS],
        },
        "code": code_state(),
    }


# --------------------------------------------------------------------------------------------
# Report

_COLUMNS = ("cases", "correct", "abstained", "guessed", "wrong", "decoy_taken")


def format_table(title: str, table: dict[str, Any]) -> list[str]:
    out = [title, f"  {'group':24}" + "".join(f"{c:>12}" for c in _COLUMNS) + f"{'correct %':>11}"]
    for group in (*GROUPS, "all"):
        row = table.get(group)
        if not row:
            continue
        share = 100 * row.get("correct", 0) / row["cases"]
        cells = "".join(f"{row.get(c, 0):>12}" for c in _COLUMNS)
        out.append(f"  {group:24}{cells}{share:>10.1f}%")
    return out


def format_report(report: dict[str, Any], show: int) -> str:
    out = [
        f"{report['cases']} cases {report['by_kind']}: {report['by_group']}",
        "",
        *format_table(
            "pipeline (load -> repair -> segment -> ... -> dates), all cases", report["pipeline"]
        ),
        "",
        *format_table("  of which plain text", report["pipeline_text"]),
        "",
        *format_table("  of which HTML", report["pipeline_html"]),
        "",
        *format_table(
            f"dates step alone on the labelled lines ({report['lines_cases']} plain-text cases)",
            report["lines"],
        ),
        "",
        *format_table(
            "pipeline with dates.use_body_first_paragraph: true", report["body_lead_option"]
        ),
        "",
        "unambiguous cases by language (pipeline): "
        + ", ".join(
            f"{lang} {row.get('correct', 0)}/{row['cases']}"
            for lang, row in report["unambiguous_by_language"].items()
        ),
        "",
        f"ms per document, dates step: pipeline {report['ms_pipeline_dates_step']}, "
        f"labelled lines {report['ms_lines_dates_step']}",
    ]
    misses = report["misses"]
    faults = Counter(m["at_fault"] for m in misses)
    out += ["", f"not correct in the pipeline: {len(misses)} {dict(faults)}"]
    for m in misses[:show]:
        out.append(
            f"  {m['id']} [{m['verdict']}, {m['at_fault']}] expected {m['expected']}: "
            f"pipeline {m['pipeline']}; lines {m['lines']}"
        )
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dates", description=__doc__)
    parser.add_argument("--cases", type=Path, default=CASES, help="labelled cases (JSONL)")
    parser.add_argument("--show", type=int, default=60, help="list this many misses")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results JSON file")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    cases = load_cases(args.cases)
    started = time.perf_counter()
    report = evaluate(cases, log)
    report["seconds"] = round(time.perf_counter() - started, 1)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(format_report(report, args.show))
    print(f"\n{report['seconds']} s; written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
