"""datatrove's equivalent of the pipeline, for the performance benchmark (bench/perf.py runs it
with the interpreter of its own virtualenv, bench/work/.venv-datatrove; it imports nothing of the
project).

    python bench/perf_datatrove.py --input DIR --work DIR [--workers 2] [--kind html|text]

Stages, each with a LocalPipelineExecutor of --workers workers and one task per input file:
  1. JsonlReader -> Trafilatura (HTML only; favour precision, no comments, its dedup cache off,
     a 10 s timeout so that a slow page on a loaded machine is not dropped) -> FTFYFormatter ->
     JsonlWriter;
  2. MinhashDedupSignature (5-word shingles, 16 buckets of 8 hashes = 128, seed 1);
  3. MinhashDedupBuckets;  4. MinhashDedupCluster;
  5. JsonlReader -> MinhashDedupFilter -> JsonlWriter.
Prints one JSON object: documents read and kept, seconds per stage and in total.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kind", choices=("html", "text"), default="html")
    args = parser.parse_args(argv)

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import (
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.dedup.minhash import MinhashConfig
    from datatrove.pipeline.extractors import Trafilatura
    from datatrove.pipeline.formatters import FTFYFormatter
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    work = args.work
    inputs = sorted(p.name for p in args.input.glob("*.jsonl"))
    tasks = len(inputs)
    config = MinhashConfig(n_grams=5, num_buckets=16, hashes_per_bucket=8, seed=1)
    seconds: dict[str, float] = {}

    def run(name: str, pipeline: list, n_tasks: int) -> None:
        started = time.perf_counter()
        LocalPipelineExecutor(
            pipeline=pipeline,
            tasks=n_tasks,
            workers=min(args.workers, n_tasks),
            logging_dir=str(work / "logs" / name),
            skip_completed=False,
        ).run()
        seconds[name] = time.perf_counter() - started

    extract: list = [JsonlReader(str(args.input), glob_pattern="*.jsonl")]
    if args.kind == "html":
        extract.append(Trafilatura(favour_precision=True, deduplicate=False, timeout=10.0))
    extract += [FTFYFormatter(), JsonlWriter(str(work / "extracted"))]
    run("extract", extract, tasks)
    run(
        "signature",
        [
            JsonlReader(str(work / "extracted")),
            MinhashDedupSignature(output_folder=str(work / "signatures"), config=config),
        ],
        tasks,
    )
    run(
        "buckets",
        [
            MinhashDedupBuckets(
                input_folder=str(work / "signatures"),
                output_folder=str(work / "buckets"),
                config=config,
            )
        ],
        config.num_buckets,
    )
    run(
        "cluster",
        [
            MinhashDedupCluster(
                input_folder=str(work / "buckets"),
                output_folder=str(work / "remove_ids"),
                config=config,
            )
        ],
        1,
    )
    run(
        "filter",
        [
            JsonlReader(str(work / "extracted")),
            MinhashDedupFilter(input_folder=str(work / "remove_ids")),
            JsonlWriter(str(work / "output")),
        ],
        tasks,
    )
    kept = 0
    for path in (work / "output").glob("*.jsonl*"):
        import gzip

        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8") as handle:
            kept += sum(1 for _ in handle)
    read = 0
    for name in inputs:
        with open(args.input / name, encoding="utf-8") as handle:
            read += sum(1 for _ in handle)
    print(json.dumps({"documents": read, "kept": kept, "seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
