"""Pure step functions. Each module has NAME, VERSION, a frozen `Config` and
`run(doc, cfg, ctx) -> (Document | Drop, provenance entry)`; no I/O, no clock, no globals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.record import Document, Drop

Provenance = dict[str, Any]
StepOutput = tuple[Document | Drop, Provenance]


@dataclass(frozen=True)
class Context:
    """What varies between runs and steps may depend on: passed in, never read from the clock."""

    run_date: dt.date
    # corpus statistics of the run: {source group: {line key: documents}} (pipeline.corpus)
    repeated_lines: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    # the numeric date order each site uses, learnt over the run: {dates.site_key: "dmy"|"mdy"}
    date_orders: Mapping[str, str] = field(default_factory=dict)
