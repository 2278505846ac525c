"""Hostile files in raw/: links that loop or lead out, pipes, unreadable files and folders,
files that vanish or change during the run, an empty or a missing raw folder. Each is a
rejection with a reason (or a clear message and a non-zero exit), never an exception."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import luigi
import pytest

from conftest import RAW, ROOT, RUN_DATE, clean_corpus, read_jsonl
from pipeline.io import read_input
from pipeline.runner import Rejection
from pipeline.tasks import Discover

BIN = Path(sys.executable).parent
CONFIG = str(ROOT / "config" / "pipeline.yaml")
ARTICLE = (RAW / "002_bf9c0ceb983e1a5f.txt").read_bytes()
OTHER = (RAW / "004_63b06e8f733e3164.txt").read_bytes()


def run_luigi(
    raw, clean, *extra: str, config: str = CONFIG, prefix: list[str] | None = None
) -> subprocess.CompletedProcess:
    """The Luigi command of the README, as a user runs it (after `prefix`, if any)."""
    cmd = [*(prefix or []), str(BIN / "luigi"), "--module", "pipeline.tasks", "CleanCorpus"]
    cmd += ["--local-scheduler"]
    cmd += ["--raw-dir", str(raw), "--clean-dir", str(clean), "--config", config]
    cmd += ["--date", RUN_DATE.isoformat(), *extra]
    env = {k: v for k, v in os.environ.items() if k != "LUIGI_CONFIG_PATH"}
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=300)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    cmd = [str(BIN / "clean-pipeline"), *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


def outcomes(part: Path) -> dict[str, str]:
    """source_path -> 'document', 'duplicate' or the rejection reason."""
    found = {
        d["provenance"]["source_path"]: "document" for d in read_jsonl(part / "documents.jsonl")
    }
    for d in read_jsonl(part / "duplicates.jsonl"):
        found[d["provenance"]["source_path"]] = "duplicate"
    for r in read_jsonl(part / "rejected.jsonl"):
        assert r["error"].startswith(r["source_path"] + ": ")
        found[r["source_path"]] = r["reason"]
    manifest = json.loads((part / "manifest.json").read_text())
    assert manifest["inputs"] == len(found)
    return found


def test_links_pipes_and_loops_are_rejected_with_a_reason(tmp_path):
    raw = tmp_path / "raw"
    (raw / "site").mkdir(parents=True)
    (raw / "site" / "article.txt").write_bytes(ARTICLE)
    (raw / "loop-a").symlink_to("loop-b")
    (raw / "loop-b").symlink_to("loop-a")
    (raw / "self.txt").symlink_to("self.txt")
    (raw / "broken.txt").symlink_to("nowhere.txt")
    (raw / "absolute.txt").symlink_to("/etc/passwd")
    (raw / "inside.txt").symlink_to("site/article.txt")  # followed: a copy of the article
    (raw / "folder-link").symlink_to("site")  # not entered: its files are read where they are
    (raw / "out-folder").symlink_to(tmp_path)
    os.mkfifo(raw / "pipe.txt")  # opening it for reading must not wait for a writer
    part = clean_corpus(raw, tmp_path / "clean")
    assert outcomes(part) == {
        "inside.txt": "document",  # first by source_path: the copy is the keeper
        "site/article.txt": "duplicate",
        "loop-a": "symlink-loop",
        "loop-b": "symlink-loop",
        "self.txt": "symlink-loop",
        "broken.txt": "broken-link",
        "absolute.txt": "outside-raw-dir",
        "out-folder": "outside-raw-dir",
        "folder-link": "linked-folder",
        "pipe.txt": "not-a-file",
    }


DROP_FILE_CAPS = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search"]
DROP_FILE_CAPS += ["--inh-caps", "-dac_override,-dac_read_search", "--"]


def test_unreadable_files_and_folders_are_rejected(tmp_path):
    """Permissions do not stop root: when the tests run as root, the run is started without
    the two capabilities that let root read any file (setpriv drops them), so the permission
    checks are the kernel's own, not simulated."""
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    (raw / "locked").mkdir(parents=True)
    (raw / "ok.txt").write_bytes(ARTICLE)
    (raw / "secret.txt").write_bytes(OTHER)
    (raw / "locked" / "inside.txt").write_bytes(OTHER)
    (raw / "secret.txt").chmod(0)
    (raw / "locked").chmod(0)
    prefix: list[str] = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: permissions cannot be enforced")
        prefix = DROP_FILE_CAPS
    try:
        result = run_luigi(raw, clean, prefix=prefix)
        assert result.returncode == 0, result.stderr[-3000:]
        part = clean / RUN_DATE.isoformat()
        found = outcomes(part)
        assert found == {"ok.txt": "document", "secret.txt": "unreadable", "locked": "unreadable"}
        rejected = {r["source_path"]: r for r in read_jsonl(part / "rejected.jsonl")}
        assert rejected["secret.txt"]["error"] == "secret.txt: cannot be read (Permission denied)"
    finally:
        (raw / "locked").chmod(0o755)


def test_files_that_vanish_or_are_replaced_after_discovery(tmp_path):
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    for name in ("stays.txt", "vanishes.txt", "becomes-pipe.txt", "becomes-link.txt"):
        (raw / name).write_bytes(ARTICLE + name.encode())
    (raw / "becomes-folder.txt").write_bytes(OTHER)
    params = dict(raw_dir=str(raw), clean_dir=str(clean), config=CONFIG, date=RUN_DATE)
    assert luigi.build([Discover(**params)], local_scheduler=True, log_level="WARNING")
    # between the listing and the reading
    (raw / "vanishes.txt").unlink()
    (raw / "becomes-pipe.txt").unlink()
    os.mkfifo(raw / "becomes-pipe.txt")
    (raw / "becomes-link.txt").unlink()
    (raw / "becomes-link.txt").symlink_to("/etc/passwd")
    (raw / "becomes-folder.txt").unlink()
    (raw / "becomes-folder.txt").mkdir()
    (raw / "new-after-listing.txt").write_bytes(OTHER)  # not listed: read by the next night
    part = clean_corpus(raw, clean)
    assert outcomes(part) == {
        "stays.txt": "document",
        "vanishes.txt": "vanished",
        "becomes-pipe.txt": "not-a-file",
        "becomes-link.txt": "outside-raw-dir",
        "becomes-folder.txt": "unreadable",
    }


def test_a_file_that_changes_while_it_is_read_is_never_half_read(tmp_path):
    """A writer appends to the file as fast as it can while it is read. Whatever the timing,
    the result is a rejection (changed-while-reading) or a document whose hash and size are
    those of the bytes it holds; never an exception."""
    path = tmp_path / "growing.txt"
    path.write_bytes(b"start of a log\n" * 200_000)
    stop = threading.Event()

    def append() -> None:
        # grows by 1.4 kB at a time and starts over at 4 MB: changes all the time, bounded
        with open(path, "r+b") as handle:
            while not stop.is_set():
                handle.seek(0, os.SEEK_END)
                if handle.tell() > 4_000_000:
                    handle.truncate(3_000_000)
                    continue
                handle.write(b"one more line\n" * 100)
                handle.flush()

    writer = threading.Thread(target=append)
    writer.start()
    try:
        results = [read_input(tmp_path, "growing.txt", max_bytes=10_000_000) for _ in range(20)]
    finally:
        stop.set()
        writer.join()
    for result in results:
        if isinstance(result, Rejection):
            assert result.reason == "changed-while-reading", result
            assert result.error.startswith("growing.txt: changed while it was read (")
        else:
            assert result.source_bytes == len(result.raw)
            assert result.source_sha256 == hashlib.sha256(result.raw).hexdigest()
    print(sum(isinstance(r, Rejection) for r in results), "of 20 reads saw the change")


def test_an_empty_raw_folder_gives_an_empty_complete_partition_and_says_so(tmp_path):
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "README.md").write_text("documentation, not input")
    result = run_luigi(raw, clean)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "holds no input files: the partition will be empty" in result.stderr
    part = clean / RUN_DATE.isoformat()
    assert (part / "_SUCCESS").exists()
    manifest = json.loads((part / "manifest.json").read_text())
    assert (manifest["inputs"], manifest["documents"], manifest["rejected"]) == (0, 0, 0)
    assert manifest["ignored"] == ["README.md"]
    assert all((part / n).read_text() == "" for n in ("documents.jsonl", "rejected.jsonl"))
    summary = run_cli("summary", "--clean-dir", str(clean), "--date", RUN_DATE.isoformat())
    assert summary.stdout.startswith("inputs 0: documents 0, duplicates 0, rejected 0")


def test_a_missing_raw_folder_stops_the_run_with_a_message_and_an_error_code(tmp_path):
    missing, clean = tmp_path / "no-such-raw", tmp_path / "clean"
    result = run_luigi(missing, clean)
    assert result.returncode != 0
    assert f"raw directory '{missing}' does not exist or is not a directory" in result.stderr
    assert not (clean / RUN_DATE.isoformat()).exists()
    cli = run_cli("run", "--raw-dir", str(missing), "--clean-dir", str(clean), "--config", CONFIG)
    assert cli.returncode == 2
    assert cli.stderr == f"error: raw directory '{missing}' does not exist or is not a folder\n"


def test_a_raw_path_that_is_a_file_is_refused_like_a_missing_one(tmp_path):
    (tmp_path / "raw").write_text("a file, not a folder")
    result = run_luigi(tmp_path / "raw", tmp_path / "clean")
    assert result.returncode != 0
    assert "does not exist or is not a directory" in result.stderr


def test_direct_reads_never_raise(tmp_path):
    """read_input on every kind of entry a folder can hold returns a value, never raises."""
    (tmp_path / "f.txt").write_bytes(b"x" * 100)
    (tmp_path / "d").mkdir()
    (tmp_path / "l").symlink_to("l")
    os.mkfifo(tmp_path / "p")
    reasons = {
        name: getattr(read_input(tmp_path, name, max_bytes=10), "reason", "document")
        for name in ("f.txt", "d", "l", "p", "missing")
    }
    assert reasons == {
        "f.txt": "too-large",
        "d": "unreadable",
        "l": "symlink-loop",
        "p": "not-a-file",
        "missing": "vanished",
    }
