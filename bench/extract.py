"""Extraction benchmark on the ScrapingHub pages: the pipeline's HTML and text paths, trafilatura,
"do nothing", a line-length baseline and a line oracle, all scored with bench.metric.

    .venv/bin/python -m bench.extract [--limit N] [--only html|text] [--dump DIR]
                                      [--set SECTION.KEY=VALUE ...]

Prints the table, the ten worst pages of each pipeline path and the median time per document,
and writes everything (with per-page counts) to bench/results/extract.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gzip
import hashlib
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import trafilatura
import yaml

from bench.common import code_state
from bench.metric import (
    NGRAM,
    PageCounts,
    Shingle,
    bootstrap_f1,
    bootstrap_samples,
    match,
    score,
    shingles_of_tokens,
    tokens,
)
from pipeline import runner
from pipeline.config import ConfigError, PipelineConfig, load_config, parse_config
from pipeline.record import BODY, Document, Drop
from pipeline.render import visible_lines
from pipeline.steps import Context, load, repair, repeats, segment_html, segment_text

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "scrapinghub"
RESULTS = ROOT / "bench" / "results" / "extract.json"
CONFIG = ROOT / "config" / "pipeline.yaml"
RUN_DATE = dt.date(2026, 11, 21)  # fixed: the run must not depend on the clock
RESAMPLES = 1000
SEED = 20260101
# Word limits tried for the line-length baseline; the best on this set is reported (in-sample).
LINE_WORDS_GRID = (1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40)
WORST = 10


@dataclass(frozen=True)
class Page:
    id: str
    url: str
    truth: str
    gz: bytes  # the file as stored (gzip)
    html: str  # decompressed, UTF-8 (every page of the set is valid UTF-8)


def load_pages(limit: int | None = None) -> list[Page]:
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth)[:limit]:
        gz = (DATA / "html" / f"{page_id}.html.gz").read_bytes()
        html = gzip.decompress(gz).decode("utf-8")
        entry = truth[page_id]
        pages.append(Page(page_id, entry.get("url", ""), entry.get("articleBody") or "", gz, html))
    return pages


def render(html: str) -> str:
    """Plain-text rendering: visible text, one block element per line, nothing removed."""
    return "\n".join(visible_lines(html))


@dataclass
class Run:
    """One system's output on one page."""

    text: str
    ms: dict[str, float] = field(default_factory=dict)  # wall time per stage
    cpu: dict[str, float] = field(default_factory=dict)  # this process's CPU time per stage
    dropped: str | None = None  # "<stage>:<reason>" when the pipeline produced no document
    # text path only: per line of the input, the pipeline's (label, rule) pieces
    labels: dict[int, list[tuple[str, str]]] = field(default_factory=dict)


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _record(run_ms: dict[str, float], run_cpu: dict[str, float], stage: str, start: Any) -> None:
    """Wall and CPU milliseconds since start (a _clock()). On a shared machine the wall time
    includes waiting for a core; the CPU time is what the stage itself cost."""
    wall, cpu = start
    run_ms[stage] = (time.perf_counter() - wall) * 1000
    run_cpu[stage] = (time.process_time() - cpu) * 1000


_STEP_MODULES: dict[str, ModuleType] = {"load": load, "repair": repair, "repeats": repeats}


def run_pipeline(
    name: str, raw: bytes, cfg: PipelineConfig, ctx: Context, segment: ModuleType
) -> Run:
    """load, repair, segment and repeats, the pipeline's own step functions and config, in the
    runner's order for the format (HTML is segmented before it is repaired)."""
    doc = Document(
        source_path=name,
        source_sha256=hashlib.sha256(raw).hexdigest(),
        source_bytes=len(raw),
        raw=raw,
    )
    ms: dict[str, float] = {}
    cpu: dict[str, float] = {}
    order = runner.HTML_STEPS if segment is segment_html else runner.STEPS
    result: Document | Drop = doc
    prov: dict[str, Any] = {}
    for step in order[:4]:  # load, repair and segment in the format's order, then repeats
        module = (
            segment
            if step == "segment"
            else {"load": load, "repair": repair, "repeats": repeats}[step]
        )
        start = _clock()
        result, prov = module.run(result, getattr(cfg, module.NAME), ctx)
        _record(ms, cpu, step, start)
        if isinstance(result, Drop):  # repair never drops today; load and segment may
            break
    for times in (ms, cpu):
        times["load+repair"] = times.get("load", 0.0) + times.get("repair", 0.0)
        steps = times.get("segment", 0.0) + times.get("repeats", 0.0)
        times["total"] = times["load+repair"] + steps
    labels: dict[int, list[tuple[str, str]]] = {}
    if isinstance(result, Drop):
        for removed in prov.get("removed", []):
            labels.setdefault(removed["line"], []).append((removed["label"], removed["rule"]))
        return Run("", ms, cpu, f"{step}:{result.reason}", labels)
    for line in result.lines:
        labels.setdefault(line.line, []).append((line.label, line.rule))
    return Run(result.text, ms, cpu, None, labels)


def timed(fn: Callable[[str], str | None], html: str, stage: str = "extract") -> Run:
    run = Run("")
    start = _clock()
    run.text = fn(html) or ""
    _record(run.ms, run.cpu, stage, start)
    return run


def trafilatura_default(html: str) -> str | None:
    return trafilatura.extract(html)


def trafilatura_precision(html: str) -> str | None:
    return trafilatura.extract(html, include_comments=False, favor_precision=True)


def trafilatura_with_options(cfg: segment_html.Config) -> Callable[[str], str | None]:
    """trafilatura alone, called as the HTML segment step calls it (its options, metadata and
    dates included) on the page as a string: the cost the step's own work is measured against."""

    def extract(html: str) -> str | None:
        data = segment_html.extract(html, cfg, RUN_DATE.isoformat(), cfg.favor_precision)
        return (data or {}).get("text")

    return extract


def keep_long_lines(lines: Sequence[str], min_words: int) -> str:
    """Baseline: the lines with at least `min_words` tokens (the metric's \\w+ tokens)."""
    return "\n".join(line for line in lines if len(tokens(line)) >= min_words)


def oracle_keep(lines: Sequence[str], truth: str) -> list[bool]:
    """Keep a line when most of its tokens appear, in the same order, in the truth.

    A token counts as found when one of the line's 4-grams that covers it is a 4-gram of the
    truth not yet used by an earlier kept line (so a repeated menu copy of a sentence is not
    kept twice); a line of fewer than 4 tokens is kept when it occurs as a whole in the truth.
    "Most" is more than half. Lines without tokens are dropped (the metric cannot see them).
    """
    truth_tokens = tokens(truth)
    remaining = shingles_of_tokens(truth_tokens)
    short: set[Shingle] = {
        tuple(truth_tokens[i : i + n])
        for n in range(1, NGRAM)
        for i in range(len(truth_tokens) - n + 1)
    }
    keep = []
    for line in lines:
        toks = tokens(line)
        if not toks:
            keep.append(False)
            continue
        if len(toks) < NGRAM:
            keep.append(tuple(toks) in short)
            continue
        covered = [False] * len(toks)
        taken: Counter[Shingle] = Counter()
        for i in range(len(toks) - NGRAM + 1):
            gram = tuple(toks[i : i + NGRAM])
            if taken[gram] < remaining[gram]:
                taken[gram] += 1
                covered[i : i + NGRAM] = [True] * NGRAM
        kept = sum(covered) * 2 > len(toks)
        if kept:
            remaining -= taken
        keep.append(kept)
    return keep


@dataclass
class System:
    name: str
    path: str
    description: str
    runs: list[Run] = field(default_factory=list)


def _median_ms(runs: Sequence[Run], cpu: bool = False) -> dict[str, float]:
    times = [run.cpu if cpu else run.ms for run in runs]
    stages = sorted({stage for t in times for stage in t})
    return {
        stage: round(statistics.median(t[stage] for t in times if stage in t), 2)
        for stage in stages
    }


def with_settings(cfg: PipelineConfig, settings: Sequence[str]) -> PipelineConfig:
    """cfg with each "SECTION.KEY=VALUE" (a YAML value) in place of config/pipeline.yaml's
    value, checked as the config file is (an unknown key or a bad value stops the run)."""
    data = yaml.safe_load(CONFIG.read_text(encoding="utf-8")) or {}
    keys = []
    for setting in settings:
        name, equals, value = setting.partition("=")
        section, dot, key = name.strip().partition(".")
        if not equals or not dot:
            raise SystemExit(f"--set {setting!r}: expected SECTION.KEY=VALUE")
        if not isinstance(data.get(section), dict):
            data[section] = {}
        data[section][key] = yaml.safe_load(value)
        keys.append((section, key))
    try:
        checked = parse_config(data, f"{CONFIG.relative_to(ROOT)} with --set")
    except ConfigError as error:
        raise SystemExit(str(error)) from error
    for section, key in keys:
        value = getattr(getattr(checked, section), key)
        changed = dataclasses.replace(getattr(cfg, section), **{key: value})
        cfg = dataclasses.replace(cfg, **{section: changed})
    return cfg


def evaluate(
    pages: Sequence[Page],
    only: str | None,
    dump: Path | None,
    log: Callable[[str], None],
    settings: Sequence[str] = (),
) -> dict[str, Any]:
    cfg = with_settings(load_config(CONFIG), settings)
    ctx = Context(run_date=RUN_DATE)
    systems: list[System] = []
    do_html = only in (None, "html")
    do_text = only in (None, "text")
    if do_html:
        pipe_html = System(
            "pipeline-html",
            "html",
            "load -> segment_html -> repair -> repeats (config/pipeline.yaml"
            + "".join(f", {setting}" for setting in settings)
            + ")",
        )
        traf = System("trafilatura", "html", "trafilatura.extract(html), default settings")
        traf_prec = System(
            "trafilatura-precision",
            "html",
            "trafilatura.extract(html, include_comments=False, favor_precision=True)",
        )
        traf_options = System(
            "trafilatura-options",
            "html",
            "trafilatura.bare_extraction(html) with the HTML segment step's options (metadata "
            "and dates on): trafilatura alone, the cost baseline of the HTML path",
        )
        traf_alone = trafilatura_with_options(cfg.segment_html)
        systems += [pipe_html, traf, traf_prec, traf_options]
    if do_text:
        nothing = System("do-nothing", "text", "the plain-text rendering, nothing removed")
        pipe_text = System(
            "pipeline-text",
            "text",
            "load -> repair -> segment_text -> repeats on the rendering as a .txt",
        )
        systems += [nothing, pipe_text]
    rendered: list[list[str]] = []
    grid: dict[int, list[str]] = {n: [] for n in LINE_WORDS_GRID}
    oracle_runs: list[Run] = []
    oracle_lines: list[list[bool]] = []

    started = time.perf_counter()
    for number, page in enumerate(pages, 1):
        if do_html:
            # trafilatura and htmldate cache strings they have seen: whichever of the pipeline
            # and trafilatura alone reads a page second reads it faster. They take turns.
            if number % 2:
                traf_options.runs.append(timed(traf_alone, page.html))
            pipe_html.runs.append(
                run_pipeline(f"{page.id}.html.gz", page.gz, cfg, ctx, segment_html)
            )
            if not number % 2:
                traf_options.runs.append(timed(traf_alone, page.html))
            traf.runs.append(timed(trafilatura_default, page.html))
            traf_prec.runs.append(timed(trafilatura_precision, page.html))
        if do_text:
            start = time.perf_counter()
            lines = visible_lines(page.html)
            text = "\n".join(lines)
            nothing.runs.append(Run(text, {"render": _ms(start)}))
            rendered.append(lines)
            pipe_text.runs.append(
                run_pipeline(f"{page.id}.txt", text.encode("utf-8"), cfg, ctx, segment_text)
            )
            for n in LINE_WORDS_GRID:
                grid[n].append(keep_long_lines(lines, n))
            start = time.perf_counter()
            keep = oracle_keep(lines, page.truth)
            oracle_runs.append(
                Run("\n".join(ln for ln, k in zip(lines, keep, strict=True) if k), {})
            )
            oracle_runs[-1].ms["select"] = _ms(start)
            oracle_lines.append(keep)
        if number % 20 == 0 or number == len(pages):
            log(f"  {number}/{len(pages)} pages, {time.perf_counter() - started:.0f} s")

    truths = [page.truth for page in pages]
    samples = bootstrap_samples(len(pages), RESAMPLES, SEED)
    baseline_grid: dict[str, float] = {}
    if do_text:
        best_n, best_f1 = LINE_WORDS_GRID[0], -1.0
        for n, texts in grid.items():
            f1 = score([match(t, p) for t, p in zip(truths, texts, strict=True)]).f1
            baseline_grid[str(n)] = round(f1, 4)
            if f1 > best_f1:
                best_n, best_f1 = n, f1
        baseline = System(
            f"lines>={best_n}-words",
            "text",
            f"best simple line-length rule: keep rendered lines with >= N \\w+ tokens, "
            f"N={best_n} chosen as the best of {list(LINE_WORDS_GRID)} on this same set "
            "(in-sample, optimistic)",
        )
        for lines in rendered:
            start = time.perf_counter()
            text = keep_long_lines(lines, best_n)
            baseline.runs.append(Run(text, {"select": _ms(start)}))
        oracle = System(
            "oracle-lines",
            "text",
            "ORACLE (reads the truth): keep exactly the rendered lines whose tokens mostly "
            "appear in the truth; upper bound for line-level removal",
            oracle_runs,
        )
        systems += [baseline, oracle]

    results: list[dict[str, Any]] = []
    counts_by_system: dict[str, list[PageCounts]] = {}
    for system in systems:
        counts = [match(t, run.text) for t, run in zip(truths, system.runs, strict=True)]
        counts_by_system[system.name] = counts
        overall = score(counts)
        low, high, values = bootstrap_f1(counts, samples)
        results.append(
            {
                "system": system.name,
                "path": system.path,
                "description": system.description,
                "f1": overall.f1,
                "precision": overall.precision,
                "recall": overall.recall,
                "f1_ci95": [low, high],
                # the published script's spread, for comparison with its table: 1.96 * sd
                "f1_pm_1.96sd": 1.96 * statistics.stdev(values),
                "pages_with_prediction": overall.pages_with_prediction,
                "pages_with_truth": overall.pages_with_truth,
                "empty_predictions": sum(1 for r in system.runs if not tokens(r.text)),
                "dropped": {
                    p.id: r.dropped for p, r in zip(pages, system.runs, strict=True) if r.dropped
                },
                "median_ms": _median_ms(system.runs),
                "median_cpu_ms": _median_ms(system.runs, cpu=True),
            }
        )

    worst: dict[str, list[dict[str, Any]]] = {}
    for name in ("pipeline-text", "pipeline-html"):
        if name not in counts_by_system:
            continue
        ranked = sorted(
            zip(pages, counts_by_system[name], strict=True), key=lambda pc: (pc[1].f1(), pc[0].id)
        )
        worst[name] = [
            {
                "id": p.id,
                "f1": round(c.f1(), 4),
                "precision": round(c.precision(), 4) if c.has_prediction else None,
                "recall": round(c.recall(), 4),
                "url": p.url,
            }
            for p, c in ranked[:WORST]
        ]

    if dump is not None and do_text:
        write_dump(dump, pages, rendered, pipe_text.runs, oracle_lines)

    truth_tokens = [len(tokens(t)) for t in truths]
    by_name = {row["system"]: row for row in results}
    return {
        "cost": cost_summary(by_name),
        "benchmark": "scrapinghub article-extraction-benchmark, 4-gram shingles (bench/metric.py)",
        "pages": len(pages),
        "run_date": RUN_DATE.isoformat(),
        "config": str(CONFIG.relative_to(ROOT)),
        "config_settings": list(settings),
        "code": code_state(),
        "bootstrap": {"resamples": RESAMPLES, "seed": SEED, "interval": "2.5-97.5 percentile"},
        "library_versions": {"trafilatura": trafilatura.__version__},
        "truth": {
            "empty": sum(1 for n in truth_tokens if n == 0),
            "shorter_than_4_tokens": sum(1 for n in truth_tokens if 0 < n < NGRAM),
            "min_tokens": min(truth_tokens, default=0),
            "median_tokens": statistics.median(truth_tokens) if truth_tokens else 0,
        },
        "systems": results,
        "line_length_grid_f1": baseline_grid,
        "worst": worst,
        "per_page": {
            name: {p.id: [c.tp, c.fp, c.fn] for p, c in zip(pages, counts, strict=True)}
            for name, counts in counts_by_system.items()
        },
    }


def cost_summary(rows: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The issue's cost figures side by side (median CPU ms per document): what the text path
    adds on top of loading, and the HTML path against trafilatura alone with its options."""
    out: dict[str, Any] = {"measure": "median CPU ms per document (wall time in median_ms)"}
    text = rows.get("pipeline-text", {}).get("median_cpu_ms", {})
    if text:
        out["text"] = {
            "load": text.get("load"),
            "load+repair": text.get("load+repair"),
            "segment": text.get("segment"),
            "repeats": text.get("repeats"),
            "target": "segment (what the text path adds on top of loading) <= 1 ms",
        }
    html = rows.get("pipeline-html", {}).get("median_cpu_ms", {})
    alone = rows.get("trafilatura-options", {}).get("median_cpu_ms", {}).get("extract")
    if html and alone:
        out["html"] = {
            "load": html.get("load"),
            "segment": html.get("segment"),
            "repair": html.get("repair"),
            "repeats": html.get("repeats"),
            "total": html.get("total"),
            "trafilatura_alone": alone,
            "segment_over_trafilatura": round(html["segment"] / alone - 1, 3),
            "total_over_trafilatura": round(html["total"] / alone - 1, 3),
            "target": "HTML path total <= trafilatura alone + 10%",
        }
    return out


def _tsv(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def write_dump(
    folder: Path,
    pages: Sequence[Page],
    rendered: Sequence[Sequence[str]],
    runs: Sequence[Run],
    oracle: Sequence[Sequence[bool]],
) -> None:
    """DIR/<id>.tsv: every rendered line with the pipeline's label and rule, and the oracle.

    A line the pipeline split into pieces (a dateline prefix, a citation marker) lists every
    piece, joined by "|". Line numbers are the repaired text's, which keeps the rendering's lines.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for page, lines, run, keep in zip(pages, rendered, runs, oracle, strict=True):
        rows = ["line\tpipeline_label\tpipeline_rule\tpipeline_keeps\toracle_keeps\ttext"]
        for number, (line, kept) in enumerate(zip(lines, keep, strict=True)):
            pieces = run.labels.get(number, [])
            if run.dropped and not pieces:
                pieces = [("dropped", run.dropped)]
            label = "|".join(p[0] for p in pieces)
            rule = "|".join(p[1] for p in pieces)
            pipeline_keeps = int(any(p[0] == BODY for p in pieces) and not run.dropped)
            rows.append(f"{number}\t{label}\t{rule}\t{pipeline_keeps}\t{int(kept)}\t{_tsv(line)}")
        (folder / f"{page.id}.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def format_report(report: dict[str, Any]) -> str:
    out = [
        f"ScrapingHub extraction benchmark: {report['pages']} pages, "
        f"F1 interval = bootstrap {report['bootstrap']['interval']} "
        f"({report['bootstrap']['resamples']} resamples, seed {report['bootstrap']['seed']})",
        *(f"config: {report['config']} with {s}" for s in report.get("config_settings", [])),
        "",
        f"{'system':<24} {'path':<5} {'F1':>6} {'prec':>6} {'recall':>6}  {'F1 95% interval':<15}"
        f"  {'empty':>5}",
    ]
    for row in report["systems"]:
        low, high = row["f1_ci95"]
        out.append(
            f"{row['system']:<24} {row['path']:<5} {row['f1']:6.3f} {row['precision']:6.3f} "
            f"{row['recall']:6.3f}  {low:.3f}-{high:.3f}      {row['empty_predictions']:>5}"
        )
    out.append("")
    out.append("empty = pages with no predicted token (left out of precision, 0 in recall)")
    for row in report["systems"]:
        out.append(f"  {row['system']}: {row['description']}")
    if report["line_length_grid_f1"]:
        grid = ", ".join(f"{n}:{f1:.3f}" for n, f1 in report["line_length_grid_f1"].items())
        out.append(f"  line-length grid (N: F1): {grid}")
    out.append("")
    out.append("median ms per document: CPU time of this process (wall time, which includes")
    out.append("waiting for a core on a shared machine, in brackets)")
    for row in report["systems"]:
        stages = ", ".join(
            f"{k} {v:.1f} ({row['median_ms'][k]:.1f})" for k, v in row["median_cpu_ms"].items()
        ) or ", ".join(f"{k} ({v:.1f})" for k, v in row["median_ms"].items())
        out.append(f"  {row['system']:<24} {stages}")
    cost = report["cost"]
    if "text" in cost or "html" in cost:
        out.append("")
        out.append("cost, median CPU ms per document, side by side in this run")
    if "text" in cost:
        c = cost["text"]
        out.append(
            f"  text path: load {c['load']:.2f}, load+repair {c['load+repair']:.2f}; "
            f"segment adds {c['segment']:.2f} (target <= 1), repeats {c['repeats']:.2f}"
        )
    if "html" in cost:
        c = cost["html"]
        out.append(
            f"  HTML path: load {c['load']:.2f}, segment {c['segment']:.2f}, repair "
            f"{c['repair']:.2f}, repeats {c['repeats']:.2f}, total {c['total']:.2f}"
        )
        out.append(
            f"  trafilatura alone with the step's options {c['trafilatura_alone']:.2f}: segment "
            f"{c['segment_over_trafilatura']:+.0%}, whole path {c['total_over_trafilatura']:+.0%} "
            "(target <= +10%)"
        )
    for name, rows in report["worst"].items():
        out.append("")
        out.append(f"worst {len(rows)} pages, {name} (per-page F1)")
        for r in rows:
            prec = "  -  " if r["precision"] is None else f"{r['precision']:.3f}"
            out.append(f"  {r['id']}  F1 {r['f1']:.3f}  P {prec}  R {r['recall']:.3f}  {r['url']}")
    dropped = {row["system"]: row["dropped"] for row in report["systems"] if row["dropped"]}
    for name, pages in dropped.items():
        out.append("")
        out.append(f"{name}: no document for {len(pages)} pages")
        for page_id, why in sorted(pages.items()):
            out.append(f"  {page_id}  {why}")
    code = report["code"]
    out.append("")
    out.append(f"code: commit {code['commit']}")
    if code["uncommitted"]:
        out.append(f"  with uncommitted changes to: {', '.join(code['uncommitted'])}")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extract", description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (by id)")
    parser.add_argument("--only", choices=("html", "text"), help="run one path only")
    parser.add_argument(
        "--dump", type=Path, help="write the text path's labelled lines to DIR/<id>.tsv"
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="results JSON file")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="SECTION.KEY=VALUE",
        help="run with this option instead of config/pipeline.yaml's (e.g. segment_html.fast=true)",
    )
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    pages = load_pages(args.limit)
    log(f"{len(pages)} pages from {DATA.relative_to(ROOT)}")
    started = time.perf_counter()
    report = evaluate(pages, args.only, args.dump, log, args.set)
    report["seconds"] = round(time.perf_counter() - started, 1)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(format_report(report))
    print(f"\n{report['seconds']} s; written to {args.output}")
    if args.dump is not None:
        print(f"text path lines dumped to {args.dump}/<id>.tsv")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
