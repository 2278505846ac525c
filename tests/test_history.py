"""The persistent dedup index (pipeline.history): nights, recording, rollback, atomicity, and
whole Luigi runs split into nights, shards and workers."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import luigi
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_dedup import BEES, FLOOD, FLOOD_EDITED, LIBRARY, POOL, candidate

from conftest import ROOT, read_jsonl
from pipeline import cli, dedup, history
from pipeline.dedup import Decision, Entry
from pipeline.steps import signature
from pipeline.steps.signature import normalise_for_hash
from pipeline.tasks import CleanCorpus

SETTINGS = history.Settings(0.8, 16, signature.Config())
N1, N2, N3 = "2026-03-01", "2026-03-02", "2026-03-03"


def entries(*items: tuple[str, str]) -> list[Entry]:
    out = []
    for path, text in items:
        c = candidate(path, text)
        normalised = normalise_for_hash(c.text)
        out.append(dedup.entry(c.id, c.source_path, c.exact, c.minhash, normalised, 16))
    return out


def night(tmp: Path, date: str, items: list[Entry], record: bool = True) -> dict[str, Decision]:
    index, kept = tmp / ".state" / "dedup.sqlite", tmp / f"kept-{date}.sqlite"
    decisions = history.deduplicate_night(items, date, index, kept, SETTINGS)
    if record:
        history.record_night(index, date, kept, SETTINGS, "config")
    return decisions


def rows(index: Path) -> dict[str, list[tuple[object, ...]]]:
    con = sqlite3.connect(index)
    try:
        return {
            "nights": con.execute(
                "SELECT night, documents, digest FROM nights ORDER BY 1"
            ).fetchall(),
            "docs": con.execute(
                "SELECT night, source_path, id, exact, text FROM docs ORDER BY 1, 2, 3"
            ).fetchall(),
            "bands": con.execute(
                "SELECT b.key, d.id FROM bands b JOIN docs d ON d.doc = b.doc ORDER BY 1, 2"
            ).fetchall(),
        }
    finally:
        con.close()


# --- one night in SQLite is the same procedure as in memory --------------------------------


@settings(max_examples=25, deadline=None)
@given(picked=st.lists(st.sampled_from(range(len(POOL))), unique=True), rnd=st.randoms())
def test_a_night_in_sqlite_decides_like_the_pure_function(tmp_path_factory, picked, rnd):
    items = [POOL[i] for i in picked]
    rnd.shuffle(items)
    tmp = tmp_path_factory.mktemp("night")
    as_entries = [
        dedup.entry(c.id, c.source_path, c.exact, c.minhash, normalise_for_hash(c.text), 16)
        for c in items
    ]
    got = night(tmp, N1, as_entries, record=False)
    expected = dedup.deduplicate(items, threshold=0.8, bands=16, shingle_words=5)
    assert {k: (d.duplicate_of, d.kind, d.similarity, d.cluster) for k, d in got.items()} == {
        k: (d.duplicate_of, d.kind, d.similarity, d.cluster) for k, d in expected.items()
    }
    assert all(d.keeper_night == N1 for d in got.values())


def test_the_index_lives_in_the_clean_folder():
    assert history.index_path("clean") == Path("clean/.state/dedup.sqlite")


def test_a_duplicate_id_is_refused(tmp_path):
    (item,) = entries(("a.txt", FLOOD))
    with pytest.raises(ValueError, match="duplicate candidate id"):
        night(tmp_path, N1, [item, item], record=False)


# --- nights ----------------------------------------------------------------------------------


def test_a_later_night_is_deduplicated_against_an_earlier_one(tmp_path):
    first = entries(("z/flood.txt", FLOOD), ("z/library.txt", LIBRARY))
    assert night(tmp_path, N1, first) == {}
    copy, edited, bees = entries(
        ("a/flood-copy.txt", FLOOD.lower()),
        ("a/flood-edit.txt", FLOOD_EDITED),
        ("a/bees.txt", BEES),
    )
    result = night(tmp_path, N2, [copy, edited, bees])
    assert result[copy.id] == Decision(first[0].id, "exact", 1.0, first[0].id, N1)
    assert result[edited.id].duplicate_of == first[0].id and result[edited.id].kind == "near"
    assert bees.id not in result
    assert history.nights(tmp_path / ".state" / "dedup.sqlite") == [(N1, 2), (N2, 1)]


def test_the_same_document_on_a_later_night_is_a_duplicate_of_itself(tmp_path):
    items = entries(("a/flood.txt", FLOOD))
    night(tmp_path, N1, items)
    assert night(tmp_path, N2, items) == {
        items[0].id: Decision(items[0].id, "exact", 1.0, items[0].id, N1)
    }


def test_running_a_recorded_night_again_changes_nothing(tmp_path):
    index = tmp_path / ".state" / "dedup.sqlite"
    items = entries(("a.txt", FLOOD), ("b.txt", FLOOD_EDITED), ("c.txt", LIBRARY), ("d.txt", BEES))
    first = night(tmp_path, N1, items)
    before = rows(index)
    # its own entries are not earlier than itself: no document is its own duplicate
    assert night(tmp_path, N1, items) == first
    assert rows(index) == before  # recording replaces the night's entries


def test_a_night_never_sees_later_nights(tmp_path):
    index = tmp_path / ".state" / "dedup.sqlite"
    night(tmp_path, N2, entries(("z/flood.txt", FLOOD)))
    later = rows(index)
    # an older date run afterwards keeps its own copy: earlier nights rank first ...
    assert night(tmp_path, N1, entries(("a/flood.txt", FLOOD))) == {}
    # ... and the later night's entries are left alone
    after = rows(index)
    assert [r for r in after["docs"] if r[0] == N2] == later["docs"]
    # a third night matches the earliest keeper
    (probe,) = entries(("m/flood.txt", FLOOD.upper()))
    assert night(tmp_path, N3, [probe])[probe.id].keeper_night == N1


def test_forget_night_removes_exactly_that_night(tmp_path):
    index = tmp_path / ".state" / "dedup.sqlite"
    night(tmp_path, N1, entries(("a.txt", FLOOD), ("b.txt", LIBRARY)))
    before = rows(index)
    night(tmp_path, N2, entries(("c.txt", BEES)))
    assert history.forget_night(index, N2) == 1
    assert rows(index) == before
    assert history.forget_night(index, N2) == 0
    assert not history.has_night(index, N2) and history.has_night(index, N1)
    # the forgotten night's documents are new again
    (bees,) = entries(("z.txt", BEES))
    assert night(tmp_path, N3, [bees], record=False) == {}


def test_the_fingerprint_follows_the_earlier_nights_only(tmp_path):
    index = tmp_path / ".state" / "dedup.sqlite"
    empty = history.earlier_fingerprint(index, N2)
    night(tmp_path, N1, entries(("a.txt", FLOOD)))
    with_n1 = history.earlier_fingerprint(index, N2)
    assert with_n1 != empty
    night(tmp_path, N3, entries(("b.txt", BEES)))  # a later night does not count
    assert history.earlier_fingerprint(index, N2) == with_n1
    night(tmp_path, N1, entries(("a.txt", FLOOD)))  # the same content recorded again
    assert history.earlier_fingerprint(index, N2) == with_n1
    history.forget_night(index, N1)
    assert history.earlier_fingerprint(index, N2) == empty


def test_an_index_built_with_other_parameters_is_refused(tmp_path):
    index = tmp_path / ".state" / "dedup.sqlite"
    night(tmp_path, N1, entries(("a.txt", FLOOD)))
    other = history.Settings(0.8, 32, signature.Config())
    with pytest.raises(history.IndexMismatch, match="bands"):
        history.deduplicate_night(entries(("b.txt", BEES)), N2, index, tmp_path / "k", other)
    with pytest.raises(history.IndexMismatch, match="seed"):
        history.open_index(index, history.Settings(0.8, 16, signature.Config(seed=2)))
    # the threshold only decides: it may change
    history.open_index(index, history.Settings(0.9, 16, signature.Config())).close()


# --- atomicity -------------------------------------------------------------------------------


def test_a_failure_while_recording_leaves_the_index_as_it_was(tmp_path, monkeypatch):
    index = tmp_path / ".state" / "dedup.sqlite"
    night(tmp_path, N1, entries(("a.txt", FLOOD)))
    before = rows(index)
    history.deduplicate_night(entries(("b.txt", BEES)), N2, index, tmp_path / "k2", SETTINGS)

    def fail() -> str:
        raise OSError("disk full")

    monkeypatch.setattr(history, "_now", fail)  # called inside the transaction, after inserts
    with pytest.raises(OSError):
        history.record_night(index, N2, tmp_path / "k2", SETTINGS, "config")
    assert rows(index) == before


_KILLED = """
import os, sys
from pathlib import Path
from pipeline import history
from test_history import SETTINGS
history._now = lambda: os._exit(9)  # the process dies inside the open transaction
history.record_night(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), SETTINGS, "config")
"""


def test_a_kill_while_recording_leaves_the_index_as_it_was(tmp_path):
    index = tmp_path / ".state" / "dedup.sqlite"
    night(tmp_path, N1, entries(("a.txt", FLOOD), ("b.txt", LIBRARY)))
    before = rows(index)
    history.deduplicate_night(entries(("c.txt", BEES)), N2, index, tmp_path / "k2", SETTINGS)
    proc = subprocess.run(
        [sys.executable, "-c", _KILLED, str(index), N2, str(tmp_path / "k2")],
        cwd=ROOT,
        env={"PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}"},
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 9, proc.stderr
    con = sqlite3.connect(index)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    assert rows(index) == before
    assert not history.has_night(index, N2)
    history.record_night(index, N2, tmp_path / "k2", SETTINGS, "config")  # the next run
    assert history.nights(index) == [(N1, 2), (N2, 1)]


# --- whole runs with Luigi ---------------------------------------------------------------------

BODIES = json.loads((ROOT / "bench/data/scrapinghub/ground-truth.json").read_text())
ARTICLES = [
    BODIES[next(k for k in sorted(BODIES) if k.startswith(prefix))]["articleBody"]
    for prefix in ("076f4f33", "156770d6", "232a43fb", "360c732d", "1ace8c85", "432362af")
]
CHROME = "Home | World | Business | Sport\nSubscribe to our newsletter\n"


def edit(text: str) -> str:
    """Two words changed in the middle of the text: a near duplicate (J about 0.95)."""
    words = text.split(" ")
    mid = len(words) // 2
    words[mid], words[mid + 40] = "unexpectedly", "reportedly"
    return " ".join(words)


A, B, C, D, E, F = ARTICLES
# Sorted by name; nights split them half and half. Copies sit on both sides of the cut, and C's
# first copy (an edited one) comes before its original.
CORPUS = {
    "00_a.txt": A,
    "01_b.txt": B,
    "02_c_edited.txt": edit(C),
    "03_a_copy.txt": A,
    "04_d.txt": D,
    "05_b_syndicated.txt": CHROME + B + "\n\nShare this article\n© 2026 Other Site",
    "06_e.txt": E,
    "07_a_upper.txt": A.upper(),
    "08_d_edited.txt": edit(D),
    "09_c.txt": C,
    "10_f.txt": F,
    "11_e_copy.txt": E,
    "12_f_edited.txt": edit(F),
    "13_b_copy.txt": B,
}


def write_raw(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True)
    for name in names:
        (folder / name).write_text(CORPUS[name], encoding="utf-8")
    return folder


def write_config(folder: Path, shards: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "config" / "boilerplate.yaml", folder / "boilerplate.yaml")
    path = folder / "pipeline.yaml"
    path.write_text(f"discover:\n  shards: {shards}\n", encoding="utf-8")
    return path


def run(raw: Path, clean: Path, date: str, config: Path, workers: int = 1) -> None:
    day = dt.date.fromisoformat(date)
    task = CleanCorpus(raw_dir=str(raw), clean_dir=str(clean), config=str(config), date=day)
    assert luigi.build([task], local_scheduler=True, workers=workers, log_level="WARNING")


def outcome(clean: Path, *dates: str) -> tuple[list[str], dict[str, tuple[str, str, float]]]:
    """Kept source paths, and for every duplicate: (kept source path, kind, similarity)."""
    kept, path_of, dups = [], {}, {}
    for date in dates:
        for rec in read_jsonl(clean / date / "documents.jsonl"):  # schema-checked
            kept.append(rec["provenance"]["source_path"])
            path_of[rec["id"]] = rec["provenance"]["source_path"]
    for date in dates:
        for rec in read_jsonl(clean / date / "duplicates.jsonl"):
            dups[rec["provenance"]["source_path"]] = (
                path_of[rec["duplicate_of"]],
                rec["duplicate_kind"],
                rec["similarity"],
            )
    return sorted(kept), dups


def config_hash(clean: Path) -> str:
    manifest = json.loads((clean / N1 / "manifest.json").read_text())
    sha: str = manifest["config_sha256"]
    return sha


def digest_of(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def one_night(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("one")
    raw = write_raw(tmp / "raw", sorted(CORPUS))
    run(raw, tmp / "clean", N1, write_config(tmp / "config", shards=4))
    return tmp / "clean"


def test_the_corpus_has_every_kind_of_copy(one_night):
    kept, dups = outcome(one_night, N1)
    assert kept == ["00_a.txt", "01_b.txt", "02_c_edited.txt", "04_d.txt", "06_e.txt", "10_f.txt"]
    assert dups["03_a_copy.txt"] == ("00_a.txt", "exact", 1.0)
    assert dups["07_a_upper.txt"] == ("00_a.txt", "exact", 1.0)
    assert dups["09_c.txt"][:2] == ("02_c_edited.txt", "near")
    assert dups["05_b_syndicated.txt"][0] == "01_b.txt"
    assert all(0.8 <= similarity <= 1 for _path, _kind, similarity in dups.values())


def test_shard_and_worker_counts_do_not_change_the_result(one_night, tmp_path):
    raw = write_raw(tmp_path / "raw", sorted(CORPUS))
    run(raw, tmp_path / "clean", N1, write_config(tmp_path / "config", shards=1), workers=2)
    for name in ("documents.jsonl", "duplicates.jsonl"):
        # identical but for the configuration hash (the shard count is part of the config)
        ours = (tmp_path / "clean" / N1 / name).read_text()
        theirs = (one_night / N1 / name).read_text()
        assert ours.replace(config_hash(tmp_path / "clean"), "") == theirs.replace(
            config_hash(one_night), ""
        )


def test_two_nights_half_then_half_keep_what_one_night_keeps(one_night, tmp_path):
    names = sorted(CORPUS)
    config = write_config(tmp_path / "config", shards=3)
    clean = tmp_path / "clean"
    run(write_raw(tmp_path / "raw1", names[:7]), clean, N1, config)
    first = digest_of(clean / N1)
    index_before = rows(history.index_path(clean))
    run(write_raw(tmp_path / "raw2", names[7:]), clean, N2, config, workers=2)
    assert outcome(clean, N1, N2) == outcome(one_night, N1)
    # the earlier partition and its index entries are not changed by the later night
    assert digest_of(clean / N1) == first
    after = rows(history.index_path(clean))
    assert [r for r in after["docs"] if r[0] == N1] == index_before["docs"]
    manifest = json.loads((clean / N2 / "manifest.json").read_text())
    assert manifest["dedup_index"]["earlier_nights"] == 1
    assert manifest["duplicates_by_keeper_night"] == {N1: 5, N2: 1}
    # the union of the two nights' kept documents is what the index holds
    kept_ids = {
        json.loads(line)["id"]
        for date in (N1, N2)
        for line in (clean / date / "documents.jsonl").read_text().splitlines()
    }
    assert {r[2] for r in after["docs"]} == kept_ids


def test_rolling_back_an_older_night_never_changes_a_later_one(tmp_path, capsys):
    names = sorted(CORPUS)
    config = write_config(tmp_path / "config", shards=2)
    clean = tmp_path / "clean"
    run(write_raw(tmp_path / "raw1", names[:7]), clean, N1, config)
    run(write_raw(tmp_path / "raw2", names[7:]), clean, N2, config)
    later = digest_of(clean / N2)
    later_rows = [r for r in rows(history.index_path(clean))["docs"] if r[0] == N2]

    assert cli.main(["forget-night", N1, "--clean-dir", str(clean)]) == 0
    printed = capsys.readouterr().out
    assert "5 kept documents removed" in printed and N2 in printed
    assert not (clean / N1).exists() and (clean / ".rolled-back" / N1 / "_SUCCESS").exists()
    assert not list((clean / ".work").glob(f"*/{N1}"))
    assert history.nights(history.index_path(clean)) == [(N2, 1)]
    assert (clean / "latest").resolve() == (clean / N2).resolve()

    # the bad night is redone with other input; the later night stays as it was
    run(write_raw(tmp_path / "raw1-fixed", names[:3]), clean, N1, config)
    assert digest_of(clean / N2) == later
    assert [r for r in rows(history.index_path(clean))["docs"] if r[0] == N2] == later_rows
    assert history.has_night(history.index_path(clean), N1)


def test_a_complete_partition_missing_from_the_index_is_recorded_not_rewritten(one_night, tmp_path):
    clean = tmp_path / "clean"
    shutil.copytree(one_night / N1, clean / N1)  # e.g. written before the index existed
    before = digest_of(clean / N1)
    config = write_config(tmp_path / "config", shards=4)
    run(tmp_path / "no-raw-needed", clean, N1, config)
    assert digest_of(clean / N1) == before
    assert rows(history.index_path(clean)) == rows(history.index_path(one_night))
    # complete now: a further run does nothing
    success = (clean / N1 / "_SUCCESS").stat().st_mtime_ns
    run(tmp_path / "no-raw-needed", clean, N1, config)
    assert (clean / N1 / "_SUCCESS").stat().st_mtime_ns == success
