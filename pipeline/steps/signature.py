"""Signature step: exact hash of the normalised text and a MinHash signature of its word shingles.

Input: doc.text (the final body). Output: doc.meta["signature"] = {"exact": hex, "minhash": [int]}
(handed to dedup, not written to documents.jsonl) and provenance {"signature": {"exact": hex,
"shingles": n}}.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.record import Document
from pipeline.steps import Context, StepOutput

NAME = "signature"
VERSION = "1"


@dataclass(frozen=True)
class Config:
    # words per shingle
    shingle_words: int = field(default=5, metadata={"min": 1, "max": 20})
    # MinHash permutations (dedup.bands must divide it)
    num_perm: int = field(default=128, metadata={"min": 8, "max": 1024})
    # seed of the MinHash permutations (changing it changes every signature)
    seed: int = field(default=1, metadata={"min": 0})


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    raise NotImplementedError  # being written
