"""Applies the steps to each document: the only loop. Turns an unexpected exception into a
counted drop (error:<Type>) and fails the shard above the configured error rate; stops a
document that runs past the time limit (runner.max_seconds_per_document) and rejects it."""

from __future__ import annotations

import dataclasses
import logging
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from types import ModuleType
from typing import Any

from pipeline import __version__, corpus
from pipeline.config import PipelineConfig
from pipeline.record import SCHEMA_VERSION, Document, Drop
from pipeline.steps import (
    Context,
    dates,
    language,
    load,
    repair,
    repeats,
    scripts,
    segment_html,
    segment_text,
    signature,
)

# Steps in order; "segment" is chosen by the input format that load detected. HTML is segmented
# before it is repaired: trafilatura reads the page as it is, and repair then works on the
# article's text rather than on every script and style block of the page.
STEPS: tuple[str, ...] = (
    "load", "repair", "segment", "repeats", "scripts", "language", "dates", "signature",
)  # fmt: skip
HTML_STEPS: tuple[str, ...] = (
    "load", "segment", "repair", "repeats", "scripts", "language", "dates", "signature",
)  # fmt: skip
_MODULES: dict[str, ModuleType] = {
    "load": load,
    "repair": repair,
    "repeats": repeats,
    "scripts": scripts,
    "language": language,
    "dates": dates,
    "signature": signature,
}
_LIBRARIES: dict[str, tuple[str, ...]] = {
    "load": ("charset-normalizer",),
    "repair": ("ftfy",),
    "segment_html": ("trafilatura", "htmldate", "lxml"),
    "segment_text": ("regex",),
    "repeats": (),
    "scripts": ("regex",),
    "language": ("langdetect",),
    "dates": (),
    "signature": ("rensa",),
}


class ShardFailed(RuntimeError):
    """Too many documents of a shard hit unexpected errors: a broken library, not bad input."""


class DocumentTimeout(BaseException):
    """A document ran past its time limit. A BaseException, so that the `except Exception` of a
    library the step calls cannot swallow it."""


log = logging.getLogger("pipeline")


class Deadline:
    """Raises DocumentTimeout in the running code once `seconds` have passed.

    Why a timer signal (SIGALRM) in the process that runs the task: Luigi runs a task in its
    own main thread (in the scheduler's process with one worker, in a forked process per task
    with more), where a signal handler can raise into whatever Python code or regular
    expression (both the `regex` and the `re` engine check for signals while they match) is
    running; it costs two system calls per document, where a subprocess per document would cost
    a fork and a copy of the document each way. What it cannot stop is C code that never checks
    for signals: the parser and extraction limits of the load step (size, line length, HTML
    depth and element count) keep that bounded. Off the main thread (where signals cannot be
    handled) the limit is not enforced, and a warning says so once.
    """

    _warned = False

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False
        self.started = 0.0
        self._previous: Any = None
        self._outer: tuple[float, float] = (0.0, 0.0)

    def _on_alarm(self, signum: int, frame: Any) -> None:
        if self.armed:
            raise DocumentTimeout

    def start(self) -> None:
        self.started = time.perf_counter()
        if threading.current_thread() is not threading.main_thread() or not hasattr(
            signal, "setitimer"
        ):
            if not Deadline._warned:
                Deadline._warned = True
                log.warning("documents are processed off the main thread: no time limit")
            return
        self._previous = signal.signal(signal.SIGALRM, self._on_alarm)
        self.armed = True
        # fires again every second while armed, should a library swallow the first one
        self._outer = signal.setitimer(signal.ITIMER_REAL, self.seconds, 1.0)

    def stop(self) -> None:
        if self.armed:
            self.armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            previous = signal.SIG_DFL if self._previous is None else self._previous
            signal.signal(signal.SIGALRM, previous)
            delay, interval = self._outer
            if delay:  # someone else's timer was running: it goes on, less the time spent
                elapsed = time.perf_counter() - self.started
                signal.setitimer(signal.ITIMER_REAL, max(delay - elapsed, 0.001), interval)


@cache
def library_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _module_for(step: str, doc: Document) -> ModuleType:
    if step == "segment":
        return segment_html if doc.input_format == "html" else segment_text
    return _MODULES[step]


def _step_config(cfg: PipelineConfig, module: ModuleType) -> Any:
    return getattr(cfg, module.NAME)


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Provenance entries merge key by key; nested mappings merge recursively."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class Rejection:
    source_path: str
    source_sha256: str | None
    stage: str
    reason: str
    error: str

    def to_json(self) -> dict[str, Any]:
        """The line of rejected.jsonl (SPEC: rejected.jsonl)."""
        return {**dataclasses.asdict(self), "schema_version": SCHEMA_VERSION}


@dataclass
class Outcome:
    """What became of one input: a finished document or a rejection, and the time per step."""

    doc: Document | None = None
    rejection: Rejection | None = None
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class Prepared:
    """A plain-text document after its first steps (load and repair), made by the corpus-facts
    pass so that the full pass goes on from there: the provenance and the step times are those
    the full pass would have recorded, and the time limit counts the time already spent."""

    doc: Document
    seconds: dict[str, float]
    steps: int  # how many of STEPS are done


def process(
    doc: Document,
    cfg: PipelineConfig,
    ctx: Context,
    config_sha256: str,
    prepared: Prepared | None = None,
) -> Outcome:
    """Run every step on one document (the rest of them after `prepared`), within the time
    limit."""
    outcome = Outcome()
    spent = sum(prepared.seconds.values()) if prepared else 0.0
    deadline = Deadline(max(cfg.runner.max_seconds_per_document - spent, 0.001))
    try:
        deadline.start()
        try:
            _process(doc, cfg, ctx, config_sha256, outcome, prepared)
        finally:
            deadline.stop()
    except DocumentTimeout:
        deadline.stop()
        step = next(reversed(outcome.seconds), "load")  # the step that was running
        elapsed = time.perf_counter() - deadline.started
        outcome.seconds[step] = max(0.0, elapsed - (sum(outcome.seconds.values()) - spent))
        outcome.doc = None
        outcome.rejection = Rejection(
            source_path=doc.source_path,
            source_sha256=doc.source_sha256,
            stage=step,
            reason="timeout",
            error=f"{doc.source_path}: processing was stopped after "
            f"{cfg.runner.max_seconds_per_document:g} s in the {step} step, over the limit "
            "(runner.max_seconds_per_document)",
        )
    return outcome


def _started(doc: Document, config_sha256: str) -> Document:
    return dataclasses.replace(
        doc,
        provenance={
            "source_path": doc.source_path,
            "source_sha256": doc.source_sha256,
            "source_bytes": doc.source_bytes,
            "pipeline_version": __version__,
            "config_sha256": config_sha256,
            "steps": {},
        },
    )


def _process(
    doc: Document,
    cfg: PipelineConfig,
    ctx: Context,
    config_sha256: str,
    outcome: Outcome,
    prepared: Prepared | None = None,
    stop: int = len(STEPS),
) -> None:
    """The steps in order (from where `prepared` left off, up to `stop`), filling `outcome`;
    the running step's name is entered in outcome.seconds before it starts (its time once it
    ends)."""
    if prepared is None:
        doc, first = _started(doc, config_sha256), 0
    else:
        doc, first = prepared.doc, prepared.steps
        outcome.seconds.update(prepared.seconds)
    for index in range(first, stop):
        # load (always first) tells the format, which decides the order of the rest
        step = (HTML_STEPS if doc.input_format == "html" else STEPS)[index]
        module = _module_for(step, doc)
        started = time.perf_counter()
        outcome.seconds[module.NAME] = 0.0
        try:
            result, prov = module.run(doc, _step_config(cfg, module), ctx)
        except Exception as exc:  # a bug or a library failure: counted, never silent
            result = Drop(f"error:{type(exc).__name__}", f"{module.NAME} failed: {exc}")
            prov = {}
        outcome.seconds[module.NAME] = time.perf_counter() - started
        versions = {"version": module.VERSION}
        for lib in _LIBRARIES.get(module.NAME, ()):
            versions[lib] = library_version(lib) or "missing"
        prov = merge(prov, {"steps": {module.NAME: versions}})
        if isinstance(result, Drop):
            outcome.rejection = Rejection(
                source_path=doc.source_path,
                source_sha256=doc.source_sha256,
                stage=module.NAME,
                reason=result.reason,
                error=f"{doc.source_path}: {result.error}",
            )
            return
        doc = dataclasses.replace(result, provenance=merge(doc.provenance, prov))
        if doc.input_format == "html" and stop < len(STEPS):
            break  # HTML is not prepared: its steps come in another order
    outcome.doc = doc


# The form of a document's corpus facts; part of the facts cache's key (nightly.facts_key).
FACTS_VERSION = "2"


def html_by_name(source_path: str) -> bool:
    """The input is HTML by its name (.html, .htm, .xhtml, also gzipped)."""
    return source_path.lower().removesuffix(".gz").endswith(load.HTML_SUFFIXES)


# The steps the corpus-facts pass runs on a plain-text document: load and repair.
PREPARED_STEPS = 2


def prepare(
    doc: Document, cfg: PipelineConfig, ctx: Context, config_sha256: str
) -> tuple[dict[str, Any] | None, Prepared | None]:
    """What the run-wide statistics need of one plain-text document, and the document after
    load and repair (for process()) when both steps kept it.

    The facts are its source, its line keys (of the repaired text), its site and its
    numeric-date order votes; None for HTML and for inputs the load step rejects or a step
    fails on or runs out of time on (the full pass records why). Only a text holding a numeric
    date ("01/03/2026") is segmented here, to read the dates outside its body; a text whose
    every line reads as boilerplate still counts towards the lines its source repeats, and
    casts no vote."""
    if html_by_name(doc.source_path):
        return None, None  # HTML by its name: no need to decode and parse it here
    votes = {"dmy": 0, "mdy": 0}
    outcome = Outcome()
    deadline = Deadline(cfg.runner.max_seconds_per_document)
    try:
        deadline.start()
        try:
            _process(doc, cfg, ctx, config_sha256, outcome, stop=PREPARED_STEPS)
            repaired = outcome.doc
            if repaired is None or repaired.input_format == "html":
                return None, None
            if dates.may_hold_numeric_date(repaired.text):
                segmented, _ = segment_text.run(repaired, cfg.segment_text, ctx)
                if not isinstance(segmented, Drop):
                    votes = dates.order_votes(segmented, ctx.run_date)
        finally:
            deadline.stop()
    except (Exception, DocumentTimeout):
        deadline.stop()
        return None, None
    facts = {
        "group": corpus.source_group(repaired.source_path),
        "text": corpus.text_key(repaired.text),
        "lines": corpus.line_keys(repaired.text),
        "site": dates.site_key(repaired),
        "votes": votes,
    }
    return facts, Prepared(repaired, dict(outcome.seconds), PREPARED_STEPS)


def process_all(
    docs: Iterable[Document | Prepared | Rejection],
    cfg: PipelineConfig,
    ctx: Context,
    config_sha256: str,
) -> Iterator[Outcome]:
    """Process a shard's inputs in order (a prepared one from where the facts pass left it);
    raise ShardFailed when errors pass the configured rate."""
    errors = 0
    total = 0
    for item in docs:
        total += 1
        if isinstance(item, Rejection):
            yield Outcome(rejection=item)
            continue
        if isinstance(item, Prepared):
            outcome = process(item.doc, cfg, ctx, config_sha256, item)
        else:
            outcome = process(item, cfg, ctx, config_sha256)
        if outcome.rejection and outcome.rejection.reason.startswith("error:"):
            errors += 1
        yield outcome
    if errors >= cfg.runner.min_errors_to_fail and errors > cfg.runner.max_error_rate * total:
        raise ShardFailed(
            f"{errors} of {total} documents failed with unexpected errors "
            f"(limit {cfg.runner.max_error_rate:.0%}); see the rejections with reason error:*"
        )


def stage_stats(timings: Iterable[dict[str, float]]) -> dict[str, Any]:
    """Per-stage time and number of documents, from each outcome's seconds per step."""
    seconds: dict[str, float] = {}
    calls: Counter[str] = Counter()
    for timing in timings:
        for name, value in timing.items():
            seconds[name] = seconds.get(name, 0.0) + value
            calls[name] += 1
    return {
        "seconds": {k: round(v, 4) for k, v in sorted(seconds.items())},
        "calls": dict(sorted(calls.items())),
    }
