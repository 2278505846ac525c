"""Shared fixtures: the shipped configuration, a fixed run date, and the helpers that run the
pipeline and read its outputs. Every record read from a partition file is checked against the
shipped JSON Schema (pipeline/schema/), so each end-to-end test also tests the schema."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from pipeline import schema
from pipeline.config import PipelineConfig, load_config
from pipeline.steps import Context

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
RUN_DATE = dt.date(2026, 11, 21)


@pytest.fixture(scope="session")
def cfg() -> PipelineConfig:
    return load_config(ROOT / "config" / "pipeline.yaml")


@pytest.fixture(scope="session")
def ctx() -> Context:
    return Context(run_date=RUN_DATE)


def clean_corpus(raw_dir: Path, clean_dir: Path, config: Path | None = None) -> Path:
    """Run CleanCorpus with the real local Luigi scheduler (the shipped config unless `config`
    is given); returns the partition folder."""
    import luigi

    from pipeline.tasks import CleanCorpus

    task = CleanCorpus(
        raw_dir=str(raw_dir),
        clean_dir=str(clean_dir),
        config=str(config or ROOT / "config" / "pipeline.yaml"),
        date=RUN_DATE,
    )
    assert luigi.build([task], local_scheduler=True, log_level="WARNING")
    partition = clean_dir / RUN_DATE.isoformat()
    for name in schema.FILE_KINDS:
        read_jsonl(partition / name)  # validates every record
    return partition


def read_jsonl(path: Path) -> list[dict]:
    """The records of a JSONL file; those of a partition's documents, duplicates and rejected
    files are validated against their JSON Schema on the way."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    kind = schema.FILE_KINDS.get(path.name)
    if kind and (path.parent / "manifest.json").exists():
        for record in records:
            schema.validate(record, kind)
    return records
