"""Scale-out with Luigi's central scheduler: `luigid` on loopback and two worker processes started
at once split the shards, run each task once, and write what one worker alone writes."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

BIN = Path(sys.executable).parent
DATE = "2026-11-21"
BODIES = json.loads((ROOT / "bench/data/scrapinghub/ground-truth.json").read_text())
DONE = re.compile(r"Worker\(.*pid=(\d+)\) done +(\w+)\(.*?(?:shard=(\d+))?\)$", re.M)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Path]:
    raw = tmp_path / "raw"
    raw.mkdir()
    for i, key in enumerate(sorted(BODIES)[:96]):
        (raw / f"{i:03d}.txt").write_text(BODIES[key]["articleBody"], encoding="utf-8")
    (raw / "095-copy.txt").write_text(BODIES[sorted(BODIES)[3]]["articleBody"], encoding="utf-8")
    config = tmp_path / "pipeline.yaml"
    config.write_text("discover:\n  shards: 12\n", encoding="utf-8")
    shutil.copy(ROOT / "config" / "boilerplate.yaml", tmp_path / "boilerplate.yaml")
    return {"raw": raw, "config": config, "tmp": tmp_path}


def cli(setup: dict[str, Path], clean: Path, *extra: str, env: dict[str, str] | None = None):
    cmd = [str(BIN / "clean-pipeline"), "run", "--raw-dir", str(setup["raw"])]
    cmd += ["--clean-dir", str(clean), "--config", str(setup["config"]), "--date", DATE, *extra]
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_two_workers_on_luigid_split_the_shards_and_match_one_worker(setup):
    tmp, port = setup["tmp"], free_port()
    cfg = (ROOT / "config" / "luigi.cfg").read_text().replace("8082", str(port))
    # an idle worker asks for work again after about a tenth of a second (Luigi's default is up
    # to several seconds, longer than this small night's shards take)
    cfg = cfg.replace("[worker]\n", "[worker]\nwait_interval = 0.1\nwait_jitter = 0.05\n")
    (tmp / "luigi.cfg").write_text(cfg)
    env = {**os.environ, "LUIGI_CONFIG_PATH": str(tmp / "luigi.cfg")}
    (tmp / "luigid-logs").mkdir()
    luigid = subprocess.Popen(
        [
            *(str(BIN / "luigid"), "--address", "127.0.0.1", "--port", str(port)),
            *("--logdir", str(tmp / "luigid-logs"), "--state-path", str(tmp / "state.pickle")),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/ping", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        clean = tmp / "clean"
        workers = [cli(setup, clean, "--no-local-scheduler", env=env) for _ in range(2)]
        results = [w.communicate(timeout=600) for w in workers]
        assert [w.returncode for w in workers] == [0, 0], [err[-2000:] for _out, err in results]
        # the web page's data: every task of the night is done, with its last status message
        url = f"http://127.0.0.1:{port}/api/task_list?data=" + '{"status":"DONE"}'
        done = json.loads(urllib.request.urlopen(url, timeout=5).read())["response"]
        shard_tasks = [t for t in done.values() if t["name"] == "ProcessShard"]
        assert len(shard_tasks) == 12
        assert all(t["status_message"].endswith("documents cleaned") for t in shard_tasks)
    finally:
        luigid.terminate()
        luigid.wait(timeout=30)

    runs: dict[str, list[tuple[str, str | None]]] = {}
    for log in sorted((clean / ".logs").glob("run-*.log")):
        for pid, family, shard in DONE.findall(log.read_text()):
            runs.setdefault(pid, []).append((family, shard or None))
    assert len(runs) == 2  # two worker processes, each with its own log
    shards = {pid: [s for f, s in done if f == "ProcessShard"] for pid, done in runs.items()}
    every = [s for ran in shards.values() for s in ran]
    assert sorted(every, key=int) == [str(i) for i in range(12)]  # each shard once
    assert all(ran for ran in shards.values()), shards  # and both workers took some
    once = [f for done in runs.values() for f, _ in done if f in ("Deduplicate", "CleanCorpus")]
    assert sorted(once) == ["CleanCorpus", "Deduplicate"]

    alone = tmp / "alone"
    single = cli(setup, alone)
    single.communicate(timeout=600)
    assert single.returncode == 0
    for name in ("documents.jsonl", "duplicates.jsonl", "rejected.jsonl"):
        assert (clean / DATE / name).read_bytes() == (alone / DATE / name).read_bytes()
    assert json.loads((clean / DATE / "manifest.json").read_text())["duplicates"] == 1
