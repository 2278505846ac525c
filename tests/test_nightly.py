"""Incremental nights: a night processes only what no other night published, reuses the corpus
facts of earlier nights, fills missed nights in date order (Nightly), and takes turns with other
runs on the same clean folder."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import pickle
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import luigi
import pytest

from conftest import ROOT
from pipeline import history, nightly
from pipeline.tasks import CleanCorpus, CorpusFacts, Deduplicate, Nightly, StateChanged

N1, N2, N3 = "2026-03-01", "2026-03-02", "2026-03-03"
BODIES = json.loads((ROOT / "bench/data/scrapinghub/ground-truth.json").read_text())
ARTICLES = [BODIES[k]["articleBody"] for k in sorted(BODIES)[:8]]


def write(raw: Path, name: str, text: str) -> Path:
    path = raw / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    for i, text in enumerate(ARTICLES[:5]):
        write(folder, f"site/{i:02d}.txt", text)
    write(folder, "site/empty.txt", "")
    return folder


def run(raw: Path, clean: Path, date: str, workers: int = 1) -> bool:
    task = CleanCorpus(
        raw_dir=str(raw),
        clean_dir=str(clean),
        config=str(ROOT / "config" / "pipeline.yaml"),
        date=dt.date.fromisoformat(date),
    )
    return bool(luigi.build([task], local_scheduler=True, workers=workers, log_level="WARNING"))


def manifest(clean: Path, date: str) -> dict:
    return json.loads((clean / date / "manifest.json").read_text())


def lines(clean: Path, date: str, name: str) -> list[dict]:
    text = (clean / date / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_a_night_with_nothing_new_publishes_nothing_and_cleans_nothing(raw, tmp_path):
    clean = tmp_path / "clean"
    assert run(raw, clean, N1)
    first = manifest(clean, N1)
    assert (first["inputs"], first["unchanged"], first["discovered"]) == (6, 0, 6)
    assert first["documents"] == 5 and first["rejected"] == 1

    assert run(raw, clean, N2)
    second = manifest(clean, N2)
    assert (second["inputs"], second["unchanged"], second["discovered"]) == (0, 6, 6)
    assert second["documents"] == second["duplicates"] == second["rejected"] == 0
    assert second["stages"] == {}  # no step ran on any document
    # the corpus tables still see the whole folder, from the facts cached by the first night
    assert second["corpus_facts"] == {"documents": 6, "from_cache": 6}
    report = (clean / N2 / "report.html").read_text()
    assert "6 more files under the raw folder were published by earlier nights" in report
    assert (clean / "latest").resolve() == (clean / N2).resolve()


def test_only_new_files_are_cleaned_and_a_copy_of_an_old_one_is_its_duplicate(raw, tmp_path):
    clean = tmp_path / "clean"
    assert run(raw, clean, N1)
    write(raw, "site/05.txt", ARTICLES[5])
    write(raw, "mirror/00-copy.txt", ARTICLES[0])
    assert run(raw, clean, N2)
    m = manifest(clean, N2)
    assert (m["inputs"], m["unchanged"], m["documents"], m["duplicates"]) == (2, 6, 1, 1)
    assert m["stages"]["load"]["documents"] == 2  # the work is the new files'
    (dup,) = lines(clean, N2, "duplicates.jsonl")
    kept_n1 = {d["id"]: d for d in lines(clean, N1, "documents.jsonl")}
    assert dup["provenance"]["source_path"] == "mirror/00-copy.txt"
    assert dup["duplicate_of_night"] == N1
    assert kept_n1[dup["duplicate_of"]]["provenance"]["source_path"] == "site/00.txt"
    assert m["corpus_facts"] == {"documents": 8, "from_cache": 6}


def test_a_touched_file_is_not_new_but_an_edited_one_is(raw, tmp_path):
    clean = tmp_path / "clean"
    assert run(raw, clean, N1)
    touched = raw / "site" / "01.txt"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**10))
    edited = raw / "site" / "02.txt"
    edited.write_text(ARTICLES[2] + "\nA sentence added by a later edit of the page.\n")
    assert run(raw, clean, N2)
    m = manifest(clean, N2)
    assert (m["inputs"], m["unchanged"]) == (1, 5)
    (dup,) = lines(clean, N2, "duplicates.jsonl")  # the new version of a published article
    assert dup["provenance"]["source_path"] == "site/02.txt"
    assert dup["duplicate_kind"] == "near" and dup["duplicate_of_night"] == N1


def test_a_forgotten_night_is_done_again_from_its_files(raw, tmp_path):
    clean = tmp_path / "clean"
    assert run(raw, clean, N1)
    before = (clean / N1 / "documents.jsonl").read_bytes()
    history.roll_back_night(clean, N1)
    assert run(raw, clean, N1)
    assert (clean / N1 / "documents.jsonl").read_bytes() == before
    assert manifest(clean, N1)["unchanged"] == 0


def test_a_partition_recorded_from_its_files_still_counts_as_published(raw, tmp_path):
    clean = tmp_path / "clean"
    assert run(raw, clean, N1)
    (clean / ".state" / "dedup.sqlite").unlink()  # e.g. restored from a backup without it
    assert run(raw, clean, N1)  # records the complete partition from its own records
    assert run(raw, clean, N2)
    m = manifest(clean, N2)
    assert (m["inputs"], m["unchanged"]) == (0, 6)


@pytest.mark.parametrize("workers", [1, 2])
def test_nightly_fills_the_missed_nights_in_date_order(raw, tmp_path, workers):
    clean = tmp_path / "clean"
    now = int(dt.datetime(2026, 3, 3, 12, tzinfo=dt.timezone.utc).timestamp())
    task = Nightly(
        start=dt.date.fromisoformat(N1),
        now=now,
        of_params={"raw_dir": str(raw), "clean_dir": str(clean)},
    )
    assert luigi.build([task], local_scheduler=True, workers=workers, log_level="WARNING")
    # the first night took every file; the next ones ran after it and found nothing new
    assert [manifest(clean, n)["inputs"] for n in (N1, N2, N3)] == [6, 0, 0]
    assert [n for n, _ in history.nights(history.index_path(clean))] == [N1, N2, N3]
    # a new file waits for the next missing night; complete nights are not run again
    write(raw, "site/05.txt", ARTICLES[5])
    later = int(dt.datetime(2026, 3, 4, 12, tzinfo=dt.timezone.utc).timestamp())
    task = Nightly(
        start=dt.date.fromisoformat(N1),
        now=later,
        of_params={"raw_dir": str(raw), "clean_dir": str(clean)},
    )
    assert luigi.build([task], local_scheduler=True, workers=workers, log_level="WARNING")
    assert manifest(clean, "2026-03-04")["inputs"] == 1
    assert manifest(clean, N1)["inputs"] == 6


def test_the_state_lock_makes_a_second_holder_wait_or_give_up(tmp_path):
    lock = tmp_path / "state.lock"
    with (
        nightly.locked(lock, 0, "recording"),
        pytest.raises(nightly.Busy, match=r"another run is recording \(pid \d+"),
        nightly.locked(lock, 0.5, "recording"),
    ):
        pass
    order: list[str] = []

    def hold() -> None:
        with nightly.locked(lock, 0, "recording"):
            order.append("first")
            time.sleep(0.5)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.1)
    with nightly.locked(lock, 30, "recording"):
        order.append("second")
    holder.join()
    assert order == ["first", "second"]


def test_a_night_recorded_while_another_decided_is_refused_then_redone(raw, tmp_path):
    """Two runs on one clean folder: night N2 decides its duplicates; meanwhile N1 completes.
    N2's decisions ignore N1, so writing them is refused; the next run decides again."""
    clean, other = tmp_path / "clean", tmp_path / "other-raw"
    shutil.copytree(raw, other)
    write(other, "late/00-copy.txt", ARTICLES[0])
    params = {
        "raw_dir": str(other),
        "clean_dir": str(clean),
        "config": str(ROOT / "config" / "pipeline.yaml"),
    }
    n2 = dt.date.fromisoformat(N2)
    assert luigi.build([Deduplicate(date=n2, **params)], local_scheduler=True, log_level="ERROR")
    assert run(raw, clean, N1)  # the other run
    task = CleanCorpus(date=n2, **params)
    with pytest.raises(StateChanged, match="another night was recorded"):
        task.run()
    assert not (clean / N2).exists()
    assert luigi.build([task], local_scheduler=True, log_level="WARNING")
    m = manifest(clean, N2)
    assert (m["inputs"], m["unchanged"], m["duplicates"]) == (1, 6, 1)


def test_a_changed_configuration_reuses_nothing_it_affects(raw, tmp_path):
    clean = tmp_path / "clean"
    assert run(raw, clean, N1)
    changed = tmp_path / "config"
    changed.mkdir()
    shutil.copy(ROOT / "config" / "boilerplate.yaml", changed / "boilerplate.yaml")
    (changed / "pipeline.yaml").write_text("segment_text:\n  repeated_min_documents: 4\n")
    write(raw, "site/05.txt", ARTICLES[5])
    task = CleanCorpus(
        raw_dir=str(raw),
        clean_dir=str(clean),
        config=str(changed / "pipeline.yaml"),
        date=dt.date.fromisoformat(N2),
    )
    assert luigi.build([task], local_scheduler=True, log_level="WARNING")
    m = manifest(clean, N2)
    # the facts of the old files are made again under the new configuration ...
    assert m["corpus_facts"] == {"documents": 7, "from_cache": 0}
    assert m["config_sha256"] != manifest(clean, N1)["config_sha256"]
    # ... in a work folder of its own; what was published stays published
    assert len(list((clean / ".work").iterdir())) == 2
    assert (m["inputs"], m["unchanged"]) == (1, 6)


def test_the_facts_pass_hands_its_loaded_texts_to_the_shards_and_leaves_none_behind(raw, tmp_path):
    clean = tmp_path / "clean"
    write(raw, "site/page.html", "<html><body><p>" + ARTICLES[5] + "</p></body></html>")
    params = {"raw_dir": str(raw), "clean_dir": str(clean), "date": dt.date.fromisoformat(N1)}
    params["config"] = str(ROOT / "config" / "pipeline.yaml")
    shards = CorpusFacts(shard=0, **params).cfg.discover.shards
    facts = [CorpusFacts(shard=i, **params) for i in range(shards)]
    assert luigi.build(facts, local_scheduler=True, log_level="WARNING")
    handed = []
    for task in facts:
        with task.prepared().open("rb") as handle:
            while True:
                try:
                    handed.append(pickle.load(handle)[0])
                except EOFError:
                    break
    assert sorted(handed) == [f"site/{i:02d}.txt" for i in range(5)]  # not HTML, not the empty
    assert run(raw, clean, N1)
    assert not list(clean.glob(".work/**/prepared-*"))  # used by the shards, then removed
    assert manifest(clean, N1)["documents"] == 6


def test_a_path_new_to_the_index_is_not_read_when_listed_and_its_size_and_time_are_kept(
    raw, tmp_path
):
    clean = tmp_path / "clean"
    assert run(raw, clean, N1)
    (listed,) = clean.glob(f".work/*/{N1}/*/inventory.json")
    inventory = json.loads(listed.read_text())
    assert len(inventory["new"]) == 6
    assert all(id_ is None for _size, _mtime, id_ in inventory["new"].values())
    index = history.index_path(clean)
    with contextlib.closing(sqlite3.connect(index)) as con:
        rows = con.execute("SELECT source_path, size, mtime_ns FROM inputs").fetchall()
    assert len(rows) == 6  # five documents and the empty file's rejection
    assert all(size is not None and mtime_ns is not None for _path, size, mtime_ns in rows)
    # so the next night knows every file by its size and time, without reading it
    published = history.Published(index, N2)
    try:
        for path, size, mtime_ns in rows:
            assert published.knows(path) and published.by_stat(path, size, mtime_ns)
    finally:
        published.close()
