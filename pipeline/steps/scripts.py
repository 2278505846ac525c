"""Scripts step: script shares of the text and every foreign-script span, with what was done."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.record import Document
from pipeline.steps import Context, StepOutput

NAME = "scripts"
VERSION = "1"


@dataclass(frozen=True)
class Config:
    pass


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    raise NotImplementedError  # being written
