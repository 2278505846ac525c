"""Discovery of inputs, sharding, reading raw files, JSONL."""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import heapq
import json
import logging
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pipeline.record import Document
from pipeline.runner import Rejection

log = logging.getLogger("pipeline")

_READ_CHUNK = 1 << 20


class InputError(RuntimeError):
    """The raw directory itself is missing or unreadable."""


class OutputError(RuntimeError):
    """The clean directory cannot be written: read-only, full, or not a folder."""


def discover(raw_dir: str | Path, ignore: Iterable[str]) -> tuple[list[str], list[str]]:
    """Relative, '/'-separated paths of every file under raw_dir in sorted order, and the
    ignored ones (documentation such as README.md). Symlinked folders are not entered; a
    folder that cannot be listed is itself an input (rejected when read, so its files are not
    lost without a word)."""
    root = Path(raw_dir)
    if not root.is_dir():
        raise InputError(f"raw directory {str(root)!r} does not exist or is not a directory")
    try:
        os.listdir(root)
    except OSError as exc:
        raise InputError(f"raw directory {str(root)!r} cannot be read ({exc.strerror})") from exc
    patterns = list(ignore)
    found: list[str] = []
    ignored: list[str] = []

    def unlistable(exc: OSError) -> None:
        if exc.filename is not None:
            rel = Path(os.fsdecode(exc.filename)).relative_to(root).as_posix()
            if rel != ".":
                found.append(rel)

    for dirpath, dirnames, filenames in os.walk(root, onerror=unlistable, followlinks=False):
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
    if not found:
        log.warning("raw directory %r holds no input files: the partition will be empty", str(root))
    return sorted(found), sorted(ignored)


# Characters a name may hold that must not reach a terminal or a log as they are: controls
# (C0, DEL, C1: newlines, ESC sequences), line and paragraph separators, and the bidirectional
# formatting characters that make a name display as another one.
_UNSAFE = frozenset(
    {*range(0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, 0x2028, 0x2029}
    | {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}
)


def display_path(rel: str) -> str:
    """A relative path as records show it: valid UTF-8 and safe to print. Bytes of a file name
    that are not UTF-8 (kept by Python as surrogates) become \\xNN escapes, control and
    bidirectional formatting characters \\xNN or \\uNNNN escapes, and a backslash is doubled,
    so that two different names never show the same.

    >>> display_path("caf\\udce9.txt"), display_path("new\\nline.txt"), display_path("a\\\\b")
    ('caf\\\\xe9.txt', 'new\\\\x0aline.txt', 'a\\\\\\\\b')
    """
    out = []
    for ch in rel:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch == "\\":
            out.append("\\\\")
        elif code in _UNSAFE or 0xD800 <= code <= 0xDFFF:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def shard_of(path: str, shards: int) -> int:
    """Stable shard of a relative path (independent of the run and the machine)."""
    return int(hashlib.sha256(path.encode("utf-8", "surrogateescape")).hexdigest()[:8], 16) % shards


def balanced_shards(inputs: Iterable[tuple[str, int, str]], shards: int) -> dict[str, int]:
    """A shard for each (path, bytes, kind) so that every shard holds about the same bytes of
    each kind (plain text and HTML cost differently per byte): within a kind the largest input
    goes first, each to the shard with the fewest bytes of that kind so far (then the fewest
    inputs of that kind, the fewest bytes of any kind, the lowest number). Shards of equal work
    end together, so no worker waits alone for the last one. Deterministic: the same inputs
    give the same shards."""
    by_kind: dict[str, list[tuple[str, int]]] = {}
    for path, size, kind in inputs:
        by_kind.setdefault(kind, []).append((path, max(size, 0)))
    total = [0] * shards
    out: dict[str, int] = {}
    for kind in sorted(by_kind):
        # (bytes of the kind, inputs of the kind, bytes, shard)
        lightest = [(0, 0, total[i], i) for i in range(shards)]
        heapq.heapify(lightest)
        for path, size in sorted(by_kind[kind], key=lambda item: (-item[1], item[0])):
            load, count, _, shard = lightest[0]
            out[path] = shard
            total[shard] += size
            heapq.heapreplace(lightest, (load + size, count + 1, total[shard], shard))
    return out


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _opened_path(fd: int) -> str | None:
    """The path of an open file as the kernel has it (Linux /proc), or None."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_input(raw_dir: str | Path, rel: str, max_bytes: int) -> Document | Rejection:
    """The raw bytes of one input as a Document, or a Rejection saying why it cannot be read.

    `rel` is the file's name as the file system has it; records show `display_path(rel)`.
    Links are followed only to files inside the raw directory; named pipes, devices and
    folders are never opened for reading (so a pipe cannot block the run); a file is read up
    to `max_bytes` and is rejected when it changes while it is read."""
    shown = display_path(rel)

    def reject(reason: str, sentence: str) -> Rejection:
        return Rejection(shown, None, "read", reason, f"{shown}: {sentence}")

    root = os.path.realpath(raw_dir)
    path = os.path.join(raw_dir, rel)
    try:
        link = os.lstat(path)
        real = os.path.realpath(path)
        if stat.S_ISLNK(link.st_mode):
            try:
                os.stat(path)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    return reject("symlink-loop", "is a link in a loop of links; not followed")
                if isinstance(exc, FileNotFoundError):
                    return reject("broken-link", "is a link to a file that does not exist")
                raise
        if not _inside(real, root):
            target = display_path(real)
            return reject(
                "outside-raw-dir", f"leads to {target}, outside the raw directory; not followed"
            )
        # O_NOFOLLOW: the resolved path has no link left; one that appears now is a change.
        # O_NONBLOCK: opening a named pipe that replaced the file does not wait for a writer.
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(real, flags | getattr(os, "O_CLOEXEC", 0))
        try:
            # where the opened file really is: a folder on the way swapped for a link out of
            # the raw directory between the check above and the open is caught here (Linux)
            opened = _opened_path(fd) or real
            if not _inside(opened, root):
                return reject(
                    "outside-raw-dir",
                    f"leads to {display_path(opened)}, outside the raw directory; not read",
                )
            before = os.fstat(fd)
            if not stat.S_ISREG(before.st_mode):
                if stat.S_ISDIR(before.st_mode) and stat.S_ISLNK(link.st_mode):
                    return reject(
                        "linked-folder",
                        "is a link to a folder; linked folders are not entered (their files "
                        "are read where they are)",
                    )
                if stat.S_ISDIR(before.st_mode):
                    return reject("unreadable", "is a folder whose files cannot be listed")
                return reject("not-a-file", f"is {_kind(before.st_mode)}, not a regular file")
            if before.st_size > max_bytes:
                return reject(
                    "too-large",
                    f"is {before.st_size} bytes, over the limit of {max_bytes} (load.max_bytes)",
                )
            # at most one byte more than the size seen: enough to tell that the file grew
            # (a reader must not chase a writer), never more than the limit allows
            want = before.st_size + 1
            chunks = []
            size = 0
            while size < want:
                chunk = os.read(fd, min(_READ_CHUNK, want - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            after = os.fstat(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            return reject("vanished", "was listed but is gone (removed or renamed during the run)")
        if exc.errno == errno.ELOOP:
            return reject("changed-while-reading", "was replaced by a link while it was read")
        return reject("unreadable", f"cannot be read ({exc.strerror or exc})")
    data = b"".join(chunks)
    changed = (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns)
    if changed or size != before.st_size:
        return reject(
            "changed-while-reading",
            f"changed while it was read ({before.st_size} bytes before, {size} read, "
            f"{after.st_size} after)",
        )
    return Document(
        source_path=shown,
        source_sha256=hashlib.sha256(data).hexdigest(),
        source_bytes=size,
        raw=data,
        source_mtime=before.st_mtime,
    )


def dumps(record: Any) -> str:
    """One JSONL line: UTF-8, stable key order as built, no ASCII escaping."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def unwritable(clean_dir: str | Path) -> str | None:
    """Why outputs cannot be written under clean_dir (created when missing), or None: a
    read-only or full file system, no permission, a file where a folder should be."""
    path = Path(clean_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{os.getpid()}"
        with open(probe, "wb") as handle:
            handle.write(b"\n" * 4096)
            handle.flush()
            os.fsync(handle.fileno())
        probe.unlink()
    except OSError as exc:
        return f"clean directory {str(path)!r} cannot be written ({exc.strerror or exc})"
    return None


def check_writable(clean_dir: str | Path) -> None:
    """Raise OutputError when outputs cannot be written under clean_dir (see `unwritable`)."""
    problem = unwritable(clean_dir)
    if problem:
        raise OutputError(problem)
