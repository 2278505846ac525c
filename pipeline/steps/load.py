"""Load step: raw bytes to text. Gzip, BOMs, UTF-16/32, UTF-8, then legacy charsets detected with
charset-normalizer; empty, binary, over-size and undecodable inputs become drops with a reason."""

from __future__ import annotations

import codecs
import dataclasses
import zlib
from dataclasses import dataclass, field

import charset_normalizer

from pipeline.record import Document, Drop
from pipeline.steps import Context, StepOutput

NAME = "load"
VERSION = "1"

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt", ".text")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# File signatures of common binary formats that can end up in a crawl folder.
_MAGIC = (
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"%PDF",
    b"PK\x03\x04",
    b"\x7fELF",
    b"RIFF",
    b"\x00\x00\x01\x00",
    b"OggS",
    b"ID3",
    b"\x1f\x8b",  # gzip inside a file not named .gz
    b"7z\xbc\xaf",
    b"Rar!",
    b"BZh",
    b"\xfd7zXZ",
    b"MZ",
)


@dataclass(frozen=True)
class Config:
    # inputs larger than this many bytes (on disk) are rejected as too-large
    max_bytes: int = field(default=20_000_000, metadata={"min": 1})
    # a .gz input is decompressed up to this many bytes; beyond it the input is rejected
    max_decompressed_bytes: int = field(default=50_000_000, metadata={"min": 1})
    # share of control characters (not tab/newline/CR/FF) above which decoded text is binary
    max_control_ratio: float = field(default=0.05, metadata={"min": 0.0, "max": 1.0})
    # below this charset-normalizer confidence the encoding is still used, but flagged
    min_confidence: float = field(default=0.5, metadata={"min": 0.0, "max": 1.0})


def _gunzip(data: bytes, limit: int) -> bytes | None:
    """Decompress gzip up to `limit` bytes of output; None when the output would exceed it."""
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = inflater.decompress(data, limit + 1)
    if len(out) > limit:
        return None
    # concatenated gzip members are valid gzip: keep going while data remains
    while inflater.eof and inflater.unused_data:
        rest = inflater.unused_data
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        out += inflater.decompress(rest, limit + 1 - len(out))
        if len(out) > limit:
            return None
    return out


def input_format(path: str, text: str) -> str:
    """'html' for .html/.htm (or markup at the start of an unknown kind of file), else 'text'."""
    lower = path.lower().removesuffix(".gz")
    if lower.endswith(HTML_SUFFIXES):
        return "html"
    if lower.endswith(TEXT_SUFFIXES):
        return "text"
    head = text.lstrip()[:200].lower()
    return "html" if head.startswith(("<!doctype html", "<html", "<?xml")) else "text"


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without BOM shows as NUL in every other byte of ASCII-heavy text."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nul = sample[0::2].count(0) / (len(sample) / 2)
    odd_nul = sample[1::2].count(0) / (len(sample) / 2)
    if odd_nul > 0.3 and even_nul < 0.05:
        codec = "utf-16-le"
    elif even_nul > 0.3 and odd_nul < 0.05:
        codec = "utf-16-be"
    else:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


# When charset-normalizer scores several code pages the same (cp1250 and cp1252 read most Western
# text equally well), the one most used on the web wins.
_WEB_ORDER = (
    "cp1252", "latin_1", "iso8859_15", "cp1251", "koi8_r", "shift_jis", "cp932", "euc_jp",
    "gb18030", "gb2312", "gbk", "big5", "euc_kr", "cp949", "iso8859_2", "cp1250", "cp1253",
    "cp1254", "cp1255", "cp1256", "cp1257", "cp874", "tis_620",
)  # fmt: skip


def _best_match(data: bytes) -> charset_normalizer.CharsetMatch | None:
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        return None

    def rank(m: charset_normalizer.CharsetMatch) -> tuple[float, float, int]:
        order = _WEB_ORDER.index(m.encoding) if m.encoding in _WEB_ORDER else len(_WEB_ORDER)
        return (round(m.chaos, 3), -round(m.coherence, 3), order)

    return min(matches, key=rank)


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:20000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return bad / len(sample)


def decode(data: bytes, cfg: Config) -> tuple[str, dict[str, object]] | Drop:
    """Bytes to text with what was detected: {'encoding', 'method', 'confidence'}."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), {"encoding": codec, "method": "bom", "confidence": 1.0}
            except UnicodeDecodeError as exc:
                return Drop("undecodable", f"starts with a {codec} byte-order mark but {exc}")
    if any(data.startswith(magic) for magic in _MAGIC):
        return Drop("binary", "starts with the signature of a binary file format")
    try:
        text = data.decode("utf-8")
        info: dict[str, object] = {"encoding": "utf-8", "method": "strict", "confidence": 1.0}
    except UnicodeDecodeError:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            text, info = utf16, {"encoding": "utf-16", "method": "nul-pattern", "confidence": 0.9}
        else:
            if b"\x00" in data[:8192]:
                return Drop("binary", "contains NUL bytes and is not UTF-16 or UTF-32 text")
            best = _best_match(data)
            if best is None:
                return Drop("undecodable", "no character encoding decodes these bytes as text")
            text = str(best)
            confidence = round(1.0 - float(best.chaos), 3)
            info = {
                "encoding": best.encoding,
                "method": "charset-normalizer",
                "confidence": confidence,
                "language": best.language,
            }
            if confidence < cfg.min_confidence:
                info["low_confidence"] = True
    if _control_ratio(text) > cfg.max_control_ratio:
        return Drop("binary", "decodes to text that is mostly control characters")
    return text, info


def run(doc: Document, cfg: Config, ctx: Context) -> StepOutput:
    data = doc.raw
    prov: dict[str, object] = {}
    if len(data) > cfg.max_bytes:
        return Drop("too-large", f"is {len(data)} bytes, over the limit of {cfg.max_bytes}"), prov
    if doc.source_path.lower().endswith(".gz"):
        if not data.startswith(b"\x1f\x8b"):
            return Drop("bad-gzip", "is named .gz but is not gzip data"), prov
        try:
            inflated = _gunzip(data, cfg.max_decompressed_bytes)
        except (zlib.error, EOFError) as exc:
            return Drop("bad-gzip", f"is damaged gzip data ({exc})"), prov
        if inflated is None:
            return (
                Drop(
                    "too-large",
                    f"decompresses to more than the limit of {cfg.max_decompressed_bytes} bytes",
                ),
                prov,
            )
        prov["compression"] = "gzip"
        data = inflated
    if not data.strip():
        return Drop("empty", "has no content (zero bytes or only whitespace)"), prov
    decoded = decode(data, cfg)
    if isinstance(decoded, Drop):
        return decoded, prov
    text, info = decoded
    fmt = input_format(doc.source_path, text)
    prov["encoding"] = {"detected": info}
    prov["input_format"] = fmt
    return dataclasses.replace(doc, raw=b"", text=text, input_format=fmt), prov
