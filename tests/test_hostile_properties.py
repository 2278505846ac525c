"""Properties over arbitrary input: any bytes under any file names give exactly one record
per file (a document, a duplicate or a rejection), no exception out of a task, and output that
is valid UTF-8 with no control character in the text but newlines.

Two levels: the whole Luigi run on a temporary raw folder (few examples: each is a full run),
and the read-and-process path of one file (many examples)."""

from __future__ import annotations

import fnmatch
import gzip
import json
import os
import tempfile
import unicodedata
from pathlib import Path

import luigi
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import ROOT, RUN_DATE
from pipeline.io import display_path, read_input
from pipeline.runner import Rejection, process
from pipeline.tasks import CleanCorpus

CONFIG = str(ROOT / "config" / "pipeline.yaml")
IGNORE = ("README.md", "README", ".*")

# File names: any bytes but '/' and NUL (which no file name can hold), up to 255 bytes.
NAME = (
    st.binary(min_size=1, max_size=60)
    .filter(lambda b: b"/" not in b and b"\0" not in b and b not in (b".", b".."))
    .flatmap(lambda b: st.sampled_from([b, b + b".txt", b + b".html", b + b".txt.gz"]))
)
FOLDER = st.sampled_from([b"", b"sub/", b"with space/", b"caf\xe9/", b"x/y/"])
WORDS = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=400)


def html_of(text: str) -> bytes:
    return f"<html><head><title>{text[:30]}</title></head><body><p>{text}</p></body></html>".encode(
        "utf-8", "surrogatepass"
    )


CONTENT = st.one_of(
    st.binary(max_size=2000),
    WORDS.map(lambda t: t.encode("utf-8")),
    WORDS.map(lambda t: t.encode("utf-16")),
    WORDS.map(lambda t: t.encode("cp1252", "replace")),
    WORDS.map(html_of),
    st.binary(max_size=500).map(gzip.compress),
    WORDS.map(lambda t: gzip.compress(t.encode("utf-8"))),
)


def clean_text(text: str) -> bool:
    return all(ch == "\n" or unicodedata.category(ch) not in ("Cc", "Cs") for ch in text)


def printable(name: str) -> bool:
    return all(unicodedata.category(ch) not in ("Cc", "Cs", "Zl", "Zp") for ch in name) and not (
        name.startswith("/") or ".." in name.split("/")
    )


def write_files(raw: Path, files: dict[bytes, bytes]) -> list[str]:
    """Write the files; the file-system names of those that are input (not ignored)."""
    inputs = []
    for name, data in files.items():
        path = os.fsencode(raw) + b"/" + name
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(data)
        except (IsADirectoryError, NotADirectoryError, FileExistsError):
            assume(False)  # a file and a folder of the same name: not both possible
        base = os.fsdecode(name).rsplit("/", 1)[-1]
        if not any(fnmatch.fnmatch(base, p) for p in IGNORE):
            inputs.append(os.fsdecode(name))
    return inputs


def check_partition(part: Path, inputs: list[str]) -> None:
    records = []
    for name in ("documents.jsonl", "duplicates.jsonl", "rejected.jsonl"):
        raw_bytes = (part / name).read_bytes()
        for line in raw_bytes.decode("utf-8").splitlines():  # strict: valid UTF-8
            records.append((name, json.loads(line)))
    shown = []
    for name, record in records:
        if name == "rejected.jsonl":
            shown.append(record["source_path"])
            assert record["reason"] and not record["reason"].startswith("error:"), record
            assert record["error"].startswith(record["source_path"] + ": ")
        else:
            shown.append(record["provenance"]["source_path"])
            assert record["text"] and clean_text(record["text"]), record["text"]
            assert unicodedata.normalize("NFC", record["text"]) == record["text"]
            record["text"].encode("utf-8")  # no lone surrogates
    assert sorted(shown) == sorted(display_path(n) for n in inputs)
    assert all(printable(s) for s in shown)
    manifest = json.loads((part / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"] == len(inputs) == len(records)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files=st.dictionaries(st.tuples(FOLDER, NAME).map(b"".join), CONTENT, max_size=8))
def test_the_luigi_run_accounts_for_any_files(files):
    with tempfile.TemporaryDirectory() as tmp:
        raw, clean = Path(tmp) / "raw", Path(tmp) / "clean"
        raw.mkdir()
        inputs = write_files(raw, files)
        task = CleanCorpus(raw_dir=str(raw), clean_dir=str(clean), config=CONFIG, date=RUN_DATE)
        result = luigi.build(
            [task], local_scheduler=True, log_level="WARNING", detailed_summary=True
        )
        assert result.status.name == "SUCCESS", result.summary_text  # no task raised
        check_partition(clean / RUN_DATE.isoformat(), inputs)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.tuples(FOLDER, NAME).map(b"".join), data=CONTENT)
def test_any_file_is_read_and_processed_into_exactly_one_outcome(cfg, ctx, name, data):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.fsencode(tmp) + b"/" + name
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
        item = read_input(tmp, os.fsdecode(name), cfg.load.max_bytes)
    shown = display_path(os.fsdecode(name))
    assert printable(shown)
    if isinstance(item, Rejection):
        raise AssertionError(f"a regular file was not read: {item}")
    assert item.source_path == shown and item.raw == data
    outcome = process(item, cfg, ctx, "0" * 64)
    assert (outcome.doc is None) != (outcome.rejection is None)
    if outcome.rejection is not None:
        assert outcome.rejection.error.startswith(shown + ": ")
        assert not outcome.rejection.reason.startswith("error:"), outcome.rejection
    else:
        assert outcome.doc.text and clean_text(outcome.doc.text)
        outcome.doc.text.encode("utf-8")
