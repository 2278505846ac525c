"""Writes one run's partition <clean-dir>/<date>/ atomically: every file goes into a hidden
temporary folder, _SUCCESS last, and the folder is renamed into place; then `latest` moves."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from pipeline.io import dumps
from pipeline.report import write_report
from pipeline.runner import library_version

LIBRARIES = (
    "trafilatura", "htmldate", "ftfy", "langdetect", "charset-normalizer", "luigi", "PyYAML",
    "regex", "lxml", "rensa",
)  # fmt: skip


class AccountingError(RuntimeError):
    """The outputs do not account for every input: never write such a partition."""


def build_outputs(
    inventory: dict[str, Any], shard_lines: list[list[dict[str, Any]]], decisions: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Documents, duplicates and rejections (each sorted) and the merged stage stats."""
    documents, duplicates, rejected = [], [], []
    seconds: dict[str, float] = {}
    calls: Counter[str] = Counter()
    for lines in shard_lines:
        for line in lines:
            if line["kind"] == "stats":
                for name, value in line["seconds"].items():
                    seconds[name] = seconds.get(name, 0.0) + value
                calls.update(line["calls"])
            elif line["kind"] == "rejected":
                rejected.append(line["record"])
            elif line["record"]["id"] in decisions:
                decision = decisions[line["record"]["id"]]
                duplicates.append(
                    {
                        **line["record"],
                        "duplicate_of": decision["duplicate_of"],
                        "duplicate_kind": decision["kind"],
                        "similarity": decision["similarity"],
                        "cluster": decision["cluster"],
                        # the partition holding the kept document (an earlier night's, or this)
                        "duplicate_of_night": decision.get("keeper_night"),
                    }
                )
            else:
                documents.append(line["record"])
    documents.sort(key=lambda r: r["id"])
    duplicates.sort(key=lambda r: r["id"])
    rejected.sort(key=lambda r: r["source_path"])
    seen = [r["provenance"]["source_path"] for r in documents + duplicates]
    seen += [r["source_path"] for r in rejected]
    if sorted(seen) != sorted(inventory["inputs"]):
        missing = sorted(set(inventory["inputs"]) - set(seen))
        extra = sorted(set(seen) - set(inventory["inputs"]))
        raise AccountingError(f"inputs not accounted for: {missing[:5]}; unexpected: {extra[:5]}")
    stats = {"seconds": dict(sorted(seconds.items())), "calls": dict(sorted(calls.items()))}
    return documents, duplicates, rejected, stats


def summarise(
    documents: list[dict[str, Any]],
    duplicates: list[dict[str, Any]],
    rejected: list[dict[str, Any]],
) -> dict[str, Any]:
    """Counts computed from the records' provenance, so stats and records cannot disagree."""
    removed: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    formats: Counter[str] = Counter()
    for rec in documents:
        prov = rec["provenance"]
        for entry in prov.get("removed", []):
            removed[f"{entry['label']}:{entry['rule']}"] += 1
        languages[rec["language"] or "unknown"] += 1
        formats[prov.get("input_format", "unknown")] += 1
    return {
        "removed_by_rule": dict(sorted(removed.items())),
        "languages": dict(sorted(languages.items())),
        "input_formats": dict(sorted(formats.items())),
        "rejected_by_reason": dict(sorted(Counter(r["reason"] for r in rejected).items())),
        "duplicates_by_kind": dict(
            sorted(Counter(r["duplicate_kind"] for r in duplicates).items())
        ),
        "duplicates_by_keeper_night": dict(
            sorted(Counter(r.get("duplicate_of_night") or "none" for r in duplicates).items())
        ),
        "dated_documents": sum(1 for rec in documents if rec["published"]),
    }


def _write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(dumps(record) + "\n")


def write_partition(
    clean_dir: Path,
    date: dt.date,
    inventory: dict[str, Any],
    shard_lines: list[list[dict[str, Any]]],
    decisions: dict[str, Any],
    header: dict[str, Any],
    resolved_config: dict[str, Any],
    parquet: bool = False,
) -> Path:
    """Write the partition and move `latest`; returns the partition's path."""
    documents, duplicates, rejected, stats = build_outputs(inventory, shard_lines, decisions)
    final = clean_dir / date.isoformat()
    tmp = clean_dir / f".{date.isoformat()}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    _write_jsonl(tmp / "documents.jsonl", documents)
    _write_jsonl(tmp / "duplicates.jsonl", duplicates)
    _write_jsonl(tmp / "rejected.jsonl", rejected)
    if parquet:  # output.parquet: the same records, for pandas, DuckDB and datasets users
        from pipeline.parquet_out import write_parquet

        write_parquet(tmp, {"documents": documents, "duplicates": duplicates, "rejected": rejected})
    calls = stats["calls"]
    per_stage = {
        name: {
            "documents": calls.get(name, 0),
            "seconds": round(seconds, 4),
            "ms_per_document": round(1000 * seconds / calls[name], 3) if calls.get(name) else 0,
        }
        for name, seconds in stats["seconds"].items()
    }
    manifest = {
        **header,
        "inputs": len(inventory["inputs"]),
        "documents": len(documents),
        "duplicates": len(duplicates),
        "rejected": len(rejected),
        "accounting": "inputs == documents + duplicates + rejected",
        "ignored": inventory.get("ignored", []),
        **summarise(documents, duplicates, rejected),
        "stages": per_stage,
        "libraries": {name: library_version(name) for name in LIBRARIES},
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    (tmp / "config.resolved.json").write_text(
        json.dumps(resolved_config, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )
    write_report(tmp, clean_dir=clean_dir, date=date.isoformat())  # report.html, from the files
    (tmp / "_SUCCESS").write_text("")
    if final.exists():
        shutil.rmtree(final)  # an older, incomplete attempt: it never had _SUCCESS
    os.rename(tmp, final)
    update_latest(clean_dir)
    return final


def complete_partitions(clean_dir: Path) -> list[str]:
    """Dates of the partitions that have _SUCCESS, oldest first."""
    if not clean_dir.is_dir():
        return []
    names = []
    for child in clean_dir.iterdir():
        try:
            dt.date.fromisoformat(child.name)
        except ValueError:
            continue
        if (child / "_SUCCESS").exists():
            names.append(child.name)
    return sorted(names)


def update_latest(clean_dir: Path) -> None:
    """Point <clean-dir>/latest at the newest complete partition (an atomic symlink swap)."""
    dates = complete_partitions(clean_dir)
    if not dates:
        return
    link = clean_dir / "latest"
    tmp = clean_dir / ".latest.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(dates[-1], tmp)
    os.replace(tmp, link)
