"""Performance benchmark: the pipeline run through Luigi, side by side in one invocation with the
library floor (bench/perf_loop.py: the same library work in a plain loop) and with datatrove's
equivalent pipeline (bench/perf_datatrove.py, in its own virtualenv).

    .venv/bin/python -m bench.perf [--docs 5000] [--kinds html,text] [--rounds 1]
                                   [--no-datatrove] [--no-loop] [--workers 1,2]
                                   [--config FILE] [--scale 50000]

Workloads (built under bench/work/, deterministic, reused while their recipe is unchanged):
  html   the 181 ScrapingHub pages replicated to --docs documents, about 10 % of the copies
         lightly perturbed (a paragraph removed, a paragraph of another page added);
  text   the same documents rendered to flattened plain text (pipeline.render, as bench.extract);
  scale  (--scale N) the text workload at N documents, the pipeline with 2 workers only, against
         the same at --docs: how peak memory and the dedup index grow.

For each system: wall time, documents per second, milliseconds per document per stage (the
pipeline's from the partition's manifest.json), and the peak memory of the whole process tree
(the sum of the resident memory of the process and all its descendants, polled from /proc every
0.05 s; forked workers included). Runs alternate between systems within each round. Prints a
table and writes bench/results/perf.json (bench/results/perf-scale.json with --scale). Figures are
never asserted by tests.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import code_state
from pipeline.render import visible_lines

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "scrapinghub"
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
VENV_BIN = Path(sys.executable).parent
DATATROVE_VENV = WORK / ".venv-datatrove"
# What the harness installs for datatrove: its MinHash stages need spaCy's English tokenizer, and
# the trafilatura it pins (1.11) imports lxml.html.clean, a separate package since lxml 5.2.
DATATROVE_PINS = (
    "datatrove[processing]==0.10.1",
    "spacy==3.8.18",
    "orjson==3.13.0",
    "lxml_html_clean==0.4.6",
)
RUN_DATE = dt.date(2026, 11, 21)
# The pipeline's configuration the runs use (--config), for the pipeline and the library loop
PIPELINE_CONFIG = ROOT / "config" / "pipeline.yaml"
SEED = 20261121
PERTURBED_SHARE = 0.10
DATATROVE_FILES = 4  # input files for datatrove: its tasks, like the pipeline's 4 shards
RECIPE_VERSION = 1  # bump when the workload builder changes

_PARAGRAPH = re.compile(r"<p\b[^>]*>.*?</p\s*>", re.IGNORECASE | re.DOTALL)


# --- workloads ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    id: str
    html: str


def load_pages() -> list[Page]:
    """The benchmark pages, sorted by id."""
    pages = []
    for path in sorted((DATA / "html").glob("*.html.gz")):
        pages.append(Page(path.name.split(".")[0], gzip.decompress(path.read_bytes()).decode()))
    return pages


def render(html: str) -> str:
    """Flattened plain text of a page: visible text, one block element per line."""
    return "\n".join(visible_lines(html))


def perturb_html(html: str, donor: str, rng: random.Random) -> str:
    """A light edit: one <p> removed and one <p> of the donor page inserted after another
    paragraph (appended before </body> when the page has too few paragraphs)."""
    paragraphs = list(_PARAGRAPH.finditer(html))
    donors = [m.group(0) for m in _PARAGRAPH.finditer(donor)] or ["<p>An added paragraph.</p>"]
    added = rng.choice(donors)
    if len(paragraphs) < 2:
        at = html.lower().rfind("</body>")
        at = len(html) if at < 0 else at
        return html[:at] + added + html[at:]
    removed, after = rng.sample(range(len(paragraphs)), 2)
    out = []
    last = 0
    for index, match in enumerate(paragraphs):
        out.append(html[last : match.start()])
        if index != removed:
            out.append(match.group(0))
        if index == after:
            out.append(added)
        last = match.end()
    out.append(html[last:])
    return "".join(out)


def perturb_text(text: str, donor: str, rng: random.Random) -> str:
    """A light edit of a plain text: one line of 8 words or more removed and one such line of the
    donor inserted elsewhere."""
    lines = text.split("\n")
    donors = [ln for ln in donor.split("\n") if len(ln.split()) >= 8] or ["An added paragraph."]
    long_lines = [i for i, ln in enumerate(lines) if len(ln.split()) >= 8]
    if long_lines:
        del lines[rng.choice(long_lines)]
    lines.insert(rng.randrange(len(lines) + 1), rng.choice(donors))
    return "\n".join(lines)


def workload_documents(
    pages: Sequence[Page], kind: str, n: int, seed: int = SEED
) -> list[tuple[str, str]]:
    """The (relative path, content) of the n documents of a workload, deterministic: document i
    is a copy of page i mod len(pages) (the first copy of each page as it is), each later copy
    perturbed with probability PERTURBED_SHARE. Files are spread over 16 folders."""
    rng = random.Random(seed)
    texts = [p.html for p in pages] if kind == "html" else [render(p.html) for p in pages]
    perturb = perturb_html if kind == "html" else perturb_text
    suffix = "html" if kind == "html" else "txt"
    docs = []
    for i in range(n):
        page = i % len(pages)
        content = texts[page]
        first_copy = i < len(pages)
        if not first_copy and rng.random() < PERTURBED_SHARE:
            donor = rng.randrange(len(pages))
            content = perturb(content, texts[donor], rng)
        docs.append((f"d{i % 16:02d}/{i:06d}-{pages[page].id[:12]}.{suffix}", content))
    return docs


@dataclass(frozen=True)
class Workload:
    kind: str
    documents: int
    folder: Path

    @property
    def raw(self) -> Path:
        return self.folder / "raw"

    @property
    def jsonl(self) -> Path:
        return self.folder / "jsonl"


def build_workload(
    kind: str, n: int, work: Path = WORK, pages: Sequence[Page] | None = None
) -> Workload:
    """Write a workload (raw files for the pipeline and the loop, JSONL files for datatrove)
    under work/, unless the same recipe is already there."""
    pages = list(pages) if pages is not None else load_pages()
    folder = work / f"{kind}-{n}"
    recipe = {
        "version": RECIPE_VERSION,
        "kind": kind,
        "documents": n,
        "seed": SEED,
        "pages": hashlib.sha256("".join(p.id for p in pages).encode()).hexdigest(),
    }
    stamp = folder / "workload.json"
    if stamp.exists() and json.loads(stamp.read_text()) == recipe:
        return Workload(kind, n, folder)
    shutil.rmtree(folder, ignore_errors=True)
    docs = workload_documents(pages, kind, n)
    raw = folder / "raw"
    jsonl = folder / "jsonl"
    jsonl.mkdir(parents=True)
    with contextlib.ExitStack() as stack:
        outs = [
            stack.enter_context(open(jsonl / f"part-{i:02d}.jsonl", "w", encoding="utf-8"))
            for i in range(DATATROVE_FILES)
        ]
        for index, (rel, content) in enumerate(docs):
            path = raw / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            record = {"id": rel, "text": content}
            outs[index % DATATROVE_FILES].write(json.dumps(record, ensure_ascii=False) + "\n")
    stamp.write_text(json.dumps(recipe))
    return Workload(kind, n, folder)


# --- measurement -------------------------------------------------------------------------------


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # the command name is in parentheses and may hold spaces: the fields follow its last ")"
        fields = stat[stat.rfind(b")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def tree_memory(root: int) -> tuple[int, int]:
    """Resident bytes (RSS) of a process and all its descendants, and their proportional set size
    (PSS: pages shared between forked workers counted once, split between them); (0, 0) when
    it is gone."""
    children = _children_map()
    todo, rss, pss = [root], 0, 0
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            with open(f"/proc/{pid}/statm", "rb") as handle:
                rss += int(handle.read().split()[1]) * page
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Pss:"):
                        pss += int(line.split()[1]) * 1024
                        break
        except (OSError, IndexError, ValueError):
            continue
    return rss, pss


@dataclass
class Measured:
    seconds: float
    peak_bytes: int  # resident memory (RSS) of the process tree, summed
    peak_pss_bytes: int  # proportional set size of the tree (shared pages counted once)
    returncode: int
    stdout: str
    stderr: str
    peak_at: float = 0.0  # when the resident memory peaked (time.time())
    # processor time (user + system) of the process and every descendant it waited for (Luigi
    # joins its forked workers): with the wall time, tells work the run added (more processor
    # time) from time it waited for a processor other programs held (more wall time only)
    cpu_seconds: float = 0.0


def measure(cmd: Sequence[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> Measured:
    """Run a command, polling the memory of its process tree; wall time, peak tree memory and
    the tree's processor time."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd), cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak = 0
    import threading

    out: dict[str, str] = {}

    def drain(name: str, stream: Any) -> None:
        out[name] = stream.read()

    threads = [
        threading.Thread(target=drain, args=("stdout", proc.stdout)),
        threading.Thread(target=drain, args=("stderr", proc.stderr)),
    ]
    for thread in threads:
        thread.start()
    peak_pss = 0
    peak_at = 0.0
    while proc.poll() is None:
        rss, pss = tree_memory(proc.pid)
        if rss > peak:
            peak, peak_at = rss, time.time()
        peak_pss = max(peak_pss, pss)
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    for thread in threads:
        thread.join()
    stdout, stderr = out.get("stdout", ""), out.get("stderr", "")
    return Measured(seconds, peak, peak_pss, proc.returncode, stdout, stderr, peak_at, cpu)


# --- systems -----------------------------------------------------------------------------------


@dataclass
class Result:
    system: str
    workload: str
    documents: int
    seconds: float
    peak_mb: float
    docs_per_s: float
    stages_ms: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    peak_pss_mb: float = 0.0
    cpu_s: float = 0.0  # processor time of the process tree (Measured.cpu_seconds)


def _result(
    system: str,
    load: Workload,
    done: Measured,
    stages: dict[str, float] | None = None,
    extra: dict[str, Any] | None = None,
    error: str | None = None,
) -> Result:
    return Result(
        system=system,
        workload=load.kind,
        documents=load.documents,
        seconds=done.seconds,
        peak_mb=done.peak_bytes / 2**20,
        docs_per_s=0.0 if error else load.documents / done.seconds,
        stages_ms=stages or {},
        extra=extra or {},
        error=error,
        peak_pss_mb=done.peak_pss_bytes / 2**20,
        cpu_s=round(done.cpu_seconds, 2),
    )


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run_pipeline(
    load: Workload, workers: int, label: str | None = None, config: Path = PIPELINE_CONFIG
) -> Result:
    """CleanCorpus through Luigi's local scheduler on the workload, into a fresh clean dir."""
    clean = load.folder / f"clean-w{workers}"
    shutil.rmtree(clean, ignore_errors=True)
    env = {**os.environ, "LUIGI_CONFIG_PATH": str(ROOT / "config" / "luigi.cfg")}
    cmd = [
        str(VENV_BIN / "luigi"),
        "--module",
        "pipeline.tasks",
        "CleanCorpus",
        "--local-scheduler",
        "--workers",
        str(workers),
        "--raw-dir",
        str(load.raw),
        "--clean-dir",
        str(clean),
        "--date",
        RUN_DATE.isoformat(),
        "--config",
        str(config),
    ]
    started = time.time()
    done = measure(cmd, env=env)
    system = label or f"pipeline (Luigi), {workers} worker{'s' if workers > 1 else ''}"
    manifest_path = clean / RUN_DATE.isoformat() / "manifest.json"
    if done.returncode != 0 or not manifest_path.exists():
        return _result(system, load, done, error=_tail(done.stderr))
    manifest = json.loads(manifest_path.read_text())
    index = clean / ".state" / "dedup.sqlite"
    index_bytes = sum(p.stat().st_size for p in index.parent.glob("dedup.sqlite*"))
    kept = manifest["documents"]
    extra = {
        "documents": manifest["documents"],
        "duplicates": manifest["duplicates"],
        "rejected": manifest["rejected"],
        "dedup_index_bytes": index_bytes,
        "dedup_index_bytes_per_kept_document": round(index_bytes / kept) if kept else None,
        "workers": workers,
    }
    extra["phases_s"] = phases(clean, started, started + done.seconds)
    extra["peak_memory_in_phase"] = phase_at(extra["phases_s"], done.peak_at - started)
    # when each task of the parallel phases ended (seconds from the start): with 2 workers, two
    # shards should end together
    for prefix in ("facts-", "shard-", "entries-"):
        tasks = (clean / ".work").rglob(prefix + "[0-9]*")  # one per shard (not facts-cache)
        ends = sorted(p.stat().st_mtime - started for p in tasks)
        extra[f"{prefix.rstrip('-')}_task_ends_s"] = [round(e, 1) for e in ends]
    # what the last task reads back whole: the shards' results (documents with provenance)
    extra["shard_results_bytes"] = sum(p.stat().st_size for p in (clean / ".work").rglob("shard-*"))
    extra["partition_bytes"] = sum(
        p.stat().st_size for p in (clean / RUN_DATE.isoformat()).glob("*.jsonl")
    )
    shutil.rmtree(clean, ignore_errors=True)
    stages = {k: v["ms_per_document"] for k, v in manifest["stages"].items()}
    return _result(system, load, done, stages, extra)


# Each Luigi task writes its one output atomically when it ends: the outputs' modification times
# are the timeline of a run. (file name prefix under the work folder, phase)
_PHASES = (
    ("inventory", "discover"),
    ("facts-", "corpus facts (first pass)"),
    ("corpus-tables", "corpus tables"),
    ("shard-", "process shards"),
    ("entries-", "dedup entries"),
    ("dedup-", "deduplicate"),
)


def phases(clean: Path, started: float, ended: float) -> dict[str, float]:
    """Seconds from the end of one phase to the end of the next, from the outputs' times: the
    start-up before the first output, each phase, then the partition and the index record."""
    ends: dict[str, float] = {}
    for path in (clean / ".work").rglob("*"):
        if path.name.startswith("facts-cache"):
            continue  # written by CorpusTables, not by the facts pass
        for prefix, name in _PHASES:
            if path.name.startswith(prefix):
                ends[name] = max(ends.get(name, 0.0), path.stat().st_mtime)
    partition = clean / RUN_DATE.isoformat() / "_SUCCESS"
    if partition.exists():
        ends["write partition"] = partition.stat().st_mtime
    ends["record the night (dedup index), exit"] = ended
    out: dict[str, float] = {}
    previous = started
    for name in [n for _, n in _PHASES] + [
        "write partition",
        "record the night (dedup index), exit",
    ]:
        if name in ends:
            label = "start-up, discover" if name == "discover" else name
            out[label] = round(ends[name] - previous, 2)
            previous = ends[name]
    return out


def phase_at(phases_s: dict[str, float], offset: float) -> str | None:
    """The phase running `offset` seconds after the start."""
    end = 0.0
    for name, seconds in phases_s.items():
        end += seconds
        if offset <= end:
            return name
    return None


def run_loop(load: Workload, processes: int, config: Path = PIPELINE_CONFIG) -> Result:
    out = load.folder / f"loop-{processes}.jsonl"
    cmd = [
        sys.executable,
        "-m",
        "bench.perf_loop",
        "--input",
        str(load.raw),
        "--output",
        str(out),
        "--processes",
        str(processes),
        "--config",
        str(config),
    ]
    done = measure(cmd)
    system = f"library loop, {processes} process{'es' if processes > 1 else ''}"
    out.unlink(missing_ok=True)
    if done.returncode != 0:
        return _result(system, load, done, error=_tail(done.stderr))
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return _result(
        system,
        load,
        done,
        report["ms_per_document"],
        {"lsh_candidate_pairs": report["lsh_candidate_pairs"]},
    )


def datatrove_python() -> tuple[Path | None, str]:
    """The interpreter of datatrove's virtualenv, installing it when missing; (None, why) when
    it cannot be installed."""
    python = DATATROVE_VENV / "bin" / "python"
    check = [str(python), "-c", "import datatrove, spacy, trafilatura, orjson"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python, ""
    print(
        f"installing datatrove into {DATATROVE_VENV} ({', '.join(DATATROVE_PINS)}) ...", flush=True
    )
    try:
        subprocess.run([sys.executable, "-m", "venv", str(DATATROVE_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *DATATROVE_PINS],
            check=True,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        return None, f"datatrove could not be installed: {_tail(detail, 5)}"
    imported = subprocess.run(check, capture_output=True, text=True)
    if imported.returncode != 0:
        return None, f"datatrove installed but does not import: {_tail(imported.stderr, 3)}"
    return python, ""


def datatrove_version(python: Path) -> dict[str, str]:
    code = (
        "import json; from importlib.metadata import version as v; names = "
        "('datatrove', 'trafilatura', 'spacy', 'ftfy', 'lxml'); "
        "print(json.dumps({n: v(n) for n in names}))"
    )
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True)
    return json.loads(done.stdout) if done.returncode == 0 else {}


def run_datatrove(load: Workload, python: Path, workers: int = 2) -> Result:
    work = load.folder / "datatrove-run"
    shutil.rmtree(work, ignore_errors=True)
    cmd = [
        str(python),
        str(ROOT / "bench" / "perf_datatrove.py"),
        "--input",
        str(load.jsonl),
        "--work",
        str(work),
        "--workers",
        str(workers),
        "--kind",
        load.kind,
    ]
    done = measure(cmd)
    system = f"datatrove, {workers} workers"
    shutil.rmtree(work, ignore_errors=True)
    if done.returncode != 0:
        return _result(system, load, done, error=_tail(done.stderr))
    report = json.loads(done.stdout.strip().splitlines()[-1])
    stages = {k: 1000 * v / load.documents for k, v in report["seconds"].items()}
    return _result(system, load, done, stages, {"kept": report["kept"]})


# --- report ------------------------------------------------------------------------------------


def print_table(results: Sequence[Result]) -> None:
    print(
        f"\n{'workload':9} {'system':34} {'docs':>6} {'wall s':>8} {'docs/s':>8} "
        f"{'peak MB':>8} {'PSS MB':>7} {'CPU s':>7}"
    )
    for r in results:
        if r.error:
            print(
                f"{r.workload:9} {r.system:34} {r.documents:6d} failed: {r.error.splitlines()[-1]}"
            )
            continue
        print(
            f"{r.workload:9} {r.system:34} {r.documents:6d} {r.seconds:8.1f} "
            f"{r.docs_per_s:8.1f} {r.peak_mb:8.0f} {r.peak_pss_mb:7.0f} {r.cpu_s:7.1f}"
        )
    print("\npipeline phases (seconds, from the times of the tasks' outputs)")
    for r in results:
        if r.extra.get("phases_s"):
            timeline = ", ".join(f"{k} {v:.1f}" for k, v in r.extra["phases_s"].items())
            print(f"  {r.workload:6} {r.system}: {timeline}")
            print(f"         peak memory during: {r.extra.get('peak_memory_in_phase')}")
    print("\nmilliseconds per document by stage")
    for r in results:
        if r.stages_ms:
            stages = ", ".join(f"{k} {v:.2f}" for k, v in r.stages_ms.items())
            print(f"  {r.workload:6} {r.system}: {stages}")


def _best(results: Sequence[Result], workload: str, system: str) -> Result | None:
    """The fastest successful run of a system on a workload (rounds are repeats)."""
    runs = [r for r in results if r.workload == workload and r.system == system and not r.error]
    return max(runs, key=lambda r: r.docs_per_s) if runs else None


def targets(results: Sequence[Result]) -> dict[str, Any]:
    """The issue's targets as same-run ratios (reported, never asserted)."""
    out: dict[str, Any] = {}
    p2 = _best(results, "html", "pipeline (Luigi), 2 workers")
    p1 = _best(results, "html", "pipeline (Luigi), 1 worker")
    dt2 = _best(results, "html", "datatrove, 2 workers")
    loop2 = _best(results, "html", "library loop, 2 processes")
    t2 = _best(results, "text", "pipeline (Luigi), 2 workers")
    t1 = _best(results, "text", "pipeline (Luigi), 1 worker")

    def ratio(a: Result | None, b: Result | None) -> float | None:
        return round(a.docs_per_s / b.docs_per_s, 3) if a and b and b.docs_per_s else None

    out["html_2w_vs_datatrove"] = {"ratio": ratio(p2, dt2), "target": 1.5}
    out["html_2w_vs_library_loop_2p"] = {"ratio": ratio(p2, loop2), "target": 0.8}
    out["text_2w_docs_per_s"] = {"value": round(t2.docs_per_s, 1) if t2 else None, "target": 150}
    out["html_2w_vs_1w"] = {"ratio": ratio(p2, p1), "target": 1.8}
    out["text_2w_vs_1w"] = {"ratio": ratio(t2, t1), "target": 1.8}
    peaks = [
        r.peak_mb for r in results if r.system == "pipeline (Luigi), 2 workers" and not r.error
    ]
    out["peak_mb_2w"] = {"value": round(max(peaks)) if peaks else None, "target": "< 400"}
    for item in out.values():
        value = item.get("ratio", item.get("value"))
        target = item["target"]
        if value is None:
            item["met"] = None
        elif isinstance(target, str):
            item["met"] = value < float(target.strip("< "))
        else:
            item["met"] = value >= target
    return out


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=5000, help="documents per workload")
    parser.add_argument("--kinds", default="html,text", help="workloads: html, text or both")
    parser.add_argument("--rounds", type=int, default=1, help="alternating rounds")
    parser.add_argument("--no-datatrove", action="store_true", help="skip datatrove")
    parser.add_argument("--no-loop", action="store_true", help="skip the library loop")
    parser.add_argument("--workers", default="1,2", help="pipeline worker counts")
    parser.add_argument(
        "--config",
        type=Path,
        default=PIPELINE_CONFIG,
        help="pipeline config file for the pipeline and the library loop",
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=0,
        help="instead: the text workload at this many documents against --docs, "
        "2 workers, for memory growth",
    )
    args = parser.parse_args(argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    started_load = load_average()
    results: list[Result] = []
    report: dict[str, Any] = {
        "command": "python -m bench.perf " + " ".join(argv if argv is not None else sys.argv[1:]),
        "code": code_state(),
        "cpus": os.cpu_count(),
        "load_average_before": started_load,
        "config": str(args.config),
    }
    config = args.config.resolve()
    if args.scale:
        for n in (args.docs, args.scale):
            print(f"building the text workload of {n} documents ...", flush=True)
            load = build_workload("text", n)
            print(f"text {n}: pipeline, 2 workers ...", flush=True)
            results.append(run_pipeline(load, 2, config=config))
        small, large = results
        growth = None
        if not small.error and not large.error:
            mb = large.peak_mb - small.peak_mb
            index_delta = large.extra["dedup_index_bytes"] - small.extra["dedup_index_bytes"]
            growth = {
                "documents": [args.docs, args.scale],
                "peak_mb": [round(small.peak_mb), round(large.peak_mb)],
                "peak_pss_mb": [round(small.peak_pss_mb), round(large.peak_pss_mb)],
                "shard_results_bytes": [
                    small.extra["shard_results_bytes"],
                    large.extra["shard_results_bytes"],
                ],
                "peak_mb_growth": round(mb, 1),
                "peak_bytes_growth_per_added_document": round(
                    mb * 2**20 / (args.scale - args.docs)
                ),
                "dedup_index_bytes_per_kept_document": large.extra[
                    "dedup_index_bytes_per_kept_document"
                ],
                "dedup_index_growth_bytes": index_delta,
            }
        report["scale"] = growth
        out_path = RESULTS / "perf-scale.json"
    else:
        python, why = (None, "skipped (--no-datatrove)")
        if not args.no_datatrove:
            python, why = datatrove_python()
            if python is None:
                print(f"datatrove skipped: {why}", flush=True)
            else:
                report["datatrove"] = datatrove_version(python)
        report["datatrove_skipped"] = why or None
        workers = [int(w) for w in args.workers.split(",")]
        for kind in args.kinds.split(","):
            print(f"building the {kind} workload of {args.docs} documents ...", flush=True)
            load = build_workload(kind, args.docs)
            for round_number in range(args.rounds):
                # alternating: each system once per round, 2-way runs and 1-way runs interleaved
                plan: list[tuple[str, Any]] = []
                for w in sorted(workers, reverse=True):
                    plan.append(
                        (
                            f"pipeline {w}w",
                            lambda w=w, load=load: run_pipeline(load, w, config=config),
                        )
                    )
                    if not args.no_loop:
                        plan.append(
                            (f"loop {w}p", lambda w=w, load=load: run_loop(load, w, config))
                        )
                    if python is not None and w == 2:
                        plan.append(
                            (
                                "datatrove 2w",
                                lambda load=load, python=python: run_datatrove(load, python),
                            )
                        )
                for name, fn in plan:
                    print(f"{kind} round {round_number + 1}: {name} ...", flush=True)
                    result = fn()
                    result.extra["round"] = round_number + 1
                    result.extra["load_average_after"] = load_average()
                    results.append(result)
                    if result.error:
                        print(f"  failed:\n{result.error}", flush=True)
                    else:
                        print(
                            f"  {result.docs_per_s:.1f} docs/s, {result.peak_mb:.0f} MB", flush=True
                        )
        report["targets"] = targets(results)
        out_path = RESULTS / "perf.json"
    print_table(results)
    if "targets" in report:
        print("\ntargets (same-run ratios):")
        for name, item in report["targets"].items():
            print(f"  {name}: {item}")
    if report.get("scale"):
        print(f"\nscale: {report['scale']}")
    report["load_average_after"] = load_average()
    report["results"] = [r.__dict__ for r in results]
    out_path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwritten {out_path.relative_to(ROOT)}")
    return 0 if all(not r.error for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
