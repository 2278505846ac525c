"""Load step: bytes in any encoding to text, or a drop with a reason."""

from __future__ import annotations

import codecs
import gzip

import pytest

from pipeline.record import Document, Drop
from pipeline.steps import load

TEXT = "Colombia’s president said “dialogue” — twice. Ñandú, São Paulo, Zürich."


def run_load(cfg, ctx, data: bytes, name: str = "doc.txt"):
    doc = Document(source_path=name, source_sha256="0", source_bytes=len(data), raw=data)
    return load.run(doc, cfg.load, ctx)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-32"), "utf-32"),
        (TEXT.encode("utf-16-le"), "utf-16"),
    ],
)
def test_unicode_encodings_decode_exactly(cfg, ctx, data, encoding):
    doc, prov = run_load(cfg, ctx, data)
    assert doc.text == TEXT
    assert prov["encoding"]["detected"]["encoding"] == encoding


def test_legacy_code_page_is_detected_and_recorded(cfg, ctx):
    text = (RAW_SEED := (load_raw("002_bf9c0ceb983e1a5f.txt")))
    doc, prov = run_load(cfg, ctx, RAW_SEED.encode("cp1252"))
    assert doc.text == text
    detected = prov["encoding"]["detected"]
    assert detected["method"] == "charset-normalizer"
    assert detected["encoding"] in {"cp1252", "windows-1252"}
    assert 0 < detected["confidence"] <= 1


def test_gzip_is_decompressed(cfg, ctx):
    doc, prov = run_load(cfg, ctx, gzip.compress(TEXT.encode()), "a/b.txt.gz")
    assert doc.text == TEXT
    assert prov["compression"] == "gzip"


def test_gzip_bomb_is_stopped_at_the_cap(cfg, ctx):
    from dataclasses import replace

    bomb = gzip.compress(b"a" * 5_000_000)
    small = replace(cfg.load, max_decompressed_bytes=1_000_000)
    doc = Document(source_path="bomb.txt.gz", source_sha256="0", source_bytes=len(bomb), raw=bomb)
    result, _ = load.run(doc, small, ctx)
    assert isinstance(result, Drop) and result.reason == "too-large"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t \n", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary"),
        (b"abc\x00\x01\x02\x03\xff\xfe\x00\x00" * 50, "binary"),
        (b"not gzip at all", "bad-gzip"),
    ],
)
def test_unusable_inputs_are_dropped_with_a_reason(cfg, ctx, data, reason):
    name = "x.txt.gz" if reason == "bad-gzip" else "x.txt"
    result, _ = run_load(cfg, ctx, data, name)
    assert isinstance(result, Drop)
    assert result.reason == reason
    assert result.error  # a sentence for people


def test_html_is_recognised_by_name_or_by_content(cfg, ctx):
    page = b"<!DOCTYPE html><html><body><p>Hello</p></body></html>"
    assert run_load(cfg, ctx, page, "page.htm")[0].input_format == "html"
    assert run_load(cfg, ctx, page, "page.download")[0].input_format == "html"
    assert run_load(cfg, ctx, b"Just words.", "notes.txt")[0].input_format == "text"


def load_raw(name: str) -> str:
    from conftest import RAW

    return (RAW / name).read_text(encoding="utf-8")
