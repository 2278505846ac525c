"""The library floor: the library work the pipeline does on each document, in a plain Python loop
with no orchestration, as the performance benchmark's baseline (bench/perf.py runs it).

    .venv/bin/python -m bench.perf_loop --input DIR --output FILE [--processes N] [--config FILE]

For every file under --input (sorted): read it, trafilatura with the pipeline's options (HTML
only; the options come from the pipeline config's segment_html section, config/pipeline.yaml
unless --config names another), ftfy on the text,
langdetect (seeded, its language profiles loaded once) on the first `language.sample_chars`
characters, and a rensa MinHash of the lower-cased word shingles with the signature section's
parameters; the banded LSH keys go into one in-memory dict, and a JSONL line per document is
written. With --processes N > 1 the documents go through a pool of N processes (the parent
bands and writes). Prints one JSON object: documents, seconds and milliseconds per document of
each library.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterator
from multiprocessing import Pool
from pathlib import Path
from typing import Any

import ftfy
import trafilatura
from langdetect import DetectorFactory, detect_langs
from rensa import RMinHash

from pipeline.config import PipelineConfig, load_config

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config" / "pipeline.yaml"
_CFG: PipelineConfig | None = None


def _cfg(path: Path = CONFIG) -> PipelineConfig:
    """The pipeline config, loaded once per process (the pool's forked processes inherit it)."""
    global _CFG
    if _CFG is None:
        _CFG = load_config(path)
        DetectorFactory.seed = _CFG.language.seed
    return _CFG


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def one(path: str) -> dict[str, Any]:
    """The library work on one file: its text, language and MinHash, and the time of each."""
    cfg = _cfg()
    ms: dict[str, float] = {}
    started = time.perf_counter()
    with open(path, "rb") as handle:
        data = handle.read().decode("utf-8", "replace")
    ms["read"] = _ms(started)
    text = data
    if path.endswith((".html", ".htm")):
        started = time.perf_counter()
        seg = cfg.segment_html
        result = trafilatura.bare_extraction(
            data,
            with_metadata=True,
            include_comments=seg.include_comments,
            include_tables=seg.include_tables,
            favor_precision=seg.favor_precision,
            fast=seg.fast,
            deduplicate=False,
        )
        text = (result.text if result is not None else "") or ""
        ms["trafilatura"] = _ms(started)
    started = time.perf_counter()
    text = ftfy.fix_text(text)
    ms["ftfy"] = _ms(started)
    started = time.perf_counter()
    try:
        langs = detect_langs(text[: cfg.language.sample_chars])
        language = langs[0].lang if langs else None
    except Exception:  # no features in the text
        language = None
    ms["langdetect"] = _ms(started)
    started = time.perf_counter()
    words = text.lower().split()
    k = cfg.signature.shingle_words
    shingles = {" ".join(words[i : i + k]) for i in range(max(1, len(words) - k + 1))}
    digest: list[int] = []
    if words:
        sketch = RMinHash(cfg.signature.num_perm, cfg.signature.seed)
        sketch.update(list(shingles))
        digest = [int(v) for v in sketch.digest()]
    ms["minhash"] = _ms(started)
    return {"path": path, "text": text, "language": language, "minhash": digest, "ms": ms}


def _paths(folder: Path) -> Iterator[str]:
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            yield os.path.join(dirpath, name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--config", type=Path, default=CONFIG, help="pipeline config file")
    args = parser.parse_args(argv)
    global _CFG
    _CFG = None  # this run's config, loaded here: the pool's forked processes inherit it
    cfg = _cfg(args.config)
    paths = sorted(_paths(args.input))
    rows = cfg.signature.num_perm // cfg.dedup.bands
    buckets: dict[tuple[int, bytes], list[int]] = {}
    totals: dict[str, float] = {}
    started = time.perf_counter()
    with open(args.output, "w", encoding="utf-8") as out:
        if args.processes > 1:
            pool = Pool(args.processes)
            results: Iterator[dict[str, Any]] = pool.imap(one, paths, chunksize=8)
        else:
            results = map(one, paths)
        for number, result in enumerate(results):
            for name, value in result["ms"].items():
                totals[name] = totals.get(name, 0.0) + value
            sig = result["minhash"]
            for band in range(len(sig) // rows):
                key = b"".join(
                    v.to_bytes(4, "little") for v in sig[band * rows : band * rows + rows]
                )
                buckets.setdefault((band, key), []).append(number)
            record = {
                "path": result["path"],
                "text": result["text"],
                "language": result["language"],
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        if args.processes > 1:
            pool.close()
            pool.join()
    seconds = time.perf_counter() - started
    candidates = sum(len(v) - 1 for v in buckets.values() if len(v) > 1)
    print(
        json.dumps(
            {
                "documents": len(paths),
                "seconds": seconds,
                "ms_per_document": {k: v / max(1, len(paths)) for k, v in sorted(totals.items())},
                "lsh_candidate_pairs": candidates,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
