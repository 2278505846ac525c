"""Whatever names and links arrive in raw/, every input is accounted for under a name that is
valid UTF-8, safe to print and never outside the raw folder."""

from __future__ import annotations

import json
import os
import unicodedata

from conftest import RAW, ROOT, clean_corpus, read_jsonl
from pipeline.io import display_path

ARTICLE = (RAW / "002_bf9c0ceb983e1a5f.txt").read_bytes()
OTHER = (RAW / "004_63b06e8f733e3164.txt").read_bytes()
THIRD = (RAW / "000_c350f78d65b07a85.txt").read_bytes()


def printable(name: str) -> bool:
    """No controls (newline, ESC ...), separators or bidirectional formatting characters."""
    return all(
        unicodedata.category(ch) not in ("Cc", "Cs", "Zl", "Zp")
        and not ("\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069")
        for ch in name
    )


def write(raw, name: bytes, data: bytes) -> None:
    path = os.fsencode(raw) + b"/" + name
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)


def test_display_path_is_printable_and_tells_names_apart():
    names = [
        "plain.txt", "new\nline.txt", "esc\x1b[31mred.txt", "caf\udce9.txt", "caf\\xe9.txt",
        "bidi\u202egnp.txt", "tab\there.txt", "back\\slash.txt", "über.txt", "日本.txt",
    ]  # fmt: skip
    shown = [display_path(n) for n in names]
    assert len(set(shown)) == len(names)  # a name with a real backslash is not an escape
    assert all(printable(s) for s in shown)
    assert all(s.encode("utf-8") for s in shown)  # no lone surrogates
    assert shown[:4] == ["plain.txt", "new\\x0aline.txt", "esc\\x1b[31mred.txt", "caf\\xe9.txt"]
    assert shown[4] == "caf\\\\xe9.txt"
    assert shown[5] == "bidi\\u202egnp.txt"
    assert shown[-2:] == ["über.txt", "日本.txt"]


def test_odd_file_names_and_links_out_of_the_raw_folder(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write(raw, b"name with spaces.txt", ARTICLE)
    write(raw, b"new\nline.txt", OTHER)
    write(raw, b"dir/caf\xe9.txt", THIRD)  # not UTF-8
    write(raw, b"esc\x1b]0;pwned\x07.txt", ARTICLE + b"\nOne more line of text here.")
    write(raw, b"bidi\xe2\x80\xaetxt.exe", b"A short note.")
    long_name = b"n" * 250 + b".txt"  # the longest a name can be (255 bytes)
    deep = b"/".join([b"d" * 200] * 15)  # a path of about 3,000 bytes
    write(raw, long_name, OTHER + b"\nAnd a different ending.")
    write(raw, deep + b"/" + long_name, THIRD + b"\nWith another ending.")
    (raw / "outside.txt").symlink_to(ROOT / "README.md")
    (raw / "up.txt").symlink_to("../../" + tmp_path.name + "/raw/../secret.txt")
    (tmp_path / "secret.txt").write_text("a secret outside raw/")
    part = clean_corpus(raw, tmp_path / "clean")
    documents = read_jsonl(part / "documents.jsonl")
    duplicates = read_jsonl(part / "duplicates.jsonl")
    rejected = read_jsonl(part / "rejected.jsonl")
    shown = [d["provenance"]["source_path"] for d in documents + duplicates]
    shown += [r["source_path"] for r in rejected]
    assert sorted(shown) == sorted(
        [
            "name with spaces.txt",
            "new\\x0aline.txt",
            "dir/caf\\xe9.txt",
            "esc\\x1b]0;pwned\\x07.txt",
            "bidi\\u202etxt.exe",
            long_name.decode(),
            (deep + b"/" + long_name).decode(),
            "outside.txt",
            "up.txt",
        ]
    )
    for name in shown:
        assert printable(name), name
        assert not name.startswith("/") and ".." not in name.split("/")
    assert {(r["source_path"], r["reason"]) for r in rejected} >= {
        ("outside.txt", "outside-raw-dir"),
        ("up.txt", "outside-raw-dir"),
    }
    for record in documents + duplicates:
        assert "secret" not in record["text"]
    manifest = json.loads((part / "manifest.json").read_text())
    assert manifest["inputs"] == 9 == len(documents) + len(duplicates) + len(rejected)
    # the partition's files are valid UTF-8 and print without a control character
    for name in ("documents.jsonl", "duplicates.jsonl", "rejected.jsonl", "manifest.json"):
        text = (part / name).read_bytes().decode("utf-8")
        assert "\x1b" not in text and "\u202e" not in text
