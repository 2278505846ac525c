"""Encoding benchmark: the load and repair steps on real article bodies, corrupted as in the wild.

    .venv/bin/python -m bench.encoding [--quick] [--kinds K1,K2] [--repeat N] [--json PATH]

prints the table per corruption kind and language and writes everything, every case included,
to bench/results/encoding.json (git-ignored). About 45 s on the project's 2-core machine;
``--quick`` keeps every fifth English body and every other one (about 15 s).

Data
    The 181 human-written article bodies of ``bench/data/scrapinghub/ground-truth.json``: real
    pages in English (162), Portuguese (5), Russian (4), Korean, Italian, Indonesian, German and
    Japanese (2 each). The language of a body is langdetect's answer with a fixed seed.

What runs
    The pipeline's own step functions, ``load.run`` then ``repair.run``, with the shipped
    configuration (``pipeline.config.load_config("config/pipeline.yaml")``) and a fixed run
    date; each input is named ``<id>.<kind>.txt`` (plain text). Nothing is copied from them.

Configured normalisation
    What repair does to any text, right or not, with the ``repair`` options of the config (the
    shipped values in brackets), in this order:

    1. line ends: CR LF, CR, NEL (U+0085), U+2028 and U+2029 become LF;
    2. removed: controls (Cc) but tab and LF; format characters (Cf: zero-width space, word
       joiner, BOM, bidi marks ...) but ZWNJ and ZWJ, which spell words and emoji sequences;
       surrogates; soft hyphens [``remove_soft_hyphens: true``];
    3. the ligatures U+FB00..U+FB06 ("ﬁ") spelled out [``fix_latin_ligatures: true``];
    4. every other whitespace character but LF and tab becomes a plain space
       [``nbsp_to_space: true``]; runs of spaces and tabs collapse to one space and lines are
       stripped [``collapse_whitespace: true``];
    5. Unicode normalisation [``normalization: NFC``].

    ``normalise`` below writes this out independently of the repair step, so a difference
    between the two shows. Decoding HTML entities and ftfy's repairs are not in it: applied to
    right text they are false fixes. (No clean body holds an HTML entity.)

Measures
    *Restored*: the repaired text equals the configured normalisation of the original, exactly.
    *False fix*: the original as UTF-8 bytes, through the same steps, comes out different from
    its configured normalisation. *False flag*: provenance of a clean original says
    ``low_confidence`` or ``still_broken``. Targets: >= 99 % of the recoverable corruptions
    restored, 0 false fixes, median load+repair time <= 3 ms per document.

Corruption kinds (generated only where they can exist: a code page only for a body it
encodes without loss, else the case is "not representable" and not generated)
    ``cp1252``, ``latin-1``, ``cp1251``, ``shift_jis``, ``euc-kr``, ``gb18030``: saved in that
    code page. ``utf-16``: with a BOM; ``utf-16le``, ``utf-16be``: without.
    ``utf8-as-cp1252`` (``-x2``): the UTF-8 bytes decoded as Windows-1252 the way browsers do
    (the five bytes it leaves undefined become U+0081 ...: ftfy's sloppy-windows-1252), once or
    twice, and saved as UTF-8: ``Colombiaâ€™s``. ``utf8-as-latin-1`` (``-x2``): the same with
    ISO 8859-1, so C1 controls stay in the text. ``utf8-as-cp1252-replace``: decoded with
    Python's ``errors="replace"``: the undefined bytes become U+FFFD. ``utf8-as-latin-1-c1-lost``:
    read as latin-1 and the C1 controls dropped by whatever stored it. ``mixed``: one paragraph
    (the middle one of those with a non-ASCII character) is ``utf8-as-cp1252``, the rest right.
    ``bom-inside``: UTF-8 with a BOM at the start and another before a middle paragraph (two
    files concatenated). ``html-entities``: ``&``, ``<``, ``>`` escaped and every non-ASCII
    character a numeric character reference, once. ``invisible``: soft hyphens inside long
    words, zero-width spaces after sentence ends, no-break spaces before numbers.

Classes of a case
    ``restored``; ``flagged`` (not restored, and provenance says ``low_confidence`` or
    ``still_broken``); ``wrong`` (not restored, silently); ``dropped`` (load rejected it):
    these four are the recoverable cases the corruption changed, over which the rate is taken.
    Not counted: ``identical`` (the corruption gave the UTF-8 bytes themselves, e.g. an ASCII
    body saved as cp1252); ``unrecoverable`` (undoing the known corruption does not give the
    original back: bytes were replaced by U+FFFD or dropped; whether provenance flags it is
    recorded); ``not-representable``.

Timing
    Wall time of ``load.run`` plus ``repair.run``, per case the best of ``--repeat`` runs (3;
    the steps are pure, so the runs are identical and the best is the least disturbed by other
    work on the machine), median over every case and every clean original.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-1252 codec)
from langdetect import DetectorFactory, detect

from pipeline.config import PipelineConfig, load_config
from pipeline.record import Document, Drop
from pipeline.steps import Context, load, repair

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "scrapinghub" / "ground-truth.json"
CONFIG = ROOT / "config" / "pipeline.yaml"
RESULTS = ROOT / "bench" / "results" / "encoding.json"
RUN_DATE = dt.date(2026, 11, 21)
LANGUAGES = ("en", "pt", "ru", "ko", "it", "id", "de", "ja")


# --- the configured normalisation ---------------------------------------------------------------

_LINE_ENDS = re.compile(r"\r\n|[\r\x85\u2028\u2029]")
_KEEP_FORMAT = {"\u200c", "\u200d"}  # ZWNJ, ZWJ
_LIGATURES = {chr(cp): unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xFB00, 0xFB07)}
_SPACE_RUN = re.compile(r"[^\S\n]+")


def normalise(text: str, cfg: repair.Config) -> str:
    """The configured normalisation (see the module docstring): what repair may always do."""
    text = _LINE_ENDS.sub("\n", text)
    kept = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in "\n\t":
            kept.append(ch)
        elif cat in ("Cc", "Cs"):
            continue
        elif ch == "\u00ad":
            if not cfg.remove_soft_hyphens:
                kept.append(ch)
        elif cat == "Cf" and ch not in _KEEP_FORMAT:
            continue
        elif cfg.fix_latin_ligatures and ch in _LIGATURES:
            kept.append(_LIGATURES[ch])
        elif cfg.nbsp_to_space and ch.isspace():
            kept.append(" ")
        else:
            kept.append(ch)
    text = "".join(kept)
    if cfg.collapse_whitespace:
        text = "\n".join(_SPACE_RUN.sub(" ", line).strip() for line in text.split("\n"))
    return unicodedata.normalize(cfg.normalization, text)


# --- corruptions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """Bytes as they arrive, or None when the kind cannot exist for this body (with why)."""

    data: bytes | None
    # undoing the known corruption gives the original back (False: information was lost)
    recoverable: bool = True
    reason: str = ""


def _saved_as(codec: str) -> Callable[[str], Case]:
    def corrupt(text: str) -> Case:
        try:
            return Case(text.encode(codec))
        except UnicodeEncodeError as exc:
            return Case(None, False, f"{codec} cannot encode {exc.object[exc.start]!r}")

    return corrupt


def _mojibake(codec: str, times: int, errors: str = "strict") -> Callable[[str], Case]:
    def corrupt(text: str) -> Case:
        broken = text
        for _ in range(times):
            broken = broken.encode("utf-8").decode(codec, errors)
        data = broken.encode("utf-8")
        undo = broken
        try:
            for _ in range(times):
                undo = undo.encode(codec).decode("utf-8")
        except UnicodeError:
            undo = None  # type: ignore[assignment]
        if undo != text:
            return Case(data, False, f"bytes undefined in {codec} became U+FFFD")
        return Case(data)

    return corrupt


_C1 = re.compile(r"[\x80-\x9f]")


def _latin1_c1_lost(text: str) -> Case:
    """UTF-8 read as latin-1, then the C1 controls that gives dropped by whatever stored it."""
    broken = _C1.sub("", text.encode("utf-8").decode("latin-1"))
    data = broken.encode("utf-8")
    try:
        lossless = broken.encode("latin-1").decode("utf-8") == text
    except UnicodeError:
        lossless = False
    if not lossless:
        return Case(data, False, "UTF-8 continuation bytes 0x80-0x9F read as C1 controls, dropped")
    return Case(data)


def _paragraphs_with_non_ascii(text: str) -> list[int]:
    lines = text.split("\n")
    return [i for i, line in enumerate(lines) if not line.isascii()]


def _mixed(text: str) -> Case:
    lines = text.split("\n")
    candidates = _paragraphs_with_non_ascii(text)
    if not candidates:
        return Case(text.encode("utf-8"))
    pick = candidates[len(candidates) // 2]
    lines[pick] = lines[pick].encode("utf-8").decode("sloppy-windows-1252")
    return Case("\n".join(lines).encode("utf-8"))


def _bom_inside(text: str) -> Case:
    lines = text.split("\n")
    middle = len(lines) // 2
    lines[middle] = "\ufeff" + lines[middle]
    return Case(("\ufeff" + "\n".join(lines)).encode("utf-8"))


def _entities(text: str) -> Case:
    return Case(html.escape(text, quote=False).encode("ascii", "xmlcharrefreplace"))


_LONG_WORD = re.compile(r"\w{9,}")
_SENTENCE_END = re.compile(r"([.!?。]) ")
_BEFORE_NUMBER = re.compile(r" (?=\d)")


def _invisible(text: str) -> Case:
    text = _LONG_WORD.sub(lambda m: m.group()[:4] + "\u00ad" + m.group()[4:], text)
    text = _SENTENCE_END.sub("\\1\u200b ", text)
    text = _BEFORE_NUMBER.sub("\u00a0", text)
    return Case(text.encode("utf-8"))


KINDS: dict[str, Callable[[str], Case]] = {
    "cp1252": _saved_as("cp1252"),
    "latin-1": _saved_as("latin-1"),
    "cp1251": _saved_as("cp1251"),
    "shift_jis": _saved_as("shift_jis"),
    "euc-kr": _saved_as("euc-kr"),
    "gb18030": _saved_as("gb18030"),
    "utf-16": _saved_as("utf-16"),
    "utf-16le": _saved_as("utf-16-le"),
    "utf-16be": _saved_as("utf-16-be"),
    "utf8-as-cp1252": _mojibake("sloppy-windows-1252", 1),
    "utf8-as-cp1252-x2": _mojibake("sloppy-windows-1252", 2),
    "utf8-as-latin-1": _mojibake("latin-1", 1),
    "utf8-as-latin-1-x2": _mojibake("latin-1", 2),
    "utf8-as-cp1252-replace": _mojibake("cp1252", 1, "replace"),
    "utf8-as-latin-1-c1-lost": _latin1_c1_lost,
    "mixed": _mixed,
    "bom-inside": _bom_inside,
    "html-entities": _entities,
    "invisible": _invisible,
}


# --- running the pipeline's steps ---------------------------------------------------------------


def run_steps(
    data: bytes, name: str, cfg: PipelineConfig, ctx: Context, repeat: int = 1
) -> tuple[str | None, dict[str, Any], float]:
    """load.run then repair.run on the bytes: (the text, or None when load dropped it; the
    encoding provenance; the best wall time of `repeat` runs in seconds). The steps are pure,
    so every run gives the same result; the best time is the least disturbed by other work on
    the machine."""
    doc = Document(source_path=name, source_sha256="0", source_bytes=len(data), raw=data)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        loaded, prov = load.run(doc, cfg.load, ctx)
        repaired = None if isinstance(loaded, Drop) else repair.run(loaded, cfg.repair, ctx)
        best = min(best, time.perf_counter() - started)
    if isinstance(loaded, Drop):
        return None, {"drop": f"{loaded.reason}: {loaded.error}"}, best
    assert repaired is not None and not isinstance(repaired[0], Drop)
    encoding = {**prov.get("encoding", {}), **repaired[1].get("encoding", {})}
    return repaired[0].text, encoding, best


def _flagged(encoding: dict[str, Any]) -> bool:
    """Provenance says the text may be wrong: low detection confidence, or still broken."""
    detected = encoding.get("detected", {})
    repairs = encoding.get("repairs", {})
    return bool(detected.get("low_confidence") or repairs.get("still_broken"))


def _first_difference(got: str, want: str) -> str:
    for i, (a, b) in enumerate(zip(got, want, strict=False)):
        if a != b:
            start = max(0, i - 20)
            return f"at {i}: got {got[start : i + 20]!r} want {want[start : i + 20]!r}"
    return f"lengths {len(got)} and {len(want)}"


def load_bodies(quick: bool = False) -> list[tuple[str, str, str]]:
    """(id, language, body) for every article body, sorted by id; `quick` keeps every fifth
    English body and all the others."""
    DetectorFactory.seed = 0
    data = json.loads(DATA.read_text(encoding="utf-8"))
    bodies = []
    english = 0
    for key in sorted(data):
        body = data[key]["articleBody"]
        lang = detect(body)
        if quick and lang == "en":
            english += 1
            if english % 5:
                continue
        bodies.append((key, lang, body))
    return bodies


ATTEMPTED = ("restored", "flagged", "wrong", "dropped")  # the recoverable cases that changed


def run(
    quick: bool = False, kinds: tuple[str, ...] = tuple(KINDS), repeat: int = 3
) -> dict[str, Any]:
    cfg = load_config(CONFIG)
    ctx = Context(run_date=RUN_DATE)
    bodies = load_bodies(quick)
    cases: list[dict[str, Any]] = []
    clean: list[dict[str, Any]] = []
    times: list[float] = []
    times_by_kind: dict[str, list[float]] = defaultdict(list)
    for key, lang, body in bodies:
        want = normalise(body, cfg.repair)
        utf8 = body.encode("utf-8")
        got, encoding, seconds = run_steps(utf8, f"{key}.txt", cfg, ctx, repeat)
        times.append(seconds)
        times_by_kind["clean"].append(seconds)
        entry: dict[str, Any] = {"id": key, "language": lang, "ms": round(seconds * 1000, 3)}
        if _flagged(encoding):
            entry["flagged"] = encoding
        if got != want:
            entry["false_fix"] = (
                _first_difference(got, want) if got is not None else encoding["drop"]
            )
            entry["repairs"] = encoding.get("repairs")
        clean.append(entry)
        for kind in kinds:
            case = KINDS[kind](body)
            record: dict[str, Any] = {"id": key, "language": lang, "kind": kind}
            if case.data is None:
                record.update(status="not-representable", reason=case.reason)
                cases.append(record)
                continue
            got, encoding, seconds = run_steps(case.data, f"{key}.{kind}.txt", cfg, ctx, repeat)
            times.append(seconds)
            times_by_kind[kind].append(seconds)
            record["ms"] = round(seconds * 1000, 3)
            record["detected"] = encoding.get("detected")
            if got == want:
                status = "identical" if case.data == utf8 else "restored"
            elif case.data == utf8:
                status = "identical-changed"  # a false fix, by another name
            elif not case.recoverable:
                status = "unrecoverable"
                record["reason"] = case.reason
                record["flagged"] = _flagged(encoding)
            elif got is None:
                status = "dropped"
                record["reason"] = encoding["drop"]
            else:
                status = "flagged" if _flagged(encoding) else "wrong"
                record["reason"] = _first_difference(got, want)
                record["repairs"] = encoding.get("repairs")
            record["status"] = status
            cases.append(record)
    results = summarise(cases, clean, times, times_by_kind)
    results["quick"] = quick
    results["timing"] = f"best of {repeat} runs per case, wall clock (time.perf_counter)"
    return results


def summarise(
    cases: list[dict[str, Any]],
    clean: list[dict[str, Any]],
    times: list[float],
    times_by_kind: dict[str, list[float]],
) -> dict[str, Any]:
    table: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for case in cases:
        table[case["kind"]][case["language"]][case["status"]] += 1
    totals: Counter[str] = Counter(case["status"] for case in cases)
    recoverable = sum(totals[s] for s in ATTEMPTED)
    false_fixes = [c for c in clean if "false_fix" in c]
    unrecoverable = [c for c in cases if c["status"] == "unrecoverable"]
    lost: Counter[str] = Counter()
    for case in unrecoverable:
        lost[
            f"{case['kind']}: {case['reason']}; " + ("flagged" if case["flagged"] else "silent")
        ] += 1
    return {
        "config": str(CONFIG.relative_to(ROOT)),
        "versions": {
            "python": sys.version.split()[0],
            "ftfy": metadata.version("ftfy"),
            "charset-normalizer": metadata.version("charset-normalizer"),
            "load": load.VERSION,
            "repair": repair.VERSION,
        },
        "documents": len(clean),
        "languages": dict(Counter(c["language"] for c in clean)),
        "statuses": dict(totals),
        "recoverable": recoverable,
        "restored_rate": totals["restored"] / recoverable if recoverable else 1.0,
        "false_fixes": len(false_fixes) + totals["identical-changed"],
        "false_flags": sum(1 for c in clean if "flagged" in c),
        "unrecoverable_flagged": sum(1 for c in unrecoverable if c["flagged"]),
        "median_ms": round(statistics.median(times) * 1000, 3),
        "p95_ms": round(sorted(times)[int(len(times) * 0.95)] * 1000, 3),
        "median_ms_by_kind": {
            kind: round(statistics.median(values) * 1000, 3)
            for kind, values in times_by_kind.items()
        },
        "table": {k: {lang: dict(c) for lang, c in v.items()} for k, v in table.items()},
        "failures": [c for c in cases if c["status"] in ("flagged", "wrong", "dropped")],
        "unrecoverable_by_reason": dict(lost),
        "unrecoverable": unrecoverable,
        "false_fix_cases": false_fixes + [c for c in cases if c["status"] == "identical-changed"],
    }


def _cell(counts: Counter[str]) -> str:
    recoverable = sum(counts[s] for s in ATTEMPTED)
    if recoverable:
        return f"{counts['restored']}/{recoverable}"
    if counts["identical"]:
        return "i"
    if counts["unrecoverable"]:
        return "u"
    return "n" if counts["not-representable"] else "-"


def render(results: dict[str, Any]) -> str:
    """The table per corruption kind and language, the totals, the cases that failed."""
    langs = [lang for lang in LANGUAGES if lang in results["languages"]]
    langs += sorted(set(results["languages"]) - set(langs))
    head = f"{'kind':24}" + "".join(f"{lang:>8}" for lang in langs) + f"{'all':>10}"
    head += f"{'ident':>7}{'lossy':>7}{'n/r':>6}"
    out = [head, "-" * len(head)]
    for kind, by_lang in results["table"].items():
        total: Counter[str] = Counter()
        row = f"{kind:24}"
        for lang in langs:
            counts = Counter(by_lang.get(lang, {}))
            total.update(counts)
            row += f"{_cell(counts):>8}"
        row += f"{_cell(total):>10}"
        row += f"{total['identical']:>7}{total['unrecoverable']:>7}{total['not-representable']:>6}"
        out.append(row)
    counts = Counter(results["languages"])
    out.append(f"{'documents':24}" + "".join(f"{counts[lang]:>8}" for lang in langs))
    out += [
        "",
        "cell: restored/recoverable cases the corruption changed; i: the corruption gave the UTF-8",
        "bytes themselves (ident); u: information lost (lossy); n: the encoding cannot hold the",
        "text (n/r, not generated); -: none.",
        "",
    ]
    st = results["statuses"]
    out.append(
        f"restored {st.get('restored', 0)} of {results['recoverable']} recoverable = "
        f"{results['restored_rate']:.2%}  (flagged {st.get('flagged', 0)}, silently wrong "
        f"{st.get('wrong', 0)}, dropped {st.get('dropped', 0)})"
    )
    out.append(
        f"false fixes on {results['documents']} clean originals: {results['false_fixes']}; "
        f"clean originals flagged as doubtful: {results['false_flags']}"
    )
    out.append(
        f"load+repair per document: median {results['median_ms']} ms, "
        f"p95 {results['p95_ms']} ms (clean originals: median "
        f"{results['median_ms_by_kind'].get('clean', 0)} ms)"
    )
    for failure in results["failures"]:
        detected = (failure.get("detected") or {}).get("encoding")
        out.append(
            f"  {failure['status']}: {failure['kind']} {failure['language']} {failure['id'][:8]} "
            f"read as {detected}: {failure['reason']}"
        )
    if results["unrecoverable_by_reason"]:
        lossy = st.get("unrecoverable", 0)
        out.append(
            f"unrecoverable (not counted): {lossy}, flagged in provenance "
            f"{results['unrecoverable_flagged']} of them"
        )
        for reason, n in results["unrecoverable_by_reason"].items():
            out.append(f"  {n:4} {reason}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="every fifth English body only")
    parser.add_argument("--json", type=Path, default=RESULTS, help="where the results go")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case; the best is timed")
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help="comma-separated corruption kinds (default: all)"
    )
    args = parser.parse_args(argv)
    kinds = tuple(args.kinds.split(","))
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        parser.error(f"unknown kinds {unknown}; known: {', '.join(KINDS)}")
    results = run(quick=args.quick, kinds=kinds, repeat=max(1, args.repeat))
    print(render(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"results: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
