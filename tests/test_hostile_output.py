"""Output faults: a full disk or a read-only clean folder fails the run with a clear message,
leaves no partition that looks complete, and a later run with room finishes the work.

The faults are real: the clean folder is a small tmpfs (full) or a read-only mount, made in a
private mount namespace (`unshare`) that disappears with the test, so nothing is mounted on the
machine itself. Where namespaces are not available the tests are skipped and say why.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_hostile_files import run_cli, run_luigi

from conftest import ROOT, RUN_DATE, read_jsonl

BIN = Path(sys.executable).parent
DATE = RUN_DATE.isoformat()
# The sample corpus's outputs take about 650 kB (intermediate results, partition, index).
FULL_AT_KB = [64, 300, 560]


def in_namespace(script: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run a shell script in a private mount namespace (as root, or as root of a new user
    namespace); skip the test when the machine does not allow either."""
    if not shutil.which("unshare"):
        pytest.skip("unshare is not installed: cannot make a private mount")
    flags = ["-m"] if os.geteuid() == 0 else ["-U", "-r", "-m"]
    probe = subprocess.run(
        ["unshare", *flags, "sh", "-c", f"mount -t tmpfs -o size=16k none {tmp_path}"],
        capture_output=True,
        text=True,
    )
    if probe.returncode:
        pytest.skip(f"no private mounts on this machine: {probe.stderr.strip()}")
    env = {k: v for k, v in os.environ.items() if k != "LUIGI_CONFIG_PATH"}
    path = tmp_path / "script.sh"
    path.write_text("set -u\n" + script)
    return subprocess.run(
        ["unshare", *flags, "bash", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


def luigi_cmd(clean: Path, log: Path) -> str:
    return (
        f"{BIN / 'luigi'} --module pipeline.tasks CleanCorpus --local-scheduler "
        f"--raw-dir raw --clean-dir {clean} --date {DATE} > {log} 2>&1"
    )


def assert_nothing_looks_complete(clean: Path) -> None:
    """No dated folder with _SUCCESS, unless it is whole (written before the fault struck the
    dedup index: its files then all parse and account for every input)."""
    for part in clean.glob("20*"):
        if (part / "_SUCCESS").exists():
            manifest = json.loads((part / "manifest.json").read_text())
            counted = sum(
                len(read_jsonl(part / n))
                for n in ("documents.jsonl", "duplicates.jsonl", "rejected.jsonl")
            )
            assert counted == manifest["inputs"]
    latest = clean / "latest"
    if latest.is_symlink():
        assert (clean / os.readlink(latest) / "_SUCCESS").exists()


@pytest.mark.parametrize("size_kb", FULL_AT_KB)
def test_a_full_disk_fails_the_run_and_a_later_run_finishes_it(tmp_path, size_kb):
    clean, first, second = tmp_path / "clean", tmp_path / "first", tmp_path / "second"
    for folder in (clean, first, second):
        folder.mkdir()
    script = f"""
mount -t tmpfs -o size={size_kb}k none {clean}
{luigi_cmd(clean, first / "log")}
echo $? > {first / "rc"}
cp -a {clean}/. {first}/
mount -o remount,size=20m {clean}
{luigi_cmd(clean, second / "log")}
echo $? > {second / "rc"}
cp -a {clean}/. {second}/
"""
    result = in_namespace(script, tmp_path)
    assert result.returncode == 0, result.stderr
    log = (first / "log").read_text()
    assert int((first / "rc").read_text()) != 0, log[-3000:]
    assert "No space left on device" in log or "database or disk is full" in log
    assert_nothing_looks_complete(first)
    # with room, the same command finishes the night
    assert int((second / "rc").read_text()) == 0, (second / "log").read_text()[-3000:]
    part = second / DATE
    assert (part / "_SUCCESS").exists()
    manifest = json.loads((part / "manifest.json").read_text())
    assert (
        manifest["inputs"] == manifest["documents"] + manifest["duplicates"] + manifest["rejected"]
    )


def test_a_read_only_clean_folder_fails_the_run_with_a_clear_message(tmp_path):
    clean, out = tmp_path / "clean", tmp_path / "out"
    clean.mkdir()
    out.mkdir()
    cli = f"{BIN / 'clean-pipeline'} run --raw-dir raw --clean-dir {clean} --date {DATE}"
    script = f"""
mount -t tmpfs -o size=10m none {clean}
{luigi_cmd(clean, out / "ok-log")}
mount -o remount,ro {clean}
{luigi_cmd(clean, out / "log").replace(DATE, "2026-11-22")}
echo $? > {out / "rc"}
{cli.replace(DATE, "2026-11-22")} > {out / "cli-log"} 2>&1
echo $? > {out / "cli-rc"}
cp -a {clean}/. {out}/
"""
    result = in_namespace(script, tmp_path)
    assert result.returncode == 0, result.stderr
    log = (out / "log").read_text()
    assert int((out / "rc").read_text()) != 0, log[-3000:]
    assert (
        f"OutputError: clean directory '{clean}' cannot be written (Read-only file system)" in log
    )
    assert int((out / "cli-rc").read_text()) == 2
    assert (out / "cli-log").read_text() == (
        f"error: clean directory '{clean}' cannot be written (Read-only file system)\n"
    )
    # the earlier night is untouched, the new one is nowhere
    assert (out / DATE / "_SUCCESS").exists()
    assert not (out / "2026-11-22").exists()
    assert os.readlink(out / "latest") == DATE


def test_a_clean_path_under_a_file_fails_the_run_with_a_clear_message(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    clean = tmp_path / "file" / "clean"
    result = run_luigi(ROOT / "raw", clean)
    assert result.returncode != 0
    assert f"OutputError: clean directory '{clean}' cannot be written (Not a directory)" in (
        result.stderr
    )
    cli = run_cli("run", "--raw-dir", str(ROOT / "raw"), "--clean-dir", str(clean))
    assert cli.returncode == 2
    assert cli.stderr == f"error: clean directory '{clean}' cannot be written (Not a directory)\n"
