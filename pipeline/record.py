"""The document record that flows through the steps, and its JSON form."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

# Version of the output records' layout (pipeline/schema/*.schema.json); every record carries it.
# Bump the minor number for added optional fields, the major one for changes readers must adapt to.
SCHEMA_VERSION = "1.0"

# Labels a line of a document can carry. Only "body" lines form the text; every
# other label becomes an entry of provenance.removed.
BODY = "body"


@dataclass(frozen=True)
class Line:
    """One labelled piece of the document: a whole line, or a part of one that a rule split off."""

    text: str
    label: str
    rule: str
    line: int  # 0-based line number in the repaired text
    start: int = 0  # character offset of this piece inside that line

    def to_json(self) -> dict[str, Any]:
        # the fields in their order (text, label, rule, line, start): every way a Line is made
        # (its __init__, lines_of, unpickling) sets them in that order
        return self.__dict__.copy()


_new_object = object.__new__


def lines_of(
    texts: list[str], labels: list[str], rules: list[str], numbers: list[int], starts: list[int]
) -> list[Line]:
    """Line(text, label, rule, line, start) for each position of the five lists: the same
    objects as the dataclass makes, their fields set directly (a frozen dataclass sets each
    through object.__setattr__, the larger part of making many)."""
    out = []
    for text, label, rule, number, start in zip(texts, labels, rules, numbers, starts, strict=True):
        piece = _new_object(Line)
        fields = piece.__dict__
        fields["text"] = text
        fields["label"] = label
        fields["rule"] = rule
        fields["line"] = number
        fields["start"] = start
        out.append(piece)
    return out


@dataclass(frozen=True)
class Document:
    """A document between steps. Steps return new records (dataclasses.replace); never mutate."""

    source_path: str
    source_sha256: str
    source_bytes: int
    raw: bytes = b""
    # modification time of the file (POSIX seconds): what relative dates ("2 hours ago") are
    # resolved against when the dates step is configured to
    source_mtime: float | None = None
    input_format: str = "text"
    text: str = ""
    lines: tuple[Line, ...] = ()
    title: str | None = None
    published: str | None = None
    language: str | None = None
    scripts: dict[str, float] = field(default_factory=dict)
    # Facts one step hands to a later one (HTML metadata, signatures); not part of the output.
    meta: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return document_id(self.source_path, self.source_sha256)

    def body_lines(self) -> list[Line]:
        return [ln for ln in self.lines if ln.label == BODY]

    def removed_lines(self) -> list[Line]:
        return [ln for ln in self.lines if ln.label != BODY]


@dataclass(frozen=True)
class Drop:
    """A step's verdict that the input produces no document: a stable reason code and a sentence."""

    reason: str
    error: str


def document_id(source_path: str, source_sha256: str) -> str:
    """Stable id: the first 16 hex digits of sha256(source_path NUL source_sha256).

    >>> document_id("a.txt", "00")
    '76a53d7e505ce2f1'
    """
    digest = hashlib.sha256(f"{source_path}\0{source_sha256}".encode()).hexdigest()
    return digest[:16]


def output_record(doc: Document) -> dict[str, Any]:
    """The line of documents.jsonl for a finished document (SPEC: the document record)."""
    return {
        "id": doc.id,
        "text": doc.text,
        "title": doc.title,
        "published": doc.published,
        "language": doc.language,
        "scripts": doc.scripts,
        "provenance": doc.provenance,
        "schema_version": SCHEMA_VERSION,
    }
