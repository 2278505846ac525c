"""`clean-pipeline explain`: a document's journey through the pipeline, for a person at a terminal.

Finds the record of an id or a source path in the partitions (newest first): a document, a
duplicate or a rejection. Shows the original lines, re-read from the raw file with the same
loader when it is still there and unchanged (else what provenance kept), with what was kept and
what was removed and by which rule; the encoding and its repairs; foreign-script spans; how the
date was chosen; the language; for a duplicate the document it duplicates; for a rejection why.

Everything taken from a document or a file name is printed through `safe()`: control, format
and line-separator characters become visible escapes, so a hostile document cannot move the
cursor, recolour or retitle the terminal, or reorder the line with bidirectional overrides.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config import parse_config
from pipeline.io import display_path, read_input
from pipeline.partition import complete_partitions
from pipeline.record import Drop, document_id
from pipeline.render import visible_lines
from pipeline.runner import Rejection
from pipeline.steps import Context, load, repair, segment_html

FILES = (("document", "documents.jsonl"), ("duplicate", "duplicates.jsonl"),
         ("rejected", "rejected.jsonl"))  # fmt: skip
_STYLES = {
    "head": "1",  # bold
    "kept": "32",  # green
    "removed": "31",  # red
    "part": "33",  # yellow
    "dim": "2",
    "escape": "7",  # reverse video: an escaped character of the document
}


def safe(text: str) -> str:
    """`text` with every character that could act on a terminal shown as an escape.

    >>> safe("ok \\x1b[2J\\u202egnp.exe")
    'ok \\\\x1b[2J\\\\u202egnp.exe'
    """
    return "".join(_escape(ch) if _unsafe(ch) else ch for ch in text)


def _unsafe(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") and ch != "\t"


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


@dataclass
class Painter:
    """Styles text with ANSI colours when `color` is on; always escapes document text."""

    color: bool = False
    lines: list[str] = field(default_factory=list)

    def style(self, text: str, style: str | None) -> str:
        if not self.color or not style or not text:
            return text
        return f"\x1b[{_STYLES[style]}m{text}\x1b[0m"

    def doc(self, text: str, style: str | None = None) -> str:
        """Document text: escaped, then styled (an escape stands out in reverse video)."""
        out: list[str] = []
        run: list[str] = []
        for ch in text:
            if _unsafe(ch):
                out.append(self.style("".join(run), style))
                out.append(self.style(_escape(ch), "escape"))
                run = []
            else:
                run.append(ch)
        out.append(self.style("".join(run), style))
        return "".join(out)

    def add(self, *parts: str) -> None:
        self.lines.append("".join(parts))

    def heading(self, title: str) -> None:
        self.add("")
        self.add(self.style(title, "head"))


@dataclass(frozen=True)
class Found:
    """A record in a partition: kind is document, duplicate or rejected."""

    kind: str
    night: str
    partition: Path
    record: dict[str, Any]

    @property
    def source_path(self) -> str:
        if self.kind == "rejected":
            return str(self.record["source_path"])
        return str(self.record["provenance"]["source_path"])

    @property
    def id(self) -> str | None:
        if self.kind != "rejected":
            return str(self.record["id"])
        sha = self.record.get("source_sha256")
        return document_id(self.source_path, sha) if sha else None


def _manifest(partition: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads((partition / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data


def _keys(key: str, clean_dir: Path, partition: Path) -> set[str]:
    """What `key` may be: an id, a source path, or a path to the raw file (raw/a.txt, ./raw/a.txt,
    an absolute path) that names the same input relative to the run's raw folder."""
    keys = {key, key.removeprefix("./")}
    raw_dir = _manifest(partition).get("raw_dir")
    if raw_dir:
        prefix = Path(raw_dir).as_posix().rstrip("/") + "/"
        keys |= {k.removeprefix(prefix) for k in list(keys)}
        with contextlib.suppress(ValueError, OSError):
            keys.add(Path(key).resolve().relative_to(Path(raw_dir).resolve()).as_posix())
    # a file's own name, as records show it (control characters and the like escaped)
    keys |= {display_path(k) for k in list(keys)}
    return keys


def _matches(keys: set[str], line: str, always: bool = False) -> Iterator[dict[str, Any]]:
    # cheap test first: a partition can hold millions of lines
    if always or any(json.dumps(k, ensure_ascii=False)[1:-1] in line for k in keys):
        yield json.loads(line)


def find(clean_dir: str | Path, key: str, date: str | None = None) -> list[Found]:
    """Every record of `key` (an id or a source path): in the partition of `date`, or in every
    complete partition, newest first."""
    clean = Path(clean_dir)
    nights = [date] if date else list(reversed(complete_partitions(clean)))
    found: list[Found] = []
    for night in nights:
        partition = clean / night
        keys = _keys(key, clean, partition)
        for kind, name in FILES:
            path = partition / name
            if not path.exists():
                continue
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    # a rejection's id is not in its line: parse every one (they are few)
                    for record in _matches(keys, line, kind == "rejected"):
                        item = Found(kind, night, partition, record)
                        if item.source_path in keys or item.id in keys:
                            found.append(item)
    return found


def _keeper(clean_dir: Path, record: dict[str, Any], night: str) -> Found | None:
    keeper_night = record.get("duplicate_of_night") or night
    for item in find(clean_dir, record["duplicate_of"], keeper_night):
        if item.kind == "document":
            return item
    return None


Lines = tuple[list[str] | None, list[str] | None, str]


def _original_lines(found: Found, raw_dir: Path | None) -> Lines:
    """The input's lines as the pipeline numbered them, re-read from the raw file with the same
    loader (and, for plain text, the same repair), the lines as loaded before the repair (when
    they correspond one to one), and how they were found; None when they cannot be re-read."""
    prov = found.record["provenance"]
    if raw_dir is None:
        return None, None, "the raw folder is not known (pass --raw-dir)"
    try:  # the run's own resolved configuration, written beside its outputs
        resolved = json.loads((found.partition / "config.resolved.json").read_text("utf-8"))
        cfg = parse_config(resolved, str(found.partition / "config.resolved.json"))
    except (OSError, ValueError) as exc:
        return None, None, f"the run's configuration cannot be read ({exc})"
    path = raw_dir / prov["source_path"]
    if not path.exists() and not path.is_symlink():
        return None, None, f"the raw file {path} is no longer there"
    item = read_input(raw_dir, prov["source_path"], cfg.load.max_bytes)
    if isinstance(item, Rejection):
        return None, None, f"the raw file is not readable now ({item.reason})"
    if item.source_sha256 != prov["source_sha256"]:
        return None, None, "the raw file has changed since the run (its sha256 differs)"
    ctx = Context(run_date=dt.date.fromisoformat(found.night))
    loaded, _ = load.run(item, cfg.load, ctx)
    if isinstance(loaded, Drop):
        return None, None, f"the raw file no longer loads ({loaded.reason})"
    if loaded.input_format == "html":
        return visible_lines(loaded.text), None, "re-read from the raw file (the page's blocks)"
    repaired, _ = repair.run(loaded, cfg.repair, ctx)
    if isinstance(repaired, Drop):
        return None, None, f"the raw file no longer repairs ({repaired.reason})"
    after, before = repaired.text.split("\n"), loaded.text.split("\n")
    same_lines = len(before) == len(after)
    return after, before if same_lines else None, "re-read from the raw file, after repair"


def _short(text: str, full: bool, width: int = 160) -> str:
    return text if full or len(text) <= width else text[: width - 1] + "…"


def _rule(p: Painter, entry: dict[str, Any]) -> str:
    extra = f", repeats line {entry['repeat_of']}" if "repeat_of" in entry else ""
    return p.style(f"[{p.doc(entry['label'])} · {p.doc(entry['rule'])}{extra}]", "removed")


def _lines_section(p: Painter, found: Found, raw_dir: Path | None, full: bool) -> None:
    prov = found.record["provenance"]
    removed = list(prov.get("removed", []))
    lines, before, how = _original_lines(found, raw_dir)
    kept = len([t for t in found.record["text"].split("\n") if t])
    p.heading(f"Lines: {kept} paragraphs kept, {len(removed)} pieces removed")
    html = prov.get("input_format") == "html"
    if lines is None:
        p.add(p.style(f"  ({safe(how)}; showing what provenance kept)", "dim"))
        for entry in sorted(removed, key=lambda e: (e["line"], e["start"])):
            p.add(
                f"  {entry['line']:>4} - ", p.doc(_short(entry["text"], full)), " ", _rule(p, entry)
            )
        p.add(p.style("  kept text:", "dim"))
        for para in found.record["text"].split("\n"):
            p.add("       + ", p.doc(_short(para, full), "kept"))
        return
    legend = "+ in the kept text, ? not found in it" if html else "+ kept"
    p.add(p.style(f"  ({safe(how)}; {legend}, - removed, ~ kept in part)", "dim"))
    by_line: dict[int, list[dict[str, Any]]] = {}
    for entry in removed:
        by_line.setdefault(entry["line"], []).append(entry)
    placed: set[int] = set()
    folded_body = segment_html._fold(found.record["text"])
    for number, line in enumerate(lines):
        stripped = line.strip()
        here = [e for e in by_line.get(number, []) if e["text"] and e["text"] in line]
        whole = [e for e in here if e["text"].strip() == stripped]
        if html:  # the page's blocks: only left-out blocks carry these numbers
            here = whole = [e for e in whole if e["rule"].endswith("-cue")
                            or e["rule"].startswith("trafilatura:")]  # fmt: skip
        placed.update(id(e) for e in here)
        if not stripped:
            continue
        if whole:
            p.add(
                f"  {number:>4} - ",
                p.doc(_short(stripped, full), "removed"),
                " ",
                _rule(p, whole[0]),
            )
        elif here:
            p.add(f"  {number:>4} ~ ", p.doc(_short(stripped, full), "part"))
            for entry in here:
                p.add("         - ", p.doc(entry["text"], "removed"), " ", _rule(p, entry))
        else:
            mark = "+" if not html or segment_html._fold(stripped) in folded_body else "?"
            p.add(f"  {number:>4} {mark} ", p.doc(_short(stripped, full), "kept"))
        if before is not None and before[number].strip() != stripped:
            was = p.doc(_short(before[number].strip(), full))
            p.add(
                "         ",
                p.style("was: ", "dim"),
                was,
                p.style("  (as loaded, before repair)", "dim"),
            )
    rest = [e for e in removed if id(e) not in placed]
    if rest:
        where = "extracted text" if html else "text"
        p.add(p.style(f"  removed from the {where} by later steps or rules:", "dim"))
        for entry in rest:
            p.add(f"  {entry['line']:>4} - ", p.doc(_short(entry["text"], full), "removed"), " ",
                  _rule(p, entry))  # fmt: skip


def _encoding_section(p: Painter, prov: dict[str, Any]) -> None:
    enc = prov.get("encoding", {})
    det = enc.get("detected", {})
    p.heading("Encoding")
    line = f"  {p.doc(str(det.get('encoding')))} (by {p.doc(str(det.get('method')))}, "
    line += f"confidence {det.get('confidence')})"
    if prov.get("compression"):
        line += f", decompressed from {p.doc(prov['compression'])}"
    p.add(line)
    for key in ("language", "coherence"):
        if key in det:
            p.add(f"  charset-normalizer {key}: {p.doc(str(det[key]))}")
    if det.get("runner_up"):
        rival = det["runner_up"]
        p.add(f"  runner-up: {p.doc(str(rival.get('encoding')))} "
              f"(confidence {rival.get('confidence')})")  # fmt: skip
    rep = enc.get("repairs", {})
    plans = rep.get("ftfy", [])
    if not rep.get("changed") and not plans:
        p.add("  repairs: none (the text needed no change)")
    for plan in plans:
        steps = " then ".join(" ".join(map(str, step)) for step in plan.get("plan", []))
        p.add(f"  ftfy repaired {len(plan.get('lines', []))} line(s) "
              f"{_numbers(plan.get('lines', []))}: {p.doc(steps)}")  # fmt: skip
    if rep.get("normalization_changed"):
        p.add(f"  Unicode normalisation {rep.get('normalization')} changed the text")
    for name, count in rep.get("removed_characters", {}).items():
        p.add(f"  removed {count} {p.doc(name)} character(s)")
    if rep.get("html_entities_decoded"):
        p.add(f"  decoded {rep['html_entities_decoded']} HTML entities")
    if rep.get("still_broken"):
        p.add(p.style(f"  still looks broken: {p.doc(json.dumps(rep['still_broken']))}", "part"))
    if rep.get("changed") and not plans:
        p.add("  whitespace, control characters or normalisation changed")


def _numbers(numbers: list[int], limit: int = 12) -> str:
    shown = ", ".join(map(str, numbers[:limit]))
    return f"(lines {shown}{', …' if len(numbers) > limit else ''})"


def _scripts_section(p: Painter, record: dict[str, Any]) -> None:
    prov = record["provenance"]
    shares = ", ".join(f"{p.doc(k)} {v:.0%}" for k, v in record.get("scripts", {}).items())
    p.heading("Scripts")
    p.add(f"  {shares or 'no letters'}; main script {p.doc(str(prov.get('main_script')))}")
    spans = prov.get("foreign_script_spans", [])
    if not spans:
        p.add("  no span in a foreign script")
    for span in spans:
        lang = f", language {p.doc(span['language'])}" if span.get("language") else ""
        p.add(f"  {p.doc(span['script'])} span on line {span.get('line')}: "
              f"\"{p.doc(span['text'])}\" -> {p.doc(span['action'])}"
              f" ({p.doc(str(span.get('reason', span.get('where', ''))))}){lang}")  # fmt: skip
    if prov.get("foreign_script_spans_omitted"):
        p.add(f"  ... and {prov['foreign_script_spans_omitted']} more spans (not listed)")
    words = prov.get("mixed_script_words", [])
    if words:
        p.add(f"  {len(words)} word(s) mixing scripts: "
              + ", ".join(p.doc(str(w.get("word", w)) if isinstance(w, dict) else str(w))
                          for w in words[:10]))  # fmt: skip


def _date_section(p: Painter, record: dict[str, Any]) -> None:
    date = record["provenance"].get("date", {})
    p.heading("Publication date")
    if date.get("published"):
        where = p.doc(str(date.get("line_text") or date.get("raw")))
        raw, rule = p.doc(str(date.get("raw"))), p.doc(str(date.get("rule")))
        source = p.doc(str(date.get("source")))
        p.add(f'  {date["published"]} from the {source} "{where}" (raw "{raw}", rule {rule})')
    else:
        p.add(f"  none: {p.doc(str(date.get('null_reason')))}")
    if date.get("ambiguous"):
        readings = ", ".join(f"{k} {v}" for k, v in (date.get("readings") or {}).items())
        p.add(f'  ambiguous: "{p.doc(str(date.get("raw")))}" reads as {readings}')
    res = date.get("resolution")
    if res:
        by = res.get("by")
        if by:
            p.add(f"  resolved by {p.doc(str(by))}: {p.doc(str(res.get('fits')))} fits"
                  + (f", {p.doc(str(res['contradicts']))} does not" if res.get("contradicts")
                     else ""))  # fmt: skip
        else:
            why = res.get("reason") or res.get("conflict") or "no evidence"
            p.add(f"  not resolved: {p.doc(_compact(why))}")
        for key, value in res.items():
            if key not in ("by", "fits", "contradicts", "checked", "reason") and value:
                p.add(f"    evidence {p.doc(key)}: {p.doc(_compact(value))}")
        if res.get("checked"):
            p.add(p.style(f"    checked: {p.doc(_compact(res['checked']))}", "dim"))
    if date.get("updated"):
        p.add(f"  updated {date['updated']} (an update date is not the publication date)")
    for cand in date.get("candidates", []):
        p.add(f"  candidate ({p.doc(str(cand.get('status')))}): \"{p.doc(str(cand.get('raw')))}\""
              f" from {p.doc(str(cand.get('source')))}{_at(cand)}")  # fmt: skip
    for cand in date.get("rejected", []):
        p.add(f"  rejected \"{p.doc(str(cand.get('raw')))}\" from {p.doc(str(cand.get('source')))}"
              f"{_at(cand)}: {p.doc(str(cand.get('reason')))}")  # fmt: skip


def _at(cand: dict[str, Any]) -> str:
    return f" line {cand['line']}" if cand.get("line") is not None else ""


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def _language_section(p: Painter, record: dict[str, Any]) -> None:
    prov = record["provenance"]
    detail = prov.get("language_detail", {})
    p.heading("Language")
    if record.get("language"):
        p.add(f"  {p.doc(record['language'])}, confidence {prov.get('language_confidence')}")
    else:
        p.add(f"  undetermined: {p.doc(str(detail.get('reason', 'unknown')))}")
    alts = ", ".join(f"{p.doc(str(a['lang']))} {a['prob']}" for a in detail.get("alternatives", []))
    if alts:
        p.add(f"  langdetect: {alts}")
    if detail:
        p.add(p.style(f"  sample: {detail.get('sample')}, {detail.get('letters')} letters of "
                      f"{detail.get('sample_chars')} characters", "dim"))  # fmt: skip


def _duplicate_section(p: Painter, found: Found, clean_dir: Path) -> None:
    rec = found.record
    p.heading("Duplicate")
    keeper = _keeper(clean_dir, rec, found.night)
    night = rec.get("duplicate_of_night") or found.night
    where = p.doc(keeper.source_path) if keeper else "not found in that partition any more"
    p.add(f"  {p.doc(rec['duplicate_kind'])} duplicate of {p.doc(rec['duplicate_of'])} "
          f"({where}), kept in night {night}")  # fmt: skip
    if rec["duplicate_kind"] == "exact":
        p.add(
            f"  similarity {rec['similarity']}: the same text once case, punctuation and "
            "spacing are folded"
        )
    else:
        p.add(
            f"  similarity {rec['similarity']:.3f} (Jaccard similarity of word shingles, "
            "verified; the run's dedup.threshold decides)"
        )
    p.add(f"  group (cluster) {p.doc(str(rec.get('cluster')))}")


def _rejected(p: Painter, found: Found, raw_dir: Path | None) -> None:
    rec = found.record
    p.heading("Rejected")
    p.add(f"  stage {p.doc(rec['stage'])}, reason {p.style(p.doc(rec['reason']), 'removed')}")
    p.add(f"  {p.doc(rec['error'])}")
    if rec.get("source_sha256"):
        p.add(p.style(f"  sha256 {rec['source_sha256']}", "dim"))
    if raw_dir is not None:
        path = raw_dir / rec["source_path"]
        state = f"{path.stat().st_size} bytes now" if path.is_file() else "no longer there"
        p.add(p.style(f"  raw file {p.doc(str(path))}: {state}", "dim"))


def explain(
    found: Found,
    clean_dir: str | Path,
    raw_dir: str | Path | None = None,
    color: bool = False,
    full: bool = False,
    others: list[Found] | None = None,
) -> str:
    """The journey of one record as terminal text."""
    p = Painter(color=color)
    clean = Path(clean_dir)
    raw: Path | None = Path(raw_dir) if raw_dir else None
    if raw is None and _manifest(found.partition).get("raw_dir"):
        raw = Path(_manifest(found.partition)["raw_dir"])
    rec = found.record
    kinds = {"document": "kept document", "duplicate": "duplicate (not in documents.jsonl)",
             "rejected": "rejected input"}  # fmt: skip
    p.add(p.style(p.doc(found.source_path), "head"),
          f"  {kinds[found.kind]}, night {found.night}")  # fmt: skip
    if found.id:
        p.add(f"  id {found.id}")
    for other in others or []:
        p.add(p.style(f"  also in night {other.night} as {other.kind}", "dim"))
    if found.kind == "rejected":
        _rejected(p, found, raw)
        return "\n".join(p.lines) + "\n"
    prov = rec["provenance"]
    p.add(f"  title: {p.doc(rec['title']) if rec.get('title') else '(none)'}")
    published = rec.get("published") or "(none)"
    p.add(f"  {prov.get('input_format')} input, {prov.get('source_bytes')} bytes; "
          f"published {published}; language {rec.get('language')}")  # fmt: skip
    if found.kind == "duplicate":
        _duplicate_section(p, found, clean)
    _lines_section(p, found, raw, full)
    _encoding_section(p, prov)
    _scripts_section(p, rec)
    _date_section(p, rec)
    _language_section(p, rec)
    steps = ", ".join(f"{k} {v.get('version')}" for k, v in prov.get("steps", {}).items())
    p.heading("Versions")
    p.add(p.style(f"  pipeline {prov.get('pipeline_version')}; steps {steps}; "
                  f"config {str(prov.get('config_sha256'))[:12]}", "dim"))  # fmt: skip
    return "\n".join(p.lines) + "\n"
