"""Cross-validated figure for the text path's block settings chosen on the ScrapingHub pages.

    .venv/bin/python -m bench.extract_cv [--folds 5] [--seed N] [--limit N]

The 181 pages are both where the block settings of segment_text were chosen and the test, so
the in-sample F1 of bench.extract flatters them. This runs the text path (load, repair,
segment_text, repeats, with config/pipeline.yaml) once per candidate setting in GRID (each
setting varied alone, the others at their shipped values), then, for each of k folds, picks the
candidate with the best F1 on the other folds and scores it on the held-out fold. The held-out
pages' counts, pooled, give the cross-validated F1 (the same macro metric as bench.extract).

Prints every candidate's in-sample F1, the choice made on each fold, the cross-validated F1
beside the shipped setting's in-sample F1, and writes bench/results/extract_cv.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import code_state
from bench.extract import CONFIG, RUN_DATE, load_pages, render, run_pipeline
from bench.metric import PageCounts, match, score
from pipeline.config import PipelineConfig, load_config
from pipeline.steps import Context, segment_text

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "extract_cv.json"

# The settings chosen by looking at this set, and the values tried for each.
GRID: dict[str, tuple[Any, ...]] = {
    "max_join_gap_lines": (30, 60, 100, 0),
    "bridge_blocks": (0, 1, 2, 3),
    "max_bridge_gap_lines": (10, 20, 30),
    "sentence_line_weight": (0.0, 0.5, 1.0),
    "teasers_not_paragraphs": (False, True),
    "keep_closing_sentence": (False, True),
}


def candidates(shipped: segment_text.Config) -> list[dict[str, Any]]:
    """The shipped setting, then each key of GRID varied alone."""
    out: list[dict[str, Any]] = [{}]
    for key, values in GRID.items():
        for value in values:
            if value != getattr(shipped, key):
                out.append({key: value})
    return out


def label(change: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in change.items()) or "shipped"


def folds_of(n: int, k: int, seed: int) -> list[list[int]]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def f1_of(counts: Sequence[PageCounts]) -> float:
    return score(counts).f1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.extract_cv", description=__doc__)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    pages = load_pages(args.limit)
    texts = [render(page.html).encode("utf-8") for page in pages]
    base: PipelineConfig = load_config(CONFIG)
    ctx = Context(run_date=RUN_DATE)
    changes = candidates(base.segment_text)
    counts: list[list[PageCounts]] = []
    for change in changes:
        cfg = dataclasses.replace(
            base, segment_text=dataclasses.replace(base.segment_text, **change)
        )
        runs = [
            run_pipeline(f"{page.id}.txt", raw, cfg, ctx, segment_text)
            for page, raw in zip(pages, texts, strict=True)
        ]
        counts.append([match(p.truth, r.text) for p, r in zip(pages, runs, strict=True)])
        print(f"  {label(change)}: {f1_of(counts[-1]):.4f}", file=sys.stderr, flush=True)

    folds = folds_of(len(pages), args.folds, args.seed)
    held_out: list[PageCounts] = []
    chosen = []
    for fold in folds:
        inside = set(fold)
        train = [i for i in range(len(pages)) if i not in inside]
        best = max(
            range(len(changes)),
            key=lambda c: (f1_of([counts[c][i] for i in train]), -c),  # ties: the earlier one
        )
        chosen.append(label(changes[best]))
        held_out += [counts[best][i] for i in fold]
    cv = score(held_out)
    shipped = score(counts[0])
    report = {
        "pages": len(pages),
        "folds": args.folds,
        "seed": args.seed,
        "config": str(CONFIG.relative_to(ROOT)),
        "code": code_state(),
        "grid": {k: list(v) for k, v in GRID.items()},
        "in_sample_f1": {
            label(c): round(f1_of(k), 4) for c, k in zip(changes, counts, strict=True)
        },
        "chosen_per_fold": chosen,
        "cross_validated": {"f1": cv.f1, "precision": cv.precision, "recall": cv.recall},
        "shipped_in_sample": {
            "f1": shipped.f1,
            "precision": shipped.precision,
            "recall": shipped.recall,
        },
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=1) + "\n", "utf-8")
    print(f"text path, {len(pages)} pages, {args.folds}-fold cross-validation (seed {args.seed})")
    print("candidates (in-sample F1):")
    for name, f1 in report["in_sample_f1"].items():
        print(f"  {f1:.4f}  {name}")
    print("chosen on each fold's other pages: " + "; ".join(chosen))
    print(
        f"cross-validated: F1 {cv.f1:.4f} (P {cv.precision:.3f} R {cv.recall:.3f}); "
        f"shipped setting in-sample: F1 {shipped.f1:.4f} "
        f"(P {shipped.precision:.3f} R {shipped.recall:.3f})"
    )
    print(f"{report['seconds']} s; written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
