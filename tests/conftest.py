"""Shared fixtures: the shipped configuration and a fixed run date."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

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


def clean_corpus(raw_dir: Path, clean_dir: Path) -> Path:
    """Run CleanCorpus with the real local Luigi scheduler; returns the partition folder."""
    import luigi

    from pipeline.tasks import CleanCorpus

    task = CleanCorpus(
        raw_dir=str(raw_dir),
        clean_dir=str(clean_dir),
        config=str(ROOT / "config" / "pipeline.yaml"),
        date=RUN_DATE,
    )
    assert luigi.build([task], local_scheduler=True, log_level="WARNING")
    return clean_dir / RUN_DATE.isoformat()


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
