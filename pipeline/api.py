"""Clean one document from Python, without Luigi: bytes and a name in, a record out.

    >>> from pipeline.api import clean_document
    >>> record = clean_document(b"Short note.", "notes/a.txt", run_date="2026-11-21")
    >>> record["text"], record["language"], record["provenance"]["source_path"]
    ('Short note.', None, 'notes/a.txt')
    >>> clean_document(b"", "notes/empty.txt")["reason"]
    'empty'

The record is exactly a line of the nightly run's `documents.jsonl` (a document) or
`rejected.jsonl` (a rejection: it has `reason`, `stage` and `error` instead of `text`): the same
steps run through the same runner (`pipeline.runner.process`). What only a whole run knows is
not computed here: duplicates (dedup compares documents with each other and with earlier
nights), lines that recur across many documents of a folder and the numeric date order a site
uses over the run. Pass them as `repeated_lines` and `date_orders` (the run's
`corpus-tables.json`) to reproduce a run's record exactly when they mattered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.config import ConfigError, PipelineConfig, config_sha256, load_config
from pipeline.record import Document, output_record
from pipeline.runner import process
from pipeline.steps import Context

# The project's configuration, used when none is given (a source checkout or editable install).
DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config" / "pipeline.yaml"

_LOADED: dict[str, tuple[PipelineConfig, str]] = {}


def _config(config: PipelineConfig | str | Path | None) -> tuple[PipelineConfig, str]:
    if isinstance(config, PipelineConfig):
        return config, config_sha256(config)
    path = Path(config) if config is not None else DEFAULT_CONFIG
    if config is None and not path.exists():
        raise ConfigError(
            f"{path}: the project's config file is not installed here; pass config= the path "
            "of a pipeline.yaml (with its boilerplate.yaml beside it)"
        )
    key = str(path.resolve())
    if key not in _LOADED:
        cfg = load_config(path)
        _LOADED[key] = (cfg, config_sha256(cfg))
    return _LOADED[key]


def _date(value: dt.date | str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def clean_document(
    data: bytes,
    name: str,
    config: PipelineConfig | str | Path | None = None,
    run_date: dt.date | str | None = None,
    *,
    mtime: float | None = None,
    repeated_lines: Mapping[str, Mapping[str, int]] | None = None,
    date_orders: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Clean one input and return its record: a document or a rejection.

    `data` are the raw bytes (any encoding, plain text or HTML, optionally gzipped); `name` is
    its path as records show it (relative, '/'-separated: it decides the id, the input format by
    its suffix, and the site for date orders). `config` is a PipelineConfig, the path of a
    pipeline.yaml, or None for the project's config/pipeline.yaml. `run_date` (default today)
    bounds the publication date as the nightly run's --date does; `mtime` (POSIX seconds) is
    the file's modification time, used only when dates.relative_dates is source_mtime.
    """
    cfg, digest = _config(config)
    doc = Document(
        source_path=name,
        source_sha256=hashlib.sha256(data).hexdigest(),
        source_bytes=len(data),
        raw=bytes(data),
        source_mtime=mtime,
    )
    ctx = Context(
        run_date=_date(run_date),
        repeated_lines=repeated_lines or {},
        date_orders=date_orders or {},
    )
    outcome = process(doc, cfg, ctx, digest)
    if outcome.rejection is not None:
        return outcome.rejection.to_json()
    assert outcome.doc is not None
    return output_record(outcome.doc)
