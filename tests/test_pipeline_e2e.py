"""End to end: the Luigi command of the README on raw/, as a user runs it.

Checks the SPEC invariants (accounting, determinism, _SUCCESS last, latest), the seeds'
expected outcomes, and the golden documents.jsonl reviewed by hand (tests/golden/).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, read_jsonl

LUIGI = str(Path(sys.executable).parent / "luigi")
DATE = "2026-11-21"
GOLDEN = ROOT / "tests" / "golden"


def run_luigi(clean: Path, *extra: str, raw: str = "raw", config: str | None = None):
    cmd = [LUIGI, "--module", "pipeline.tasks", "CleanCorpus", "--local-scheduler"]
    cmd += ["--raw-dir", raw, "--clean-dir", str(clean), "--date", DATE, *extra]
    if config:
        cmd += ["--config", config]
    env = {k: v for k, v in os.environ.items() if k != "LUIGI_CONFIG_PATH"}
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def partition(tmp_path_factory) -> Path:
    clean = tmp_path_factory.mktemp("clean")
    result = run_luigi(clean)
    assert result.returncode == 0, result.stderr[-3000:]
    return clean / DATE


@pytest.fixture(scope="module")
def docs(partition) -> dict[str, dict]:
    return {d["provenance"]["source_path"]: d for d in read_jsonl(partition / "documents.jsonl")}


def test_every_input_is_accounted_for(partition):
    manifest = json.loads((partition / "manifest.json").read_text())
    documents = read_jsonl(partition / "documents.jsonl")
    duplicates = read_jsonl(partition / "duplicates.jsonl")
    rejected = read_jsonl(partition / "rejected.jsonl")
    inputs = sorted(p.relative_to(ROOT / "raw").as_posix() for p in (ROOT / "raw").rglob("*"))
    inputs = [p for p in inputs if p != "README.md"]
    seen = [d["provenance"]["source_path"] for d in documents + duplicates]
    seen += [r["source_path"] for r in rejected]
    assert sorted(seen) == inputs
    assert manifest["inputs"] == len(documents) + len(duplicates) + len(rejected) == len(inputs)
    assert manifest["ignored"] == ["README.md"]
    assert [d["id"] for d in documents] == sorted(d["id"] for d in documents)


def test_rejections_have_a_reason_and_a_sentence(partition):
    rejected = {r["source_path"]: r for r in read_jsonl(partition / "rejected.jsonl")}
    assert rejected["109_empty.txt"]["reason"] == "empty"
    assert rejected["110_binary.txt"]["reason"] == "binary"
    for record in rejected.values():
        assert record["error"].startswith(record["source_path"] + ": ")
        assert record["stage"] and record["reason"]


def test_duplicates_are_found_and_the_first_is_kept(partition, docs):
    dups = {d["provenance"]["source_path"]: d for d in read_jsonl(partition / "duplicates.jsonl")}
    copy = dups["104_seed003_exact_copy.txt"]
    assert copy["duplicate_kind"] == "exact"
    assert copy["duplicate_of"] == docs["003_3543076f826fd97a.txt"]["id"]
    near = dups["105_seed002_near_duplicate.txt"]
    assert near["duplicate_kind"] == "near"
    assert 0.8 <= near["similarity"] < 1
    # the same article in another encoding or wrapper is the same text after cleaning
    assert dups["101_seed002_cp1252.txt"]["duplicate_of"] == docs["002_bf9c0ceb983e1a5f.txt"]["id"]
    assert dups["103_seed000_mojibake.txt"]["duplicate_kind"] == "exact"


def test_seed_expectations(docs):
    for name in [n for n in docs if n.startswith("00")]:
        doc = docs[name]
        assert doc["language"] == "en", name
        assert max(doc["scripts"], key=doc["scripts"].get) == "Latn"
        assert "’" in doc["text"] or "“" in doc["text"]  # typographic quotes kept
    s1 = docs["001_ea4337dc22b15d88.txt"]
    assert s1["published"] is None
    assert s1["text"].count("Venezuelan Army Exiles Reportedly Abandoned Plan") == 0
    assert s1["title"].startswith("Venezuelan Army Exiles")
    spans = s1["provenance"]["foreign_script_spans"]
    assert any(s["script"] == "Arab" and s["action"] == "removed-with-line" for s in spans)
    s2 = docs["002_bf9c0ceb983e1a5f.txt"]
    assert s2["published"] == "2026-01-03"
    date = s2["provenance"]["date"]
    assert date["ambiguous"] is True
    s4 = docs["004_63b06e8f733e3164.txt"]
    assert s4["published"] == "2026-01-05"
    assert not s4["text"].startswith("date")


def test_html_page_keeps_the_article_and_its_metadata(partition):
    records = read_jsonl(partition / "documents.jsonl") + read_jsonl(partition / "duplicates.jsonl")
    page = next(r for r in records if r["provenance"]["source_path"] == "100_news_page.html")
    assert page["provenance"]["input_format"] == "html"
    assert page["published"] == "2026-01-05"
    assert page["title"]
    assert "cookie" not in page["text"].lower()
    assert any(r["label"] == "boilerplate" for r in page["provenance"]["removed"])


def test_text_is_clean_unicode(docs):
    import unicodedata

    for doc in docs.values():
        text = doc["text"]
        assert unicodedata.normalize("NFC", text) == text
        assert all(ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cf") for ch in text)


def test_partition_is_complete_and_latest_points_at_it(partition):
    assert (partition / "_SUCCESS").exists()
    success = (partition / "_SUCCESS").stat().st_mtime_ns
    for name in ("documents.jsonl", "duplicates.jsonl", "rejected.jsonl", "manifest.json"):
        assert (partition / name).stat().st_mtime_ns <= success
    latest = partition.parent / "latest"
    assert latest.is_symlink() and latest.resolve() == partition.resolve()
    assert not list(partition.parent.glob(".*.partial"))


def test_a_second_run_gives_byte_identical_output(partition, tmp_path):
    result = run_luigi(tmp_path, "--workers", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    for name in ("documents.jsonl", "duplicates.jsonl", "rejected.jsonl"):
        assert (tmp_path / DATE / name).read_bytes() == (partition / name).read_bytes(), name


def test_rerunning_a_complete_partition_does_no_work(partition):
    before = (partition / "_SUCCESS").stat().st_mtime_ns
    result = run_luigi(partition.parent)
    assert result.returncode == 0
    assert (partition / "_SUCCESS").stat().st_mtime_ns == before


GOLDEN_KEYS = ("id", "title", "published", "language", "text")


def golden_view(record: dict) -> dict:
    return {"source_path": record["provenance"]["source_path"]} | {
        k: record[k] for k in GOLDEN_KEYS
    }


def test_golden_documents(partition):
    """The reviewed expected output (tests/golden/documents.jsonl: the fields users read).

    After a deliberate change, regenerate it with `python tests/golden/update.py <partition>`
    and review the diff before committing.
    """
    expected = read_jsonl(GOLDEN / "documents.jsonl")
    actual = [golden_view(d) for d in read_jsonl(partition / "documents.jsonl")]
    assert actual == expected


def test_a_missing_raw_dir_fails_with_a_non_zero_exit(tmp_path):
    result = run_luigi(tmp_path, raw="no-such-folder")
    assert result.returncode != 0
    assert "no-such-folder" in result.stderr
    assert not (tmp_path / DATE / "_SUCCESS").exists()


def test_a_bad_config_stops_the_run_before_any_work(tmp_path):
    bad = tmp_path / "pipeline.yaml"
    bad.write_text("dedup:\n  threshold: 7\n")
    result = run_luigi(tmp_path / "clean", config=str(bad))
    assert result.returncode != 0
    assert "dedup.threshold" in result.stderr
    assert not (tmp_path / "clean").exists()
