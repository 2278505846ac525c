"""Dates step: `published` from HTML metadata or labelled header lines, ambiguity recorded."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.record import Document
from pipeline.steps import Context, StepOutput

NAME = "dates"
VERSION = "1"


@dataclass(frozen=True)
class Config:
    # also read a date stated in the body's first paragraph (trusted least; off by default)
    use_body_first_paragraph: bool = False


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    raise NotImplementedError  # being written
