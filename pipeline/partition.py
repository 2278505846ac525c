"""Writes one run's partition <clean-dir>/<date>/ atomically: every file goes into a hidden
temporary folder, _SUCCESS last, and the folder is renamed into place; then `latest` moves."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from pipeline import shard_file
from pipeline.io import read_jsonl
from pipeline.record import document_id
from pipeline.report import count_night, duplicate_view, read_manifest, write_report
from pipeline.runner import library_version

LIBRARIES = (
    "trafilatura", "htmldate", "ftfy", "langdetect", "charset-normalizer", "luigi", "PyYAML",
    "regex", "lxml", "rensa",
)  # fmt: skip


PARQUET_FILES = ("documents", "duplicates", "rejected")


class AccountingError(RuntimeError):
    """The outputs do not account for every input: never write such a partition."""


@dataclass
class _Index:
    """Where each record of the shards' results is (file, byte offset), not the records: the
    partition is written by reading them back one at a time, so memory does not grow with the
    documents' size."""

    # (id, file, offset, offset of its report view or -1)
    documents: list[tuple[str, int, int, int]] = field(default_factory=list)
    duplicates: list[tuple[str, int, int, int]] = field(default_factory=list)
    rejected: list[tuple[str, int, int, int]] = field(default_factory=list)  # (path, file, ...)
    paths: list[str] = field(default_factory=list)
    published: list[tuple[str, str]] = field(default_factory=list)  # (id, path) with readable bytes
    seconds: dict[str, float] = field(default_factory=dict)
    calls: Counter[str] = field(default_factory=Counter)


class Summary:
    """Counts computed from the records' provenance as they are written, so stats and records
    cannot disagree."""

    def __init__(self) -> None:
        self.removed: Counter[str] = Counter()
        self.languages: Counter[str] = Counter()
        self.formats: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.kinds: Counter[str] = Counter()
        self.keeper_nights: Counter[str] = Counter()
        self.dated = 0
        self.counts: Counter[str] = Counter()

    def document(self, summary: dict[str, Any]) -> None:
        """A kept document, from its shard header's summary (pipeline.shard_file)."""
        self.removed.update(summary["removed"])
        self.languages[summary["language"] or "unknown"] += 1
        self.formats[summary["input_format"]] += 1
        self.dated += 1 if summary["published"] else 0
        self.counts["documents"] += 1

    def duplicate(self, fields: dict[str, Any]) -> None:
        self.kinds[fields["duplicate_kind"]] += 1
        self.keeper_nights[fields.get("duplicate_of_night") or "none"] += 1
        self.counts["duplicates"] += 1

    def rejected(self, reason: str) -> None:
        self.reasons[reason] += 1
        self.counts["rejected"] += 1

    def to_json(self) -> dict[str, Any]:
        return {
            "removed_by_rule": dict(sorted(self.removed.items())),
            "languages": dict(sorted(self.languages.items())),
            "input_formats": dict(sorted(self.formats.items())),
            "rejected_by_reason": dict(sorted(self.reasons.items())),
            "duplicates_by_kind": dict(sorted(self.kinds.items())),
            "duplicates_by_keeper_night": dict(sorted(self.keeper_nights.items())),
            "dated_documents": self.dated,
        }


def _index(
    shard_files: list[Path],
    decisions: dict[str, Any],
    summary: Summary,
    views: list[Path] | None = None,
) -> tuple[_Index, bool]:
    """Where every record is, and the counts of the kept documents and rejections (`summary`).
    With `views` (per shard file, the report view of each of its documents, in the same order:
    pipeline.report.record_view), where each document's view is too, and whether every document
    has one."""
    index = _Index()
    viewed = views is not None and len(views) == len(shard_files)
    for number, path in enumerate(shard_files):
        view_file = _open_views(views[number]) if viewed and views is not None else None
        viewed = view_file is not None
        view_offset = 0
        with open(path, "rb") as handle, view_file or contextlib.nullcontext():
            for header, offset in shard_file.headers(handle):
                if header["kind"] == "stats":
                    for name, value in header["seconds"].items():
                        index.seconds[name] = index.seconds.get(name, 0.0) + value
                    index.calls.update(header["calls"])
                elif header["kind"] == "rejected":
                    source, sha = header["source_path"], header["source_sha256"]
                    index.rejected.append((source, number, offset, -1))
                    index.paths.append(source)
                    summary.rejected(header["reason"])
                    if sha:
                        index.published.append((document_id(source, sha), source))
                else:
                    id_ = header["id"]
                    at = -1
                    if view_file is not None:  # the next line of the views file is its view
                        line = view_file.readline()
                        at, view_offset = view_offset, view_offset + len(line)
                        viewed = viewed and line.endswith(b"\n")
                    if id_ in decisions:
                        index.duplicates.append((id_, number, offset, at))
                    else:
                        index.documents.append((id_, number, offset, at))
                        summary.document(header["summary"])
                    index.paths.append(header["source_path"])
                    index.published.append((id_, header["source_path"]))
            if view_file is not None and view_file.readline():
                viewed = False  # views of more documents than the shard file has
    return index, viewed


def _open_views(path: Path) -> BinaryIO | None:
    try:
        return open(path, "rb")
    except OSError:
        return None


class _StaleViews(Exception):
    """A view file does not hold the views of its shard's documents (the report then reads the
    partition's files instead)."""


def _views(
    view_files: list[Path],
    where: list[tuple[str, int, int, int]],
    decisions: dict[str, Any] | None = None,
) -> Iterator[dict[str, Any]]:
    """The report views of the records at the given places, in the order given; a duplicate's
    (with `decisions`) with its decision's fields."""
    handles = [open(path, "rb") for path in view_files]  # noqa: SIM115 (closed below)
    try:
        for id_, number, _offset, at in where:
            handles[number].seek(at)
            view: dict[str, Any] = json.loads(handles[number].readline())
            if view.get("id") != id_:
                raise _StaleViews(f"{view_files[number]}: no view of {id_}")
            if decisions is not None:
                view.update(duplicate_view(_duplicate_fields(decisions[id_])))
            yield view
    finally:
        for handle in handles:
            handle.close()


def _check_accounting(inventory: dict[str, Any], paths: list[str]) -> None:
    if sorted(paths) != sorted(inventory["inputs"]):
        missing = sorted(set(inventory["inputs"]) - set(paths))
        extra = sorted(set(paths) - set(inventory["inputs"]))
        raise AccountingError(f"inputs not accounted for: {missing[:5]}; unexpected: {extra[:5]}")


def _records(shard_files: list[Path], where: list[tuple[str, int, int, int]]) -> Iterator[bytes]:
    """The record lines at the given places, in the order given (each read when it is written)."""
    handles = [open(path, "rb") for path in shard_files]  # noqa: SIM115 (closed below)
    try:
        for _key, number, offset, _view in where:
            handles[number].seek(offset)
            yield handles[number].readline()
    finally:
        for handle in handles:
            handle.close()


def _duplicate_fields(decision: dict[str, Any]) -> dict[str, Any]:
    return {
        "duplicate_of": decision["duplicate_of"],
        "duplicate_kind": decision["kind"],
        "similarity": decision["similarity"],
        "cluster": decision["cluster"],
        # the partition holding the kept document (an earlier night's, or this)
        "duplicate_of_night": decision.get("keeper_night"),
    }


def write_partition(
    clean_dir: Path,
    date: dt.date,
    inventory: dict[str, Any],
    shard_files: list[Path],
    decisions: dict[str, Any],
    header: dict[str, Any],
    resolved_config: dict[str, Any],
    parquet: bool = False,
    views: list[Path] | None = None,
) -> tuple[Path, list[tuple[str, str]]]:
    """Write the partition from the shards' result files and move `latest`; returns the
    partition's path and the (id, source path) of every input it published (all but the
    rejections of unreadable files). Documents and duplicates are sorted by id, rejections by
    source path. `views`: per shard file, the report views of its documents (made while they
    were read for deduplication), so report.html is counted without reading the written files
    back; without them, or when they do not match, the report reads the files."""
    summary = Summary()
    index, viewed = _index(shard_files, decisions, summary, views)
    _check_accounting(inventory, index.paths)
    final = clean_dir / date.isoformat()
    tmp = clean_dir / f".{date.isoformat()}.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    # The shards' record lines are the partition's lines: copied, not parsed and written again.
    documents = sorted(index.documents)
    with open(tmp / "documents.jsonl", "wb") as out:
        out.writelines(_records(shard_files, documents))
    duplicates = sorted(index.duplicates)
    with open(tmp / "duplicates.jsonl", "wb") as out:
        for (id_, *_), line in zip(duplicates, _records(shard_files, duplicates), strict=True):
            fields = _duplicate_fields(decisions[id_])
            summary.duplicate(fields)
            out.write(shard_file.with_fields(line, fields))
    with open(tmp / "rejected.jsonl", "wb") as out:
        out.writelines(_records(shard_files, sorted(index.rejected)))
    if parquet:  # output.parquet: the same records, for pandas, DuckDB and datasets users
        from pipeline.parquet_out import write_parquet

        write_parquet(
            tmp, {name: list(read_jsonl(tmp / f"{name}.jsonl")) for name in PARQUET_FILES}
        )
    per_stage = {
        name: {
            "documents": index.calls.get(name, 0),
            "seconds": round(seconds, 4),
            "ms_per_document": (
                round(1000 * seconds / index.calls[name], 3) if index.calls.get(name) else 0
            ),
        }
        for name, seconds in sorted(index.seconds.items())
    }
    manifest = {
        **header,
        "inputs": len(inventory["inputs"]),
        "documents": summary.counts["documents"],
        "duplicates": summary.counts["duplicates"],
        "rejected": summary.counts["rejected"],
        "accounting": "inputs == documents + duplicates + rejected",
        "ignored": inventory.get("ignored", []),
        **summary.to_json(),
        "stages": per_stage,
        "libraries": {name: library_version(name) for name in LIBRARIES},
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    (tmp / "config.resolved.json").write_text(
        json.dumps(resolved_config, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )
    night = None
    if viewed and views is not None:
        try:
            night = count_night(
                date.isoformat(),
                read_manifest(tmp),
                _views(views, duplicates, decisions),
                _views(views, documents),
                read_jsonl(tmp / "rejected.jsonl"),
            )
        except (OSError, ValueError, KeyError, TypeError, _StaleViews):
            night = None  # counted from the files instead
    write_report(tmp, clean_dir=clean_dir, date=date.isoformat(), night=night)
    (tmp / "_SUCCESS").write_text("")
    if final.exists():
        shutil.rmtree(final)  # an older, incomplete attempt: it never had _SUCCESS
    os.rename(tmp, final)
    update_latest(clean_dir)
    return final, index.published


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
