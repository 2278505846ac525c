"""How a night's work is split for parallel workers, and what the last (serial) task is spared.

Discover splits tonight's inputs into shards of equal bytes of each kind, so the shards of a
phase end together; DedupEntries, while it reads a shard's documents anyway, keeps the few
hundred bytes of each that the run report counts, so the partition writer counts report.html
without reading every written document back. Both change how the work is done, never what is
written: the partition is the same as before, and the report is the page
`clean-pipeline report` writes again from the partition's files.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from conftest import RAW, ROOT, RUN_DATE, clean_corpus
from pipeline import report
from pipeline.io import balanced_shards, shard_of
from pipeline.partition import write_partition


def test_shards_hold_equal_bytes_of_each_kind() -> None:
    sizes = [9000, 7000, 5000, 4000, 3000, 3000, 2000, 1000, 700, 300]
    inputs = [(f"t{i}.txt", size, "text") for i, size in enumerate(sizes)]
    inputs += [(f"h{i}.html", size * 10, "html") for i, size in enumerate(sizes[:4])]
    shards = balanced_shards(inputs, 2)
    assert set(shards) == {path for path, _, _ in inputs}
    load = {"text": [0, 0], "html": [0, 0]}
    for path, size, kind in inputs:
        load[kind][shards[path]] += size
    assert sorted(load["text"]) == [17300, 17700]
    assert sorted(load["html"]) == [120000, 130000]  # 90,000 + 40,000 and 70,000 + 50,000
    # by the hash of their names (shard_of) the same inputs split 19,700 to 15,300 bytes
    by_hash = [sum(s for p, s, k in inputs if k == "text" and shard_of(p, 2) == i) for i in (0, 1)]
    assert by_hash == [19700, 15300]


def test_the_split_depends_only_on_the_inputs() -> None:
    inputs = [(f"d{i % 7}/{i:04d}.txt", (i * 7919) % 5000, "text") for i in range(500)]
    once = balanced_shards(inputs, 8)
    assert balanced_shards(list(reversed(inputs)), 8) == once
    assert sorted(set(once.values())) == list(range(8))
    counts = [list(once.values()).count(i) for i in range(8)]
    assert max(counts) - min(counts) <= 3  # equal bytes of similar files: similar counts too


def test_more_shards_than_inputs_and_empty_files() -> None:
    empty = [(f"{name}.txt", 0, "text") for name in "abcdefghij"]
    shards = balanced_shards([*empty, ("z.txt", 5, "text")], 8)
    assert shards["z.txt"] == 0  # the largest first
    assert [shards[f"{name}.txt"] for name in "abcdefghij"] == [1, 2, 3, 4, 5, 6, 7, 1, 2, 3]
    assert balanced_shards([], 4) == {}


@pytest.fixture(scope="module")
def night(tmp_path_factory) -> tuple[Path, Path]:
    """A night over raw/ (plain text, HTML, duplicates, rejections) in two shards."""
    tmp = tmp_path_factory.mktemp("night")
    config = tmp / "pipeline.yaml"
    config.write_text("discover:\n  shards: 2\n", encoding="utf-8")
    shutil.copy(ROOT / "config" / "boilerplate.yaml", tmp / "boilerplate.yaml")
    partition = clean_corpus(RAW, tmp / "clean", config)
    (work,) = [p.parent for p in (tmp / "clean" / ".work").rglob("inventory.json")]
    return partition, work


def test_discover_chose_a_shard_for_every_new_input_and_the_shards_followed_it(night) -> None:
    _, work = night
    inventory = json.loads((work / "inventory.json").read_text())
    assert sorted(inventory["shards"]) == sorted(inventory["inputs"])
    for shard in (0, 1):
        shard_file = work / f"shard-{shard:04d}.jsonl"
        paths = {
            json.loads(line)["source_path"]
            for line in shard_file.read_text(encoding="utf-8").splitlines()[::2]
            if '"kind":"stats"' not in line
        }
        assert paths == {p for p, s in inventory["shards"].items() if s == shard}


def _write_again(partition: Path, work: Path, clean: Path, views: list[Path] | None) -> Path:
    """The partition written again from the night's shard files, decisions and views."""
    inventory = json.loads((work / "inventory.json").read_text())
    (decisions_file,) = work.glob("dedup-*.json")
    manifest = json.loads((partition / "manifest.json").read_text())
    written, _ = write_partition(
        clean_dir=clean,
        date=RUN_DATE,
        inventory=inventory,
        shard_files=sorted(work.glob("shard-*.jsonl")),
        decisions=json.loads(decisions_file.read_text()),
        header={k: manifest[k] for k in ("date", "pipeline_version", "config_sha256")},
        resolved_config={},
        views=views,
    )
    return written


def test_the_report_counted_from_the_views_is_the_report_of_the_files(night, tmp_path) -> None:
    partition, work = night
    views = sorted(work.glob("views-*.jsonl"))
    assert len(views) == 2
    written = _write_again(partition, work, tmp_path / "clean", views)
    for name in ("documents.jsonl", "duplicates.jsonl", "rejected.jsonl"):
        assert (written / name).read_bytes() == (partition / name).read_bytes()
    from_views = (written / "report.html").read_text(encoding="utf-8")
    assert from_views == report.build_report(written)  # what `clean-pipeline report` writes
    assert report.read_night(written).duplicates > 0 and report.read_night(written).rejected > 0


def test_the_views_are_what_the_report_counts(night, tmp_path) -> None:
    # a view saying "xx" where the document says its language: the page says "xx", so the
    # views, not the files, were counted
    partition, work = night
    views = sorted(work.glob("views-*.jsonl"))
    edited = []
    for path in views:
        lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        for view in lines:
            view["language"] = "xx"
        out = tmp_path / path.name
        out.write_text("".join(json.dumps(v) + "\n" for v in lines), encoding="utf-8")
        edited.append(out)
    written = _write_again(partition, work, tmp_path / "clean", edited)
    page = (written / "report.html").read_text(encoding="utf-8")
    assert ">xx<" in page and ">xx<" not in (partition / "report.html").read_text()


@pytest.mark.parametrize("damage", ["swapped", "one-missing", "truncated", "not-json"])
def test_views_that_do_not_match_their_shards_are_not_counted(night, tmp_path, damage) -> None:
    partition, work = night
    views = sorted(work.glob("views-*.jsonl"))
    copies = [tmp_path / p.name for p in views]
    for src, dst in zip(views, copies, strict=True):
        shutil.copy(src, dst)
    if damage == "swapped":
        copies.reverse()
    elif damage == "one-missing":
        copies[0].unlink()
    elif damage == "truncated":
        lines = copies[1].read_text(encoding="utf-8").splitlines(keepends=True)
        copies[1].write_text("".join(lines[:-1]), encoding="utf-8")
    else:
        copies[0].write_text("{not json\n" * 50, encoding="utf-8")
    written = _write_again(partition, work, tmp_path / "clean", copies)
    assert (written / "report.html").read_text(encoding="utf-8") == report.build_report(written)


def test_a_night_without_views_gets_its_report_from_the_files(night, tmp_path) -> None:
    partition, work = night
    written = _write_again(partition, work, tmp_path / "clean", None)
    assert (written / "report.html").read_text(encoding="utf-8") == report.build_report(written)
    assert dt.date.fromisoformat(written.name) == RUN_DATE
