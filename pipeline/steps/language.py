"""Language step: langdetect, seeded, on a bounded sample of the body."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.record import Document
from pipeline.steps import Context, StepOutput

NAME = "language"
VERSION = "1"


@dataclass(frozen=True)
class Config:
    pass


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    raise NotImplementedError  # being written
