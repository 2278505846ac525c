"""Incremental nights: what is new tonight, the cache of per-document corpus facts, and the lock
that keeps two runs from changing a clean folder's state at once.

A night processes only the inputs no other night has published. An input is its content at its
path (the record id, `document_id(source_path, source_sha256)`): a file whose path, size and
modification time match a published input is recognised without being read; any other file is
read and hashed once, and is new unless those bytes at that path were published already. An
edited file is therefore new (its new version is deduplicated against its old one); a file that
was only touched is not.

The corpus-wide statistics (lines recurring across a folder, each site's date order) are learned
from every input, old and new, so their per-document facts are cached under the work folder of
the configuration (`.work/<config hash>/facts-cache.sqlite`), keyed by the document id and the
versions of the steps that make them; a night with K new files computes K new facts.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.history import Published
from pipeline.io import display_path
from pipeline.record import document_id
from pipeline.runner import library_version
from pipeline.steps import dates, load, repair, segment_text


@dataclass(frozen=True)
class Found:
    """One file under the raw folder, as tonight's inventory lists it."""

    name: str  # the file system's name, relative to the raw folder
    path: str  # display_path(name): what records show
    size: int | None
    mtime_ns: int | None
    # None when the file was not read here: a path no other night published is new whatever
    # it holds, or it could not be read (its rejection will say why)
    id: str | None


def _hash_file(path: Path, limit: int) -> str | None:
    """sha256 hex of a regular file of at most `limit` bytes, else None (read() decides why)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            read = 0
            while chunk := handle.read(1 << 20):
                read += len(chunk)
                if read > limit:
                    return None
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def classify(
    raw_dir: str | Path, names: Iterable[str], published: Published, max_bytes: int
) -> tuple[list[Found], list[Found]]:
    """Split the discovered files into new ones and ones another night already published."""
    new: list[Found] = []
    old: list[Found] = []
    root = Path(raw_dir)
    for name in names:
        path = display_path(name)
        try:
            st = os.lstat(root / name)
        except OSError:
            new.append(Found(name, path, None, None, None))
            continue
        if not os.path.isfile(root / name) or os.path.islink(root / name):
            new.append(Found(name, path, None, None, None))  # read() rejects it with a reason
            continue
        if not published.knows(path):  # an id is its path and content: new, unread here
            new.append(Found(name, path, st.st_size, st.st_mtime_ns, None))
            continue
        known = published.by_stat(path, st.st_size, st.st_mtime_ns)
        if known is not None:
            old.append(Found(name, path, st.st_size, st.st_mtime_ns, known))
            continue
        sha = _hash_file(root / name, max_bytes)
        id_ = None if sha is None else document_id(path, sha)
        found = Found(name, path, st.st_size, st.st_mtime_ns, id_)
        (old if id_ is not None and published.has(id_) else new).append(found)
    return new, old


@functools.cache
def code_key() -> str:
    """The pipeline's and every step's version and the libraries the steps use: what a
    document's result depends on besides its bytes and the configuration."""
    from pipeline import __version__
    from pipeline.runner import _LIBRARIES
    from pipeline.steps import language, repeats, scripts, segment_html, signature

    modules = (load, repair, segment_html, segment_text, repeats, scripts, language, dates)
    from pipeline.shard_file import FORMAT

    parts = [f"pipeline={__version__}", f"shard-files={FORMAT}"]
    parts += [f"{m.NAME}={m.VERSION}" for m in (*modules, signature)]
    parts += [f"{lib}={library_version(lib)}" for libs in _LIBRARIES.values() for lib in libs]
    return hashlib.sha256(";".join(sorted(set(parts))).encode()).hexdigest()


def facts_key() -> str:
    """The versions the corpus facts of a document depend on (besides the configuration)."""
    from pipeline.runner import FACTS_VERSION

    parts = [
        f"facts={FACTS_VERSION}",
        f"load={load.VERSION}",
        f"repair={repair.VERSION}",
        f"segment_text={segment_text.VERSION}",
        f"dates={dates.VERSION}",
        f"ftfy={library_version('ftfy')}",
        f"charset-normalizer={library_version('charset-normalizer')}",
    ]
    return ";".join(parts)


class FactsCache:
    """Per-document corpus facts of earlier nights, read by the facts tasks and written by one
    task only (StoreFacts), so parallel shards never contend for the file."""

    def __init__(self, path: Path, write: bool = False) -> None:
        self.path = path
        self.key = facts_key()
        self.con: sqlite3.Connection | None = None
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.con = sqlite3.connect(str(path), timeout=60.0, isolation_level=None)
            self.con.execute("PRAGMA journal_mode = WAL")
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS facts (id TEXT NOT NULL, versions TEXT NOT NULL, "
                "value TEXT NOT NULL, PRIMARY KEY (id, versions)) WITHOUT ROWID"
            )
        elif path.exists():
            self.con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)

    def get(self, id_: str) -> tuple[bool, dict[str, Any] | None]:
        """(found, facts); facts may be None for a document that has none (HTML, dropped)."""
        if self.con is None:
            return False, None
        try:
            row = self.con.execute(
                "SELECT value FROM facts WHERE id = ? AND versions = ?", (id_, self.key)
            ).fetchone()
        except sqlite3.OperationalError:
            return False, None
        return (False, None) if row is None else (True, json.loads(row[0]))

    def put_many(self, rows: Iterable[tuple[str, dict[str, Any] | None]]) -> int:
        assert self.con is not None, "opened read-only"
        batch = [(id_, self.key, json.dumps(facts, sort_keys=True)) for id_, facts in rows]
        self.con.execute("BEGIN IMMEDIATE")
        self.con.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?, ?)", batch)
        self.con.execute("COMMIT")
        return len(batch)

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


class Busy(RuntimeError):
    """Another run holds the clean folder's lock."""


def _holder(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip() or "unknown"
    except OSError:
        return "unknown"


@contextlib.contextmanager
def locked(lock_file: Path, wait_seconds: float, what: str) -> Iterator[None]:
    """Hold an exclusive advisory lock (flock) on `lock_file`; wait up to `wait_seconds` for it
    (0: do not wait), else raise Busy naming the holder. The kernel releases the lock when its
    holder dies, even by SIGKILL, so a crashed run never leaves a stale lock behind."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise Busy(
                        f"{lock_file}: another run is {what} ({_holder(lock_file)}); "
                        + (f"waited {wait_seconds:.0f} s; " if wait_seconds else "")
                        + "try again when it has finished"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%S')}\n".encode())
        yield
    finally:
        os.close(fd)  # closing releases the lock
