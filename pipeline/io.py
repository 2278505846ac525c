"""Discovery of inputs, sharding, reading raw files, JSONL."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pipeline.record import Document
from pipeline.runner import Rejection


class InputError(RuntimeError):
    """The raw directory itself is missing or unreadable."""


def discover(raw_dir: str | Path, ignore: Iterable[str]) -> tuple[list[str], list[str]]:
    """Relative, '/'-separated paths of every file under raw_dir in sorted order, and the
    ignored ones (documentation such as README.md). Symlinked folders are not entered."""
    root = Path(raw_dir)
    if not root.is_dir():
        raise InputError(f"raw directory {str(root)!r} does not exist or is not a directory")
    patterns = list(ignore)
    found: list[str] = []
    ignored: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = Path(dirpath).relative_to(root)
        kept_dirs = []
        for name in dirnames:
            rel = (rel_dir / name).as_posix()
            if any(fnmatch.fnmatch(name, p) for p in patterns):
                ignored.append(rel + "/")
            elif os.path.islink(os.path.join(dirpath, name)):
                found.append(rel)  # rejected when read: links are not followed out of raw/
            else:
                kept_dirs.append(name)
        dirnames[:] = kept_dirs
        for name in filenames:
            rel = (rel_dir / name).as_posix()
            (ignored if any(fnmatch.fnmatch(name, p) for p in patterns) else found).append(rel)
    return sorted(found), sorted(ignored)


def display_path(rel: str) -> str:
    """A relative path as records show it: valid UTF-8, safe to print and to write as JSON. Bytes
    of a file name that are not UTF-8 (kept by Python as surrogates) become escapes.

    >>> display_path("caf\\udce9.txt")
    'caf\\\\xe9.txt'
    """
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def shard_of(path: str, shards: int) -> int:
    """Stable shard of a relative path (independent of the run and the machine)."""
    return int(hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()[:8], 16) % shards


def read_input(raw_dir: str | Path, rel: str, max_bytes: int) -> Document | Rejection:
    """The raw bytes of one input as a Document, or a Rejection saying why it cannot be read.

    `rel` is the file's name as the file system has it; records show `display_path(rel)`."""
    root = Path(raw_dir).resolve()
    path = Path(raw_dir) / rel
    rel = display_path(rel)
    try:
        if path.is_symlink():
            target = path.resolve()
            if not target.is_relative_to(root):
                return Rejection(
                    rel, None, "read", "outside-raw-dir",
                    f"{rel}: is a link to {target}, outside the raw directory; not followed",
                )  # fmt: skip
        if not path.is_file():
            return Rejection(rel, None, "read", "not-a-file", f"{rel}: is not a regular file")
        stat = path.stat()
        size = stat.st_size
        if size > max_bytes:
            return Rejection(
                rel, None, "read", "too-large",
                f"{rel}: is {size} bytes, over the limit of {max_bytes}",
            )  # fmt: skip
        data = path.read_bytes()
    except OSError as exc:
        reason = "vanished" if isinstance(exc, FileNotFoundError) else "unreadable"
        return Rejection(rel, None, "read", reason, f"{rel}: cannot be read ({exc.strerror})")
    digest = hashlib.sha256(data).hexdigest()
    return Document(
        source_path=rel,
        source_sha256=digest,
        source_bytes=len(data),
        raw=data,
        source_mtime=stat.st_mtime,
    )


def dumps(record: Any) -> str:
    """One JSONL line: UTF-8, stable key order as built, no ASCII escaping."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)
