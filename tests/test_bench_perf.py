"""The performance benchmark's harness (bench/perf.py): its workloads, its memory measurement of
a process tree and the shape of its report. Its timings are never asserted."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from bench import perf

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def pages() -> list[perf.Page]:
    return perf.load_pages()[:5]


def test_a_workload_is_the_pages_replicated_with_a_tenth_of_the_copies_lightly_edited(
    pages: list[perf.Page],
) -> None:
    docs = perf.workload_documents(pages, "html", 400)
    assert len(docs) == 400
    assert len({path for path, _ in docs}) == 400
    assert docs == perf.workload_documents(pages, "html", 400)  # deterministic
    originals = {p.html for p in pages}
    assert [content for _, content in docs[: len(pages)]] == [p.html for p in pages]
    edited = sum(content not in originals for _, content in docs)
    assert 0.05 * 400 < edited < 0.16 * 400


def test_an_edited_copy_loses_one_paragraph_and_gains_another() -> None:
    page = "<html><body><p>one</p><p>two</p><p>three</p></body></html>"
    donor = "<p>from another page</p>"
    edited = perf.perturb_html(page, donor, random.Random(1))
    assert edited.count("<p>") == 3
    assert "from another page" in edited
    assert sum(word in edited for word in ("one", "two", "three")) == 2


def test_the_text_workload_is_the_same_pages_rendered_to_plain_text(
    pages: list[perf.Page],
) -> None:
    docs = perf.workload_documents(pages, "text", len(pages))
    for (path, text), page in zip(docs, pages, strict=True):
        assert path.endswith(".txt")
        assert text == perf.render(page.html)
        assert "<p" not in text


def test_build_workload_writes_the_raw_files_and_the_datatrove_jsonl_once(
    tmp_path: Path, pages: list[perf.Page]
) -> None:
    load = perf.build_workload("text", 30, work=tmp_path, pages=pages)
    files = sorted(p for p in load.raw.rglob("*") if p.is_file())
    assert len(files) == 30
    records = [json.loads(line) for f in load.jsonl.glob("*.jsonl") for line in f.open()]
    assert len(records) == 30
    assert {r["id"] for r in records} == {f.relative_to(load.raw).as_posix() for f in files}
    stamp = (load.folder / "workload.json").stat().st_mtime_ns
    perf.build_workload("text", 30, work=tmp_path, pages=pages)  # same recipe: reused
    assert (load.folder / "workload.json").stat().st_mtime_ns == stamp


def test_peak_memory_counts_the_forked_children() -> None:
    # the parent stays small; a child holds 200 MB for a moment
    code = (
        "import multiprocessing as mp, time\n"
        "def hold():\n"
        "    block = bytearray(200 * 2**20)\n"
        "    time.sleep(1.0)\n"
        "if __name__ == '__main__':\n"
        "    p = mp.get_context('fork').Process(target=hold); p.start(); p.join()\n"
    )
    done = perf.measure([sys.executable, "-c", code])
    assert done.returncode == 0
    assert done.peak_bytes > 200 * 2**20


def test_the_targets_are_same_run_ratios() -> None:
    def result(workload: str, system: str, docs_per_s: float, peak: float = 300) -> perf.Result:
        return perf.Result(system, workload, 100, 100 / docs_per_s, peak, docs_per_s)

    results = [
        result("html", "pipeline (Luigi), 2 workers", 60),
        result("html", "pipeline (Luigi), 1 worker", 30),
        result("html", "datatrove, 2 workers", 30),
        result("html", "library loop, 2 processes", 100),
        result("text", "pipeline (Luigi), 2 workers", 120, peak=450),
        result("text", "pipeline (Luigi), 1 worker", 70),
    ]
    targets = perf.targets(results)
    assert targets["html_2w_vs_datatrove"] == {"ratio": 2.0, "target": 1.5, "met": True}
    assert targets["html_2w_vs_library_loop_2p"]["ratio"] == 0.6
    assert targets["html_2w_vs_library_loop_2p"]["met"] is False
    assert targets["text_2w_docs_per_s"]["value"] == 120.0
    assert targets["html_2w_vs_1w"]["ratio"] == 2.0
    assert targets["peak_mb_2w"] == {"value": 450, "target": "< 400", "met": False}
    json.dumps(targets)  # the report is JSON


def test_processor_time_counts_the_forked_children() -> None:
    # the parent only waits; a forked child spins for about half a second
    code = (
        "import multiprocessing as mp, time\n"
        "def spin():\n"
        "    end = time.process_time() + 0.5\n"
        "    while time.process_time() < end:\n"
        "        pass\n"
        "if __name__ == '__main__':\n"
        "    p = mp.get_context('fork').Process(target=spin); p.start(); p.join()\n"
    )
    done = perf.measure([sys.executable, "-c", code])
    assert done.returncode == 0
    assert done.cpu_seconds >= 0.5


def test_the_library_loop_runs_with_the_configuration_it_is_given(
    tmp_path: Path, pages: list[perf.Page], capsys: pytest.CaptureFixture[str]
) -> None:
    from bench import perf_loop

    load = perf.build_workload("html", 4, work=tmp_path, pages=pages)
    fast = tmp_path / "fast.yaml"
    fast.write_text(
        (perf.PIPELINE_CONFIG.read_text(encoding="utf-8"))
        .replace("  fast: false", "  fast: true")
        .replace(
            "rules_file: boilerplate.yaml", f"rules_file: {perf.ROOT / 'config'}/boilerplate.yaml"
        ),
        encoding="utf-8",
    )
    for config in (perf.PIPELINE_CONFIG, fast):
        out = tmp_path / "loop.jsonl"
        perf_loop.main(["--input", str(load.raw), "--output", str(out), "--config", str(config)])
        report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert report["documents"] == 4
        assert perf_loop._cfg().segment_html.fast is (config == fast)
        assert len(out.read_text(encoding="utf-8").splitlines()) == 4
