"""Shared fixtures: the shipped configuration and a fixed run date."""

from __future__ import annotations

import datetime as dt
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
