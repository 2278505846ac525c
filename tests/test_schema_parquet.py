"""The optional Parquet output (output.parquet): the same records as the JSONL files, written
inside the partition before _SUCCESS, off by default."""

from __future__ import annotations

import shutil

import pyarrow.parquet as pq
import pytest

from conftest import RAW, ROOT, clean_corpus, read_jsonl
from pipeline import parquet_out
from pipeline.config import ConfigError, parse_config

FILES = ("documents", "duplicates", "rejected")


@pytest.fixture(scope="module")
def partition(tmp_path_factory):
    config_dir = tmp_path_factory.mktemp("config")
    shutil.copy(ROOT / "config" / "boilerplate.yaml", config_dir)
    (config_dir / "pipeline.yaml").write_text("output:\n  parquet: true\n")
    return clean_corpus(RAW, tmp_path_factory.mktemp("clean"), config_dir / "pipeline.yaml")


def test_each_parquet_file_holds_the_jsonl_records(partition):
    for name in FILES:
        expected = read_jsonl(partition / f"{name}.jsonl")
        assert expected, name
        assert parquet_out.read_records(partition / f"{name}.parquet") == expected, name


def test_the_columns_are_typed_for_other_tools(partition):
    table = pq.read_table(partition / "duplicates.parquet")
    assert table.schema == parquet_out.schemas()["duplicates"]
    similarity = table.column("similarity").to_pylist()
    assert all(0.8 <= s <= 1.0 for s in similarity)
    scripts = pq.read_table(partition / "documents.parquet").column("scripts").to_pylist()
    assert all(dict(row).get("Latn", 0) > 0 or dict(row).get("Cyrl", 0) > 0 for row in scripts)


def test_parquet_files_are_written_before_success(partition):
    success = (partition / "_SUCCESS").stat().st_mtime_ns
    for name in FILES:
        assert (partition / f"{name}.parquet").stat().st_mtime_ns <= success


def test_parquet_is_off_by_default(tmp_path):
    part = clean_corpus(RAW, tmp_path / "clean")
    assert (part / "documents.jsonl").exists()
    assert not list(part.glob("*.parquet"))


def test_parquet_without_pyarrow_stops_at_validation(monkeypatch):
    monkeypatch.setattr(parquet_out, "available", lambda: False)
    with pytest.raises(ConfigError, match=r"output\.parquet.*pyarrow"):
        parse_config({"output": {"parquet": True}}, "pipeline.yaml")
