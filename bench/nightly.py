"""Incremental nights on a 10,000-document corpus: the first night, a night with nothing new, and
a night with 100 new files, each timed as the user runs it (`clean-pipeline run`, 2 workers).

    python -m bench.nightly [--documents 10000] [--new 100] [--workers 2]

The corpus is made from the paragraphs of the 181 ScrapingHub article bodies
(bench/data/scrapinghub/): each document draws 6 to 12 paragraphs (seeded), under one of 20 site
folders whose documents share a menu and a footer, so the corpus statistics and dedup have real
work. Results are printed and written to bench/results/nightly.json.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.common import code_state

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work" / "nightly"
NIGHTS = ("2026-11-01", "2026-11-02", "2026-11-03")


def paragraphs() -> list[str]:
    truth = json.loads((ROOT / "bench/data/scrapinghub/ground-truth.json").read_text())
    out = []
    for key in sorted(truth):
        for para in truth[key]["articleBody"].split("\n"):
            if len(para.split()) >= 8:
                out.append(para.strip())
    return out


def document(rng: random.Random, pool: list[str], site: int) -> str:
    menu = f"Home | World | Business | Site {site} Sport | Culture"
    footer = f"© 2026 Site {site} News. All rights reserved."
    body = rng.sample(pool, rng.randint(6, 12))
    return "\n".join([menu, "", *body, "", "Share this article", footer]) + "\n"


def build_corpus(raw: Path, documents: int, start: int = 0, seed: int = 7) -> None:
    pool = paragraphs()
    rng = random.Random(seed + start)
    for i in range(start, start + documents):
        site = i % 20
        path = raw / f"site-{site:02d}" / f"{i:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document(rng, pool, site), encoding="utf-8")


def night(raw: Path, clean: Path, date: str, workers: int) -> dict[str, object]:
    cli = str(Path(sys.executable).parent / "clean-pipeline")
    cmd = [cli, "run", "--raw-dir", str(raw), "--clean-dir", str(clean), "--date", date]
    cmd += ["--workers", str(workers)]
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{date}: the run failed ({done.returncode}): {done.stderr[-2000:]}")
    manifest = json.loads((clean / date / "manifest.json").read_text())
    return {
        "date": date,
        "wall_seconds": round(seconds, 1),
        "discovered": manifest["discovered"],
        "new_inputs": manifest["inputs"],
        "unchanged": manifest["unchanged"],
        "documents": manifest["documents"],
        "duplicates": manifest["duplicates"],
        "corpus_facts": manifest["corpus_facts"],
        "stage_seconds": {k: v["seconds"] for k, v in manifest["stages"].items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--new", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    shutil.rmtree(WORK, ignore_errors=True)
    raw, clean = WORK / "raw", WORK / "clean"
    build_corpus(raw, args.documents)
    rows = [night(raw, clean, NIGHTS[0], args.workers)]  # everything is new
    rows.append(night(raw, clean, NIGHTS[1], args.workers))  # nothing is new
    build_corpus(raw, args.new, start=args.documents)  # K new files arrive
    rows.append(night(raw, clean, NIGHTS[2], args.workers))
    labels = ("first night", "no change", f"{args.new} new files")
    print(f"{'night':<16}{'wall s':>8}{'new':>7}{'unchanged':>11}{'docs':>7}{'dups':>6}"
          f"{'facts reused':>14}")  # fmt: skip
    for label, row in zip(labels, rows, strict=True):
        facts = row["corpus_facts"]
        assert isinstance(facts, dict)
        print(
            f"{label:<16}{row['wall_seconds']:>8}{row['new_inputs']:>7}{row['unchanged']:>11}"
            f"{row['documents']:>7}{row['duplicates']:>6}"
            f"{facts['from_cache']:>7}/{facts['documents']}"
        )
    out = ROOT / "bench" / "results" / "nightly.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "command": "python -m bench.nightly " + " ".join(argv or sys.argv[1:]),
        "documents": args.documents,
        "workers": args.workers,
        "nights": dict(zip(labels, rows, strict=True)),
        **code_state(),
    }
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"written: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
