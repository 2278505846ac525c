"""Crash safety: the Luigi command is killed with SIGKILL while a shard is being cleaned, while
duplicates are being decided, and while the partition is being written. No partition ever looks
complete before it is, and the next run finishes with output byte-identical to a run that was
never interrupted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT
from pipeline import history

LUIGI = str(Path(sys.executable).parent / "luigi")
DATE = "2026-11-21"
OUTPUTS = ("documents.jsonl", "duplicates.jsonl", "rejected.jsonl")
BODIES = json.loads((ROOT / "bench/data/scrapinghub/ground-truth.json").read_text())


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    """181 real article bodies, a copy of every tenth one and an edited copy of every seventh."""
    folder = tmp_path_factory.mktemp("raw")
    for i, key in enumerate(sorted(BODIES)):
        body = BODIES[key]["articleBody"]
        (folder / f"{i:03d}.txt").write_text(body, encoding="utf-8")
        if i % 10 == 0:
            (folder / f"copy-{i:03d}.txt").write_text(body, encoding="utf-8")
        if i % 7 == 0:
            edited = body.replace(". ", ". Indeed, ", 1)
            (folder / f"edit-{i:03d}.txt").write_text(edited, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    return folder


def command(raw: Path, clean: Path) -> list[str]:
    return [
        LUIGI, "--module", "pipeline.tasks", "CleanCorpus", "--local-scheduler",
        "--raw-dir", str(raw), "--clean-dir", str(clean), "--date", DATE,
    ]  # fmt: skip


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "LUIGI_CONFIG_PATH"}


@pytest.fixture(scope="module")
def uninterrupted(raw, tmp_path_factory) -> Path:
    clean = tmp_path_factory.mktemp("reference")
    done = subprocess.run(command(raw, clean), cwd=ROOT, env=env(), capture_output=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return clean / DATE


def work_files(clean: Path, pattern: str) -> list[Path]:
    return list((clean / ".work").glob(f"*/{DATE}/*/{pattern}"))


def looks_complete_only_when_complete(clean: Path) -> None:
    """A partition folder under its final name always has _SUCCESS and every file."""
    final = clean / DATE
    if final.exists():
        assert (final / "_SUCCESS").exists()
        assert all((final / name).exists() for name in (*OUTPUTS, "manifest.json"))
    latest = clean / "latest"
    if latest.is_symlink():
        assert (clean / os.readlink(latest) / "_SUCCESS").exists()


def kill_when(raw: Path, clean: Path, reached: Callable[[], bool]) -> None:
    """Start the run and SIGKILL its whole process group as soon as `reached()` holds."""
    proc = subprocess.Popen(
        command(raw, clean),
        cwd=ROOT,
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    try:
        while not reached():
            looks_complete_only_when_complete(clean)
            assert proc.poll() is None, "the run ended before it reached the point to kill it"
            assert time.monotonic() < deadline
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL


POINTS: dict[str, Callable[[Path], bool]] = {
    # a shard's output is being written to its temporary file
    "shard": lambda clean: bool(work_files(clean, "shard-*.jsonl.tmp-*")),
    # the night's kept documents are being written (duplicates are being decided)
    "dedup": lambda clean: bool(work_files(clean, "kept-*.sqlite.tmp-*")),
    # the partition's files are being written into the hidden temporary folder
    "partition": lambda clean: (clean / f".{DATE}.partial").exists(),
}


@pytest.mark.parametrize("point", sorted(POINTS))
def test_a_killed_run_leaves_nothing_complete_and_the_next_finishes_the_same(
    point, raw, uninterrupted, tmp_path
):
    clean = tmp_path / "clean"
    kill_when(raw, clean, lambda: POINTS[point](clean))
    # killed in that phase: its unfinished file is still there, nothing looks complete
    assert POINTS[point](clean)
    looks_complete_only_when_complete(clean)
    assert not (clean / DATE / "_SUCCESS").exists()
    assert not history.has_night(history.index_path(clean), DATE)

    again = subprocess.run(command(raw, clean), cwd=ROOT, env=env(), capture_output=True)
    assert again.returncode == 0, again.stderr[-2000:]
    for name in OUTPUTS:
        assert (clean / DATE / name).read_bytes() == (uninterrupted / name).read_bytes(), name
    assert history.has_night(history.index_path(clean), DATE)
    assert not (clean / f".{DATE}.partial").exists()
