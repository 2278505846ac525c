"""Language and scripts benchmark: the scripts and language steps on labelled text.

Run it with ``.venv/bin/python -m bench.language`` (``make bench-language``); ``--json PATH``
changes where the results go (by default ``bench/results/language.json``), ``--no-processes``
skips the cross-process determinism check, ``--repeat N`` sets the timing repeats.

Data (``bench/data/language/``, see its README)
    * ``paragraphs/<lang>.txt``: six paragraphs in each of 32 languages (12 writing systems),
      written for this benchmark. From them: *paragraph* items (each paragraph), *page* items
      (the six paragraphs joined by newlines, in three rotations: starting at the 1st, 3rd and
      5th paragraph) and *line* items (clauses: the paragraph cut at sentence and clause
      punctuation, Thai at spaces; kept when they have 3 to 12 words, or 8 to 40 letters in
      Chinese, Japanese and Thai).
    * ``scrapinghub-labels.json``: the language of each of the 181 article bodies of
      ``bench/data/scrapinghub/ground-truth.json`` (English, Portuguese, Russian, Korean,
      Italian, Indonesian, German, Japanese). Each body is a *page* item; up to three of its
      lines with at least 150 letters (60 in Chinese, Japanese and Korean) are *paragraph*
      items, and up to three clauses of its paragraphs are *line* items; an item listed under
      "excluded" (not in the page's language: names, code, quotations) is left out.
    * ``mixed.json``: documents made of lines (a literal line, or ``@<lang>/<n>``, the n-th
      paragraph of ``paragraphs/<lang>.txt``) with every foreign-script span they contain
      (its text, script and the expected action) and their mixed-script words.

What is measured
    * Language: every item goes through ``scripts.run`` then ``language.run`` (the pipeline's
      steps, ``config/pipeline.yaml``) as a Document whose text is the item. Per length and per
      language: correct, wrong, abstained (language null: too short, no features, low
      confidence). *accuracy* = correct / (correct + wrong), the answers that were right;
      *coverage* = answered / items; *correct/items* counts an abstention as a failure.
    * Spans: each mixed document is run two ways. ``body``: a Document whose lines are all body
      lines (what the HTML path hands over when trafilatura keeps a widget), through
      ``scripts.run`` alone, so the scripts step's own policy decides. ``text``: the document as
      a .txt file through ``load.run``, ``repair.run``, ``segment_text.run`` and
      ``scripts.run``, so a line the segmenter already removed is reported from its removed
      line. A reported span matches a true one when its full text (the source sliced at its
      offsets) and its script are equal; precision = matched / reported, recall = matched /
      true; *action* = the matched spans whose action is the expected one. Mixed-script words
      are matched on their text.
    * Time: ``scripts.run`` plus ``language.run`` on the 181 ScrapingHub bodies (Documents with
      text = body), after a warm-up pass; per document the median of ``--repeat`` runs; the
      median and 90th percentile over documents.
    * Determinism: the answers and provenance of both steps for every item and mixed document,
      serialised as JSON, are hashed in this process and in two subprocesses started with
      PYTHONHASHSEED=1 and 2; the three hashes must be equal.

Targets (the issue): accuracy >= 99 % on paragraphs and pages; span precision and recall
>= 0.98; scripts + language <= 8 ms median per ScrapingHub body.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import regex

from bench.common import code_state
from pipeline.config import PipelineConfig, load_config
from pipeline.record import Document, Drop
from pipeline.steps import Context, language, load, repair, scripts, segment_text

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "language"
SCRAPINGHUB = ROOT / "bench" / "data" / "scrapinghub" / "ground-truth.json"
RESULTS = ROOT / "bench" / "results" / "language.json"
CONFIG = ROOT / "config" / "pipeline.yaml"
RUN_DATE = dt.date(2026, 11, 21)  # fixed: nothing depends on the clock
LENGTHS = ("line", "paragraph", "page")
TARGET_ACCURACY = 0.99
TARGET_SPANS = 0.98
TARGET_MS = 8.0

# Languages written without spaces between words (clauses and paragraphs measured in letters).
_UNSPACED_LANGS = frozenset({"zh", "ja", "th"})
_CJK_LANGS = frozenset({"zh", "ja", "ko"})
_CLAUSE = regex.compile(r"(?<=[,.;:!?،؛؟۔।，。、！？；：])\s*")
_LETTER = regex.compile(r"\p{L}")

# Writing system of each language of the set (for the tables).
_LATIN_LANGS = ("en", "fr", "es", "de", "it", "pt", "nl", "pl", "sv", "da", "no", "cs", "sk")
SCRIPT_OF_LANG = {
    **dict.fromkeys((*_LATIN_LANGS, "tr", "vi", "id"), "Latn"),
    **dict.fromkeys(("ru", "uk", "bg"), "Cyrl"),
    **dict.fromkeys(("ar", "fa", "ur"), "Arab"),
    **dict.fromkeys(("hi", "mr"), "Deva"),
    "el": "Grek",
    "he": "Hebr",
    "zh": "Hani",
    "ja": "Jpan",
    "ko": "Hang",
    "th": "Thai",
    "bn": "Beng",
    "ta": "Taml",
}


@dataclass(frozen=True)
class Item:
    id: str
    source: str  # "written" or "scrapinghub"
    lang: str
    length: str  # line | paragraph | page
    text: str


def letters(text: str) -> int:
    return len(_LETTER.findall(text))


def words(text: str) -> int:
    return len(text.split())


def clauses(paragraph: str, lang: str) -> list[str]:
    """Clauses of a paragraph that make a line item (see the module docstring)."""
    pieces = [p.strip() for p in _CLAUSE.split(paragraph)]
    if lang == "th":
        pieces = [q for p in pieces for q in p.split(" ")]
    out = []
    for piece in pieces:
        piece = piece.strip(" ,.;:!?،؛؟۔।，。、！？；：")
        if lang in _UNSPACED_LANGS:
            if 8 <= letters(piece) <= 40:
                out.append(piece)
        elif 3 <= words(piece) <= 12:
            out.append(piece)
    return out


def written_paragraphs() -> dict[str, list[str]]:
    out = {}
    for path in sorted((DATA / "paragraphs").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        out[path.stem] = [p.strip() for p in text.split("\n\n") if p.strip()]
    return out


def load_items(paragraphs: dict[str, list[str]]) -> list[Item]:
    items: list[Item] = []
    for lang, paras in paragraphs.items():
        for start in (0, 2, 4):
            page = "\n".join(paras[start:] + paras[:start])
            items.append(Item(f"{lang}/page{start}", "written", lang, "page", page))
        for n, para in enumerate(paras):
            items.append(Item(f"{lang}/{n}", "written", lang, "paragraph", para))
            for k, clause in enumerate(clauses(para, lang)):
                items.append(Item(f"{lang}/{n}.{k}", "written", lang, "line", clause))

    labels = json.loads((DATA / "scrapinghub-labels.json").read_text(encoding="utf-8"))
    excluded = labels.get("excluded", {})
    truth = json.loads(SCRAPINGHUB.read_text(encoding="utf-8"))
    for page_id, lang in sorted(labels["labels"].items()):
        body = truth[page_id]["articleBody"]
        short = page_id[:12]
        items.append(Item(f"sh/{short}", "scrapinghub", lang, "page", body))
        min_letters = 60 if lang in _CJK_LANGS else 150
        body_lines = [ln.strip() for ln in body.split("\n") if ln.strip()]
        long_lines = [(n, ln) for n, ln in enumerate(body_lines) if letters(ln) >= min_letters]
        for n, para in long_lines[:3]:
            item_id = f"sh/{short}/{n}"
            if item_id not in excluded:
                items.append(Item(item_id, "scrapinghub", lang, "paragraph", para))
        body_clauses = [(n, k, c) for n, p in long_lines for k, c in enumerate(clauses(p, lang))]
        for n, k, clause in body_clauses[:3]:
            item_id = f"sh/{short}/{n}.{k}"
            if item_id not in excluded:
                items.append(Item(item_id, "scrapinghub", lang, "line", clause))
    return items


def make_doc(name: str, text: str) -> Document:
    return Document(
        source_path=name,
        source_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source_bytes=len(text.encode("utf-8")),
        text=text,
    )


def detect(
    doc: Document, cfg: PipelineConfig, ctx: Context
) -> tuple[Document | Drop, dict[str, Any], dict[str, Any]]:
    """scripts.run then language.run: the final record and each step's provenance."""
    scripted, script_prov = scripts.run(doc, cfg.scripts, ctx)
    if isinstance(scripted, Drop):
        return scripted, script_prov, {}
    result, lang_prov = language.run(scripted, cfg.language, ctx)
    return result, script_prov, lang_prov


# --- language accuracy ------------------------------------------------------------------------


def evaluate_language(
    items: Sequence[Item], cfg: PipelineConfig, ctx: Context
) -> tuple[list[dict[str, Any]], list[str]]:
    """One record per item, and the JSON lines hashed for the determinism check."""
    records = []
    fingerprint_lines = []
    for item in items:
        result, script_prov, lang_prov = detect(make_doc(item.id, item.text), cfg, ctx)
        predicted = result.language if isinstance(result, Document) else None
        detail = lang_prov.get("language_detail", {})
        records.append(
            {
                "id": item.id,
                "source": item.source,
                "lang": item.lang,
                "length": item.length,
                "chars": len(item.text),
                "letters": letters(item.text),
                "predicted": predicted,
                "confidence": lang_prov.get("language_confidence"),
                "reason": detail.get("reason"),
                "alternatives": detail.get("alternatives", []),
                "outcome": "abstained"
                if predicted is None
                else ("correct" if predicted == item.lang else "wrong"),
            }
        )
        fingerprint_lines.append(
            json.dumps(
                [item.id, predicted, script_prov, lang_prov], sort_keys=True, ensure_ascii=False
            )
        )
    return records, fingerprint_lines


def _tally(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    counts = Counter(r["outcome"] for r in records)
    n = sum(counts.values())
    answered = counts["correct"] + counts["wrong"]
    return {
        "items": n,
        "correct": counts["correct"],
        "wrong": counts["wrong"],
        "abstained": counts["abstained"],
        "accuracy": round(counts["correct"] / answered, 4) if answered else None,
        "coverage": round(answered / n, 4) if n else None,
        "correct_of_items": round(counts["correct"] / n, 4) if n else None,
    }


def summarise_language(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    by_length = {length: _tally(r for r in records if r["length"] == length) for length in LENGTHS}
    by_length_source = {
        f"{length}/{source}": _tally(
            r for r in records if r["length"] == length and r["source"] == source
        )
        for length in LENGTHS
        for source in ("written", "scrapinghub")
    }
    by_language: dict[str, dict[str, Any]] = {}
    for lang in sorted({r["lang"] for r in records}):
        by_language[lang] = {
            length: _tally(r for r in records if r["lang"] == lang and r["length"] == length)
            for length in LENGTHS
        }
    abstentions: Counter[str] = Counter(
        f"{r['length']}:{r['reason']}" for r in records if r["outcome"] == "abstained"
    )
    wrong = [
        {k: r[k] for k in ("id", "length", "lang", "predicted", "confidence", "letters")}
        for r in records
        if r["outcome"] == "wrong"
    ]
    return {
        "by_length": by_length,
        "by_length_and_source": by_length_source,
        "by_language": by_language,
        "abstentions_by_reason": dict(sorted(abstentions.items())),
        "wrong": wrong,
    }


# --- foreign-script spans ---------------------------------------------------------------------


def mixed_documents(paragraphs: dict[str, list[str]]) -> list[dict[str, Any]]:
    spec = json.loads((DATA / "mixed.json").read_text(encoding="utf-8"))
    docs = []
    for entry in spec["documents"]:
        lines = []
        for line in entry["lines"]:
            if line.startswith("@"):
                lang, number = line[1:].split("/")
                line = paragraphs[lang][int(number)]
            lines.append(line)
        docs.append({**entry, "text": "\n".join(lines)})
    return docs


def _span_sources(doc: Document) -> dict[Any, str]:
    sources: dict[Any, str] = {"text": doc.text}
    for line in doc.lines:
        sources.setdefault(("removed", line.line), line.text)
    return sources


def reported_spans(doc: Document, prov: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """(full text, script, action, language) of every span, checking its offsets."""
    sources = _span_sources(doc)
    out = []
    for span in prov["foreign_script_spans"]:
        key = "text" if span["where"] == "text" else ("removed", span["line"])
        full = sources[key][span["start"] : span["end"]]
        if full[: len(span["text"])] != span["text"]:
            raise AssertionError(f"span offsets do not slice its text: {span}")
        out.append((full, span["script"], span["action"], span["language"]))
    return out


def match_spans(
    truth: Sequence[Sequence[str]], found: Sequence[tuple[str, str, str, Any]]
) -> tuple[Counter[str], list[Any], list[Any], list[Any]]:
    """Counts (matched, right action, span languages right/wrong/null), the missed true spans,
    the spurious reported ones and the matched ones with another action."""
    pool = list(found)
    counts: Counter[str] = Counter()
    missed, wrong_action = [], []
    for text, script, action, *span_language in truth:
        hit = next((f for f in pool if f[0] == text and f[1] == script), None)
        if hit is None:
            missed.append([text, script, action])
            continue
        pool.remove(hit)
        counts["matched"] += 1
        if hit[2] == action:
            counts["right_action"] += 1
        else:
            wrong_action.append([text, script, action, hit[2]])
        if span_language:
            outcome = (
                "null" if hit[3] is None else ("right" if hit[3] == span_language[0] else "wrong")
            )
            counts[f"span_language_{outcome}"] += 1
    return counts, missed, [list(f) for f in pool], wrong_action


def run_text_path(name: str, text: str, cfg: PipelineConfig, ctx: Context) -> Document | Drop:
    raw = text.encode("utf-8")
    doc = Document(
        source_path=f"{name}.txt",
        source_sha256=hashlib.sha256(raw).hexdigest(),
        source_bytes=len(raw),
        raw=raw,
    )
    for step, step_cfg in (
        (load, cfg.load),
        (repair, cfg.repair),
        (segment_text, cfg.segment_text),
    ):
        result, _ = step.run(doc, step_cfg, ctx)
        if isinstance(result, Drop):
            return result
        doc = result
    return doc


def evaluate_spans(
    docs: Sequence[dict[str, Any]], cfg: PipelineConfig, ctx: Context
) -> tuple[dict[str, Any], list[str]]:
    report: dict[str, Any] = {}
    fingerprint_lines = []
    for mode in ("body", "text"):
        totals: Counter[str] = Counter()
        per_doc = []
        for entry in docs:
            if mode == "body":
                doc: Document | Drop = make_doc(entry["id"], entry["text"])
            else:
                doc = run_text_path(entry["id"], entry["text"], cfg, ctx)
            if isinstance(doc, Drop):
                per_doc.append({"id": entry["id"], "dropped": doc.reason})
                totals["true"] += len(entry["spans"])
                continue
            result, script_prov, lang_prov = detect(doc, cfg, ctx)
            fingerprint_lines.append(
                json.dumps([mode, entry["id"], script_prov, lang_prov], sort_keys=True)
            )
            assert isinstance(result, Document)
            found = reported_spans(result, script_prov)
            counts, missed, spurious, wrong_action = match_spans(entry["spans"], found)
            words_found = [w["word"] for w in script_prov["mixed_script_words"]]
            words_truth = list(entry["mixed_words"])
            words_matched = sum((Counter(words_found) & Counter(words_truth)).values())
            totals.update(counts)
            totals.update(
                true=len(entry["spans"]),
                reported=len(found),
                words_true=len(words_truth),
                words_reported=len(words_found),
                words_matched=words_matched,
                docs=1,
                language_right=result.language == entry["language"],
                language_null=result.language is None,
            )
            if (
                missed
                or spurious
                or wrong_action
                or words_matched != len(words_truth)
                or len(words_found) != len(words_truth)
            ):
                per_doc.append(
                    {
                        "id": entry["id"],
                        "missed": missed,
                        "spurious": spurious,
                        "wrong_action": wrong_action,
                        "mixed_words": words_found,
                        "mixed_words_expected": words_truth,
                    }
                )
        report[mode] = {
            "documents": len(docs),
            "true_spans": totals["true"],
            "reported_spans": totals["reported"],
            "matched": totals["matched"],
            "precision": _ratio(totals["matched"], totals["reported"]),
            "recall": _ratio(totals["matched"], totals["true"]),
            "right_action": totals["right_action"],
            "action_precision": _ratio(totals["right_action"], totals["reported"]),
            "action_recall": _ratio(totals["right_action"], totals["true"]),
            "mixed_words": {
                "true": totals["words_true"],
                "reported": totals["words_reported"],
                "precision": _ratio(totals["words_matched"], totals["words_reported"]),
                "recall": _ratio(totals["words_matched"], totals["words_true"]),
            },
            "span_language": {
                "right": totals["span_language_right"],
                "wrong": totals["span_language_wrong"],
                "null": totals["span_language_null"],
            },
            "document_language_right": totals["language_right"],
            "document_language_null": totals["language_null"],
            "problems": per_doc,
        }
    return report, fingerprint_lines


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


# --- time -------------------------------------------------------------------------------------


def time_scrapinghub(cfg: PipelineConfig, ctx: Context, repeat: int) -> dict[str, Any]:
    truth = json.loads(SCRAPINGHUB.read_text(encoding="utf-8"))
    docs = [make_doc(k, truth[k]["articleBody"]) for k in sorted(truth)]
    for doc in docs:  # warm-up: profiles, caches
        detect(doc, cfg, ctx)
    per_doc: dict[str, list[float]] = {"scripts": [], "language": [], "total": []}
    for doc in docs:
        runs: dict[str, list[float]] = defaultdict(list)
        for _ in range(repeat):
            t0 = time.perf_counter()
            scripted, _ = scripts.run(doc, cfg.scripts, ctx)
            t1 = time.perf_counter()
            assert isinstance(scripted, Document)
            language.run(scripted, cfg.language, ctx)
            t2 = time.perf_counter()
            runs["scripts"].append((t1 - t0) * 1000)
            runs["language"].append((t2 - t1) * 1000)
            runs["total"].append((t2 - t0) * 1000)
        for key, values in runs.items():
            per_doc[key].append(statistics.median(values))
    out: dict[str, Any] = {"documents": len(docs), "repeat": repeat}
    for key, values in per_doc.items():
        ordered = sorted(values)
        out[key] = {
            "median_ms": round(statistics.median(ordered), 2),
            "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 2),
            "max_ms": round(ordered[-1], 2),
        }
    chars = sorted(len(d.text) for d in docs)
    out["body_chars_median"] = chars[len(chars) // 2]
    return out


# --- determinism ------------------------------------------------------------------------------


def fingerprint(lines: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def compute_fingerprint(cfg: PipelineConfig, ctx: Context) -> tuple[str, int]:
    paragraphs = written_paragraphs()
    items = load_items(paragraphs)
    _, lines = evaluate_language(items, cfg, ctx)
    _, span_lines = evaluate_spans(mixed_documents(paragraphs), cfg, ctx)
    return fingerprint(lines + span_lines), len(lines) + len(span_lines)


def other_processes(seeds: Sequence[str]) -> list[dict[str, Any]]:
    """Start one worker per PYTHONHASHSEED (in parallel) and collect their fingerprints."""
    procs = []
    for seed in seeds:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        cmd = [sys.executable, "-m", "bench.language", "--fingerprint-only"]
        procs.append(
            (
                seed,
                subprocess.Popen(
                    cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
                ),
            )
        )
    out = []
    for seed, proc in procs:
        stdout, stderr = proc.communicate(timeout=600)
        if proc.returncode != 0:
            raise RuntimeError(f"worker PYTHONHASHSEED={seed} failed: {stderr.decode()[-2000:]}")
        digest, count = stdout.decode().split()
        out.append({"PYTHONHASHSEED": seed, "sha256": digest, "records": int(count)})
    return out


# --- report -----------------------------------------------------------------------------------


def _fmt(value: float | None, pct: bool = True) -> str:
    if value is None:
        return "-"
    return f"{100 * value:.1f}%" if pct else f"{value:.3f}"


def _cwa(t: dict[str, Any]) -> str:
    return f"{t['correct']}/{t['wrong']}/{t['abstained']}" if t["items"] else "-"


def format_report(report: dict[str, Any]) -> str:
    lang = report["language"]
    out = ["Language identification (scripts.run + language.run, config/pipeline.yaml)", ""]
    out.append(
        f"{'length':<22}{'items':>6}{'correct':>8}{'wrong':>6}{'abst.':>6}"
        f"{'accuracy':>10}{'coverage':>10}{'corr/items':>11}"
    )
    rows = [(k, v) for k, v in lang["by_length"].items()]
    rows += [(k, v) for k, v in lang["by_length_and_source"].items()]
    for name, t in rows:
        out.append(
            f"{name:<22}{t['items']:>6}{t['correct']:>8}{t['wrong']:>6}{t['abstained']:>6}"
            f"{_fmt(t['accuracy']):>10}{_fmt(t['coverage']):>10}"
            f"{_fmt(t['correct_of_items']):>11}"
        )
    out.append("  accuracy = correct / answered; coverage = answered / items")
    out.append("")
    out.append("Per language: correct/wrong/abstained")
    out.append(f"{'lang':<6}{'script':<7}{'line':>12}{'paragraph':>12}{'page':>12}")
    for code, per in lang["by_language"].items():
        out.append(
            f"{code:<6}{SCRIPT_OF_LANG.get(code, '?'):<7}"
            + "".join(f"{_cwa(per[length]):>12}" for length in LENGTHS)
        )
    out.append("")
    abst = ", ".join(f"{k} {v}" for k, v in lang["abstentions_by_reason"].items()) or "none"
    out.append(f"Abstentions by reason: {abst}")
    if lang["wrong"]:
        out.append(f"Wrong answers ({len(lang['wrong'])}):")
        for w in lang["wrong"][:40]:
            out.append(
                f"  {w['length']:<9} {w['id']:<22} {w['lang']} -> {w['predicted']} "
                f"({w['confidence']}, {w['letters']} letters)"
            )
    out.append("")
    out.append("Foreign-script spans (mixed documents)")
    out.append(
        f"{'path':<6}{'docs':>5}{'true':>6}{'found':>6}{'P':>8}{'R':>8}"
        f"{'action P':>10}{'action R':>10}{'words P':>9}{'words R':>9}{'doc lang':>10}"
        f"{'span lang r/w/null':>20}"
    )
    for mode, s in report["spans"].items():
        w = s["mixed_words"]
        out.append(
            f"{mode:<6}{s['documents']:>5}{s['true_spans']:>6}{s['reported_spans']:>6}"
            f"{_fmt(s['precision'], False):>8}{_fmt(s['recall'], False):>8}"
            f"{_fmt(s['action_precision'], False):>10}{_fmt(s['action_recall'], False):>10}"
            f"{_fmt(w['precision'], False):>9}{_fmt(w['recall'], False):>9}"
            f"{s['document_language_right']:>7}/{s['documents']:<2}"
            f"{'/'.join(str(s['span_language'][k]) for k in ('right', 'wrong', 'null')):>20}"
        )
    for mode, s in report["spans"].items():
        for problem in s["problems"]:
            out.append(f"  {mode}: {json.dumps(problem, ensure_ascii=False)}")
    out.append("")
    t = report["time"]
    out.append(
        f"Time per ScrapingHub body ({t['documents']} bodies, median {t['body_chars_median']} "
        f"chars; median of {t['repeat']} runs each): "
        + "; ".join(
            f"{k} median {t[k]['median_ms']} ms, p90 {t[k]['p90_ms']} ms"
            for k in ("scripts", "language", "total")
        )
    )
    det = report["determinism"]
    if det.get("processes"):
        same = all(p["sha256"] == det["this_process"] for p in det["processes"])
        seeds = ", ".join(p["PYTHONHASHSEED"] for p in det["processes"])
        out.append(
            f"Determinism: {det['records']} records, this process and PYTHONHASHSEED={seeds}: "
            + ("identical" if same else "DIFFERENT")
            + f" ({det['this_process'][:16]})"
        )
    else:
        out.append("Determinism across processes: not run (--no-processes)")
    out.append("")
    out.append("Targets")
    for name, ok, value in report["targets"]:
        out.append(f"  [{'ok' if ok else 'MISSED'}] {name}: {value}")
    code = report["code"]
    out.append(f"code: commit {code['commit']}")
    if code["uncommitted"]:
        out.append(f"  with uncommitted changes to: {', '.join(code['uncommitted'])}")
    return "\n".join(out)


def targets(report: dict[str, Any]) -> list[tuple[str, bool, str]]:
    out = []
    for length in ("paragraph", "page"):
        t = report["language"]["by_length"][length]
        value = t["correct_of_items"] or 0.0
        out.append(
            (
                f"{length} accuracy >= 99 % (correct / items, abstentions count as failures)",
                value >= TARGET_ACCURACY,
                f"{100 * value:.2f}% (answered: {_fmt(t['accuracy'])})",
            )
        )
    for mode, s in report["spans"].items():
        p, r = s["precision"] or 0.0, s["recall"] or 0.0
        out.append(
            (
                f"span precision and recall >= 0.98 ({mode} path)",
                p >= TARGET_SPANS and r >= TARGET_SPANS,
                f"P {p:.3f} R {r:.3f}",
            )
        )
    ms = report["time"]["total"]["median_ms"]
    out.append(("scripts + language <= 8 ms median", ms <= TARGET_MS, f"{ms} ms"))
    det = report["determinism"]
    if det.get("processes"):
        same = all(p["sha256"] == det["this_process"] for p in det["processes"])
        out.append(("same answers in separate processes", same, "identical" if same else "no"))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.language", description=__doc__)
    parser.add_argument("--json", type=Path, default=RESULTS, help="results JSON file")
    parser.add_argument("--repeat", type=int, default=3, help="timing runs per document")
    parser.add_argument(
        "--no-processes", action="store_true", help="skip the cross-process determinism check"
    )
    parser.add_argument("--fingerprint-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    cfg = load_config(CONFIG)
    ctx = Context(run_date=RUN_DATE)
    if args.fingerprint_only:  # worker of the determinism check
        digest, count = compute_fingerprint(cfg, ctx)
        print(digest, count)
        return 0

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started = time.perf_counter()
    workers: list[dict[str, Any]] = []
    paragraphs = written_paragraphs()
    items = load_items(paragraphs)
    log(f"{len(items)} items in {len(paragraphs)} written languages + ScrapingHub bodies")
    records, lines = evaluate_language(items, cfg, ctx)
    docs = mixed_documents(paragraphs)
    spans, span_lines = evaluate_spans(docs, cfg, ctx)
    log(f"language and spans done in {time.perf_counter() - started:.1f} s")
    timing = time_scrapinghub(cfg, ctx, args.repeat)
    log(f"timing done in {time.perf_counter() - started:.1f} s")
    if not args.no_processes:
        workers = other_processes(["1", "2"])
        log(f"determinism workers done in {time.perf_counter() - started:.1f} s")

    report: dict[str, Any] = {
        "language": summarise_language(records),
        "spans": spans,
        "time": timing,
        "determinism": {
            "this_process": fingerprint(lines + span_lines),
            "records": len(lines) + len(span_lines),
            "processes": workers,
        },
        "code": code_state(),
    }
    report["targets"] = targets(report)
    report["items"] = records
    report["seconds"] = round(time.perf_counter() - started, 1)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(format_report(report))
    print(f"\n{report['seconds']} s; written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
