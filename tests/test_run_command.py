"""The nightly command as cron runs it: quiet, one log file per run, non-zero on failure, and a
second run on the same clean folder exits with a clear message (or waits with --wait)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import ROOT
from pipeline import nightly

CLI = str(Path(sys.executable).parent / "clean-pipeline")
LUIGI = str(Path(sys.executable).parent / "luigi")
DATE = "2026-11-21"


def raw_copy(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "raw", raw)
    return raw


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "LUIGI_CONFIG_PATH"}
    return subprocess.run(
        [CLI, "run", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def test_a_cron_run_is_quiet_and_logs_to_a_file_of_its_own(tmp_path):
    raw, clean = raw_copy(tmp_path), tmp_path / "clean"
    for date in ("2026-11-20", DATE):
        done = run("--raw-dir", str(raw), "--clean-dir", str(clean), "--date", date)
        assert done.returncode == 0 and done.stdout == "" and done.stderr == ""
    logs = sorted((clean / ".logs").glob("run-*.log"))
    assert [p.name.split("-T")[0][:14] for p in logs] == ["run-2026-11-20", "run-2026-11-21"]
    text = logs[0].read_text()
    assert "done      CleanCorpus" in text and "Luigi Execution Summary" in text


def test_a_second_run_on_the_same_clean_folder_exits_3_or_waits(tmp_path):
    raw, clean = raw_copy(tmp_path), tmp_path / "clean"
    lock = clean / ".state" / "run.lock"
    with nightly.locked(lock, 0, "writing to this clean folder"):
        busy = run("--raw-dir", str(raw), "--clean-dir", str(clean), "--date", DATE)
    assert busy.returncode == 3
    assert "another run is writing to this clean folder (pid" in busy.stderr
    assert not (clean / DATE).exists()

    released = threading.Event()

    def hold() -> None:
        with nightly.locked(lock, 0, "writing to this clean folder"):
            released.wait(5)
            time.sleep(1.0)

    holder = threading.Thread(target=hold)
    holder.start()
    released.set()
    waited = run("--raw-dir", str(raw), "--clean-dir", str(clean), "--date", DATE, "--wait", "60")
    holder.join()
    assert waited.returncode == 0, waited.stderr
    assert (clean / DATE / "_SUCCESS").exists()


def test_two_luigi_commands_at_once_never_corrupt_the_night(tmp_path):
    """The bare Luigi command has no run lock: both runs work, the state lock makes the last
    steps take turns, and the partition is the one a single run writes."""
    raw, clean, alone = raw_copy(tmp_path), tmp_path / "clean", tmp_path / "alone"
    env = {k: v for k, v in os.environ.items() if k != "LUIGI_CONFIG_PATH"}

    def luigi(target: Path) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [LUIGI, "--module", "pipeline.tasks", "CleanCorpus", "--local-scheduler", "--no-lock",
             "--raw-dir", str(raw), "--clean-dir", str(target), "--date", DATE],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    both = [luigi(clean), luigi(clean)]
    errors = [p.communicate(timeout=600)[1] for p in both]
    assert [p.returncode for p in both] == [0, 0], [e[-1500:] for e in errors]
    single = luigi(alone)
    single.communicate(timeout=600)
    for name in ("documents.jsonl", "duplicates.jsonl", "rejected.jsonl"):
        assert (clean / DATE / name).read_bytes() == (alone / DATE / name).read_bytes()
    manifest = json.loads((clean / DATE / "manifest.json").read_text())
    assert (
        manifest["inputs"] == manifest["documents"] + manifest["duplicates"] + manifest["rejected"]
    )


def test_a_failed_night_exits_non_zero_and_says_where_the_log_is(tmp_path):
    raw, clean = raw_copy(tmp_path), tmp_path / "clean"
    (clean / ".state").mkdir(parents=True)
    (clean / ".state" / "dedup.sqlite").write_text("not a database")  # e.g. a damaged copy
    done = run("--raw-dir", str(raw), "--clean-dir", str(clean), "--date", DATE)
    assert done.returncode == 1
    assert "the run did not complete; see" in done.stderr and ".logs/run-" in done.stderr
    log = next((clean / ".logs").glob("run-*.log")).read_text()
    assert "file is not a database" in log
    assert not (clean / DATE).exists()


def test_a_missing_raw_folder_is_named_before_any_work(tmp_path):
    done = run("--raw-dir", str(tmp_path / "missing"), "--clean-dir", str(tmp_path / "clean"))
    assert done.returncode == 2 and "raw directory" in done.stderr and "missing" in done.stderr
