"""Whatever names and links arrive in raw/, every input is accounted for under a printable name."""

from __future__ import annotations

import json
import os

from conftest import RAW, ROOT, clean_corpus, read_jsonl


def test_odd_file_names_and_links_out_of_the_raw_folder(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    article = (RAW / "002_bf9c0ceb983e1a5f.txt").read_bytes()
    (raw / "name with spaces.txt").write_bytes(article)
    (raw / "new\nline.txt").write_bytes((RAW / "004_63b06e8f733e3164.txt").read_bytes())
    os.makedirs(os.fsencode(raw / "dir"), exist_ok=True)
    with open(os.fsencode(raw) + b"/dir/caf\xe9.txt", "wb") as handle:  # not UTF-8
        handle.write((RAW / "000_c350f78d65b07a85.txt").read_bytes())
    (raw / "outside.txt").symlink_to(ROOT / "README.md")
    part = clean_corpus(raw, tmp_path / "clean")
    documents = read_jsonl(part / "documents.jsonl")
    rejected = read_jsonl(part / "rejected.jsonl")
    shown = sorted(d["provenance"]["source_path"] for d in documents)
    assert shown == ["dir/caf\\xe9.txt", "name with spaces.txt", "new\nline.txt"]
    assert [(r["source_path"], r["reason"]) for r in rejected] == [
        ("outside.txt", "outside-raw-dir")
    ]
    manifest = json.loads((part / "manifest.json").read_text())
    assert manifest["inputs"] == 4 == manifest["documents"] + manifest["rejected"]
