"""Luigi tasks, kept thin: each run() reads its input, calls the runner or dedup, and writes its
one target atomically. The only module that imports Luigi.

    Discover -> CorpusFacts x N -> CorpusTables -> ProcessShard x N -> DedupEntries x N
             -> Deduplicate -> CleanCorpus (writes <clean-dir>/<date>/, then records the night
                in the dedup index <clean-dir>/.state/)
    CorpusFacts x N -> StoreFacts (the facts cache for later nights, beside the shards)
                    -> CleanCorpus

    Nightly (Luigi's RangeDailyBase over CleanCorpus): every missing night of a date range, in
    date order, for cron and systemd timers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import pickle
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import luigi
import luigi.configuration
from luigi.tools.range import RangeDailyBase

from pipeline import __version__, corpus, dedup, history, nightly, shard_file
from pipeline.config import PipelineConfig, as_dict, config_sha256, load_config
from pipeline.io import (
    balanced_shards,
    discover,
    display_path,
    dumps,
    read_input,
    read_jsonl,
    shard_of,
)
from pipeline.partition import write_partition
from pipeline.record import document_id
from pipeline.report import record_view
from pipeline.runner import (
    Prepared,
    Rejection,
    html_by_name,
    prepare,
    process_all,
    stage_stats,
)
from pipeline.steps import Context

# The project's luigi.cfg ([retcode] and scheduler settings) applies to every entry point that
# imports this module, including the plain `luigi --module pipeline.tasks ...` command.
_LUIGI_CFG = Path(__file__).resolve().parent.parent / "config" / "luigi.cfg"
if _LUIGI_CFG.exists() and "LUIGI_CONFIG_PATH" not in os.environ:
    luigi.configuration.add_config_path(str(_LUIGI_CFG))

_CONFIGS: dict[tuple[str, float], tuple[PipelineConfig, str]] = {}

# How long the tasks that change a clean folder's shared state (the dedup index, the partitions,
# `latest`) wait for another run doing the same; a run that waited in vain fails and says why.
STATE_LOCK_WAIT_SECONDS = 3600.0


def loaded_config(path: str) -> tuple[PipelineConfig, str]:
    """The validated config and its hash, loaded once per file version."""
    key = (os.path.abspath(path), os.path.getmtime(path) if os.path.exists(path) else 0.0)
    if key not in _CONFIGS:
        cfg = load_config(path)
        _CONFIGS[key] = (cfg, config_sha256(cfg))
    return _CONFIGS[key]


class _RunTask(luigi.Task):
    raw_dir = luigi.Parameter(default="raw", description="folder of raw documents")
    clean_dir = luigi.Parameter(default="clean", description="folder of the output partitions")
    config = luigi.Parameter(default="config/pipeline.yaml", description="pipeline config file")
    date = luigi.DateParameter(default=dt.date.today(), description="names the output partition")
    earlier = luigi.ListParameter(
        default=(),
        significant=False,
        description="nights to complete before this one, oldest first (set by Nightly)",
    )

    def params(self) -> dict[str, Any]:
        return {
            "raw_dir": self.raw_dir,
            "clean_dir": self.clean_dir,
            "config": self.config,
            "date": self.date,
            "earlier": self.earlier,
        }

    def night_params(self, night: str, earlier: tuple[str, ...]) -> dict[str, Any]:
        return {**self.params(), "date": dt.date.fromisoformat(night), "earlier": earlier}

    @property
    def cfg(self) -> PipelineConfig:
        return loaded_config(self.config)[0]

    @property
    def config_hash(self) -> str:
        return loaded_config(self.config)[1]

    def work_dir(self) -> Path:
        """Intermediate results users do not read, keyed by the config hash, the date, the other
        nights in the dedup index (which decide what is new tonight) and the versions of the code
        (nightly.code_key), so a changed config, history or step never reuses a stale result."""
        night = self.date.isoformat()
        others = history.others_fingerprint(self.index_file(), night)[:12]
        return self.config_work_dir() / night / f"{others}-{nightly.code_key()[:8]}"

    def config_work_dir(self) -> Path:
        return Path(self.clean_dir) / ".work" / self.config_hash[:16]

    def index_file(self) -> Path:
        return history.index_path(self.clean_dir)

    def facts_cache(self) -> Path:
        """Corpus facts of every input seen under this configuration, kept across nights."""
        return self.config_work_dir() / "facts-cache.sqlite"

    def state_lock(self) -> Any:
        """Held while the dedup index, the partitions and `latest` are read for deciding or
        changed, so two runs on one clean folder take turns."""
        lock = Path(self.clean_dir) / ".state" / "state.lock"
        return nightly.locked(lock, STATE_LOCK_WAIT_SECONDS, "deciding or recording a night")

    def status(self, message: str, percentage: float | None = None) -> None:
        """Status and progress for the luigid web page and the command line's progress bar."""
        if self.set_status_message is not None:  # None when run() is called outside a worker
            self.set_status_message(message)
        if percentage is not None and self.set_progress_percentage is not None:
            self.set_progress_percentage(percentage)
        self.trigger_event(luigi.Event.PROGRESS, self, percentage, message)

    def progress(self, done: int, total: int, what: str) -> None:
        self.status(f"{done} of {total} {what}", round(100.0 * done / total, 1) if total else 100.0)


def night_complete(clean_dir: str | Path, night: str) -> bool:
    """A night is complete when its partition has _SUCCESS and the dedup index has the night."""
    index = history.index_path(clean_dir)
    return (Path(clean_dir) / night / "_SUCCESS").exists() and history.has_night(index, night)


def _night_done(task: _RunTask) -> bool:
    """Another run of this night completed it (and may remove its work folder)."""
    return night_complete(task.clean_dir, task.date.isoformat())


_Run = Callable[[Any], None]


def _unless_night_done(run: _Run) -> _Run:
    """For the steps of a night: do nothing when another run of the same night completed it
    first (before this step started, or while it was reading what that run then removed)."""

    @functools.wraps(run)
    def wrapper(self: _RunTask) -> None:
        if _night_done(self):
            self.status("done by another run of this night")
            return
        try:
            run(self)
        except (OSError, sqlite3.Error):
            if not _night_done(self):
                raise
            self.status("done by another run of this night")

    return wrapper


@contextlib.contextmanager
def _writing(target: luigi.LocalTarget | Path) -> Iterator[str]:
    """A temporary path renamed over the target when the block ends: the target appears whole or
    not at all. Unlike Luigi's temporary_path, an existing target is replaced rather than an
    error: two runs of one night (their outputs are identical) never fail each other."""
    final = target if isinstance(target, Path) else Path(target.path)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.with_name(f"{final.name}.tmp-{os.getpid()}")
    try:
        yield str(tmp)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)


def _every(seconds: float) -> Iterator[bool]:
    """True at most once per `seconds`: throttles progress reports."""
    last = 0.0
    while True:
        now = time.monotonic()
        if now - last >= seconds:
            last = now
            yield True
        else:
            yield False


class Discover(_RunTask):
    """Lists the inputs once, so every shard and the accounting see the same set, and splits
    them into tonight's new inputs and those other nights already published (pipeline.nightly).
    Named by the other nights it was decided against, so it is made again when they change."""

    def requires(self) -> list[luigi.Task]:
        if not self.earlier:  # Nightly: the nights before this one come first, in date order
            return []
        *before, previous = self.earlier
        return [CleanCorpus(**self.night_params(previous, tuple(before)))]

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.work_dir() / "inventory.json"))

    @_unless_night_done
    def run(self) -> None:
        from pipeline.io import check_writable  # read-only, full, not a folder: say so first

        check_writable(self.clean_dir)
        night = self.date.isoformat()
        names, ignored = discover(self.raw_dir, self.cfg.discover.ignore)
        self.status(f"{len(names)} files found; checking which are new")
        published = history.Published(self.index_file(), night)
        try:
            new, old = nightly.classify(self.raw_dir, names, published, self.cfg.load.max_bytes)
        finally:
            published.close()
        # Records show a name that is valid UTF-8 (display_path); the file system's own name is
        # kept beside it when they differ (ASCII JSON keeps undecodable bytes as escapes).
        inventory = {
            "others_fingerprint": history.others_fingerprint(self.index_file(), night),
            "inputs": [f.path for f in new],
            "ignored": [display_path(n) for n in ignored],
            "names": {f.path: f.name for f in new + old if f.path != f.name},
            "new": {f.path: [f.size, f.mtime_ns, f.id] for f in new},
            "unchanged": {f.path: f.id for f in old},
            # tonight's inputs split into shards of equal bytes (the unchanged ones, whose facts
            # come from the cache, by the hash of their path: see _in_shard)
            "shards": balanced_shards(
                ((f.path, f.size or 0, "html" if html_by_name(f.path) else "text") for f in new),
                self.cfg.discover.shards,
            ),
        }
        with self.output().open("w") as handle:
            json.dump(inventory, handle)


def _read_inventory(target: luigi.LocalTarget) -> dict[str, Any]:
    with target.open("r") as handle:
        inventory: dict[str, Any] = json.load(handle)
    return inventory


def _in_shard(task: _RunTask, inventory: dict[str, Any]) -> Callable[[str], int]:
    """The shard of an input (by display name): the one Discover chose for a new input, else
    (an unchanged input, or an inventory written before Discover chose shards) by its hash."""
    chosen: dict[str, int] = inventory.get("shards", {})
    shards = task.cfg.discover.shards
    return lambda path: chosen[path] if path in chosen else shard_of(path, shards)


def _shard_inputs(task: _RunTask, inventory: dict[str, Any], shard: int) -> list[str]:
    """The file-system names of tonight's new inputs of one shard."""
    names, shard_of_input = inventory.get("names", {}), _in_shard(task, inventory)
    return [names.get(p, p) for p in inventory["inputs"] if shard_of_input(p) == shard]


class CorpusFacts(_RunTask):
    """First pass over one shard: what the run-wide statistics need of each plain-text document
    (its source's line keys, its site's numeric-date order votes). Tonight's new plain-text
    inputs are loaded and repaired for it, and kept so (`prepared-*.pickle`) for ProcessShard to
    go on from."""

    shard = luigi.IntParameter()

    def requires(self) -> Discover:
        return Discover(**self.params())

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.work_dir() / f"facts-{self.shard:04d}.jsonl"))

    def prepared(self) -> Path:
        """The shard's new plain-text documents after load and repair, in ProcessShard's order
        (written before the facts file, which marks the task done)."""
        return self.work_dir() / f"prepared-{self.shard:04d}.pickle"

    @_unless_night_done
    def run(self) -> None:
        """Facts of every input of the shard, new and already published (the statistics are of
        the whole folder); an input's facts come from the cache when an earlier night made them."""
        ctx = Context(run_date=self.date)
        inventory = _read_inventory(self.input())
        names, shard_of_input = inventory.get("names", {}), _in_shard(self, inventory)
        new = [p for p in inventory["inputs"] if shard_of_input(p) == self.shard]
        unchanged = sorted(p for p in inventory["unchanged"] if shard_of_input(p) == self.shard)
        ids = {p: entry[2] for p, entry in inventory["new"].items()}
        ids.update(inventory["unchanged"])
        cache = nightly.FactsCache(self.facts_cache())
        tick, total = _every(2.0), len(new) + len(unchanged)
        try:
            with (  # the prepared documents are in place when the facts file appears
                _writing(self.output()) as tmp,
                open(tmp, "w", encoding="utf-8") as out,
                _writing(self.prepared()) as kept_tmp,
                open(kept_tmp, "wb") as kept,
            ):
                for done, path in enumerate(new + unchanged):
                    if next(tick):
                        self.progress(done, total, "documents read for the corpus tables")
                    id_ = ids[path]
                    found, facts = cache.get(id_) if id_ else (False, None)
                    if not found and html_by_name(path):
                        facts = None  # HTML has no corpus facts: not read here
                    elif not found:
                        name = names.get(path, path)
                        item = read_input(self.raw_dir, name, self.cfg.load.max_bytes)
                        if isinstance(item, Rejection):
                            continue
                        id_ = document_id(item.source_path, item.source_sha256)
                        facts, prepared = prepare(item, self.cfg, ctx, self.config_hash)
                        if prepared is not None and done < len(new):
                            pickle.dump((name, prepared), kept, pickle.HIGHEST_PROTOCOL)
                    out.write(dumps({"id": id_, "cached": found, "facts": facts}) + "\n")
        finally:
            cache.close()


class CorpusTables(_RunTask):
    """Run-wide statistics: lines recurring across a source's documents, each site's date order."""

    # every shard waits for these tables: run before StoreFacts, which nothing waits for
    priority = 1

    def requires(self) -> list[CorpusFacts]:
        return [CorpusFacts(shard=i, **self.params()) for i in range(self.cfg.discover.shards)]

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.work_dir() / "corpus-tables.json"))

    @_unless_night_done
    def run(self) -> None:
        """One streaming pass over the shards' facts: memory holds the counts, not the facts."""
        seg = self.cfg.segment_text
        counts = {"documents": 0, "from_cache": 0}
        votes: list[tuple[str, dict[str, int]]] = []

        def facts() -> Iterator[tuple[str, str, list[str]]]:
            for target in self.input():
                for row in read_jsonl(target.path):
                    counts["documents"] += 1
                    if row["cached"]:
                        counts["from_cache"] += 1
                    found = row["facts"]
                    if found is not None:
                        if any(found["votes"].values()):
                            votes.append((found["site"], found["votes"]))
                        yield found["group"], found["text"], found["lines"]

        min_documents, min_share = seg.repeated_min_documents, seg.repeated_min_share
        repeated = corpus.repeated_lines(facts(), min_documents, min_share)
        tables = {
            "repeated_lines": repeated,
            "date_orders": corpus.site_date_orders(votes, self.cfg.dates.site_order_min_votes),
            "facts": counts,  # for the manifest: how much of the pass was reused
        }
        with self.output().open("w") as handle:
            json.dump(tables, handle, sort_keys=True)


class StoreFacts(_RunTask):
    """Keeps tonight's new corpus facts for the nights to come (facts-cache.sqlite; the one task
    that writes it). Beside CorpusTables rather than in it: the shards wait for the tables, not
    for this."""

    def requires(self) -> list[CorpusFacts]:
        return [CorpusFacts(shard=i, **self.params()) for i in range(self.cfg.discover.shards)]

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.work_dir() / "stored-facts.json"))

    @_unless_night_done
    def run(self) -> None:
        cache = nightly.FactsCache(self.facts_cache(), write=True)
        stored, fresh = 0, []
        try:
            for target in self.input():
                for row in read_jsonl(target.path):
                    if not row["cached"] and row["id"]:  # a batch at a time
                        fresh.append((row["id"], row["facts"]))
                        if len(fresh) >= 1000:
                            stored += cache.put_many(fresh)
                            fresh.clear()
            stored += cache.put_many(fresh)
        finally:
            cache.close()
        with self.output().open("w") as handle:
            json.dump({"stored": stored}, handle)


class ProcessShard(_RunTask):
    """Runs every step on the inputs of one shard."""

    shard = luigi.IntParameter()

    def requires(self) -> dict[str, luigi.Task]:
        return {
            "discover": Discover(**self.params()),
            "corpus": CorpusTables(**self.params()),
            "facts": CorpusFacts(shard=self.shard, **self.params()),
        }

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.work_dir() / f"shard-{self.shard:04d}.jsonl"))

    @_unless_night_done
    def run(self) -> None:
        mine = _shard_inputs(self, _read_inventory(self.input()["discover"]), self.shard)
        with self.input()["corpus"].open("r") as handle:
            tables = json.load(handle)
        # a plain-text input the facts pass loaded and repaired goes on from there
        prepared_file = CorpusFacts(shard=self.shard, **self.params()).prepared()
        prepared = _PreparedReader(prepared_file)
        reads = (prepared(p) or read_input(self.raw_dir, p, self.cfg.load.max_bytes) for p in mine)
        ctx = Context(
            run_date=self.date,
            repeated_lines=tables["repeated_lines"],
            date_orders=tables["date_orders"],
        )
        timings: list[dict[str, float]] = []  # not the documents: a shard may be large
        tick = _every(2.0)
        with _writing(self.output()) as tmp, open(tmp, "w", encoding="utf-8") as out:
            for outcome in process_all(reads, self.cfg, ctx, self.config_hash):
                timings.append(outcome.seconds)
                shard_file.write_outcome(out, outcome)
                if next(tick):
                    self.progress(len(timings), len(mine), "documents cleaned")
            shard_file.write_stats(out, stage_stats(timings))
        prepared.close()
        prepared_file.unlink(missing_ok=True)  # used: a rerun of the shard starts from the files
        self.progress(len(timings), len(mine), "documents cleaned")


class _PreparedReader:
    """Looks up, input by input in the facts pass's order, the document that pass prepared;
    None for an input it did not prepare (HTML, rejected, facts from the cache) or when the
    file cannot be read (the input is then processed from its start)."""

    def __init__(self, path: Path) -> None:
        self.handle = open(path, "rb") if path.exists() else None  # noqa: SIM115 (streamed)
        self.pending: list[tuple[str, Prepared]] = []

    def __call__(self, name: str) -> Prepared | None:
        if not self.pending and self.handle is not None:
            try:
                self.pending.append(pickle.load(self.handle))
            except Exception:  # the end of the file, or a file other code wrote: start over
                self.close()
        if self.pending and self.pending[0][0] == name:
            return self.pending.pop()[1]
        return None

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


class DedupEntries(_RunTask):
    """One shard's documents in the form dedup compares them in (normalised text, compressed;
    LSH keys), made in parallel like the shards, so Deduplicate only has to decide; and, from
    the same reading, what the run report counts of each (`views-*.jsonl`), so the partition's
    report is counted without reading every document back."""

    shard = luigi.IntParameter()

    def requires(self) -> ProcessShard:
        return ProcessShard(shard=self.shard, **self.params())

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.work_dir() / f"entries-{self.shard:04d}.sqlite"))

    def views(self) -> Path:
        """The report view of each of the shard's documents, in the shard file's order (written
        before the entries file, which marks the task done)."""
        return self.work_dir() / f"views-{self.shard:04d}.jsonl"

    @_unless_night_done
    def run(self) -> None:
        with (
            _writing(self.output()) as tmp,
            _writing(self.views()) as views_tmp,
            open(views_tmp, "w", encoding="utf-8") as views,
        ):

            def documents() -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
                for header, record in shard_file.documents(self.input().path):
                    views.write(dumps(record_view(record)) + "\n")
                    yield header, record

            entries = dedup.entries_of_shard_documents(documents(), self.cfg.dedup.bands)
            history.write_entries(Path(tmp), entries)


class Deduplicate(_RunTask):
    """Finds exact and near duplicates across all shards and against the nights before this one
    in the dedup index (pipeline.history); the first by (night, source_path) is kept. Writes the
    decisions and tonight's kept documents (copied into the index once the partition is
    complete). The outputs are named by the earlier nights they were decided against, so a
    changed history (a night forgotten or recorded since) is decided again, never reused."""

    # one at a time per scheduler: it holds the night's candidate tables in memory
    resources = {"dedup_memory": 1}  # noqa: RUF012 (Luigi reads the class attribute)

    def requires(self) -> list[DedupEntries]:
        return [DedupEntries(shard=i, **self.params()) for i in range(self.cfg.discover.shards)]

    def output(self) -> dict[str, luigi.LocalTarget]:
        index = history.index_path(self.clean_dir)
        earlier = history.earlier_fingerprint(index, self.date.isoformat())[:12]
        return {
            "decisions": luigi.LocalTarget(str(self.work_dir() / f"dedup-{earlier}.json")),
            "kept": luigi.LocalTarget(str(self.work_dir() / f"kept-{earlier}.sqlite")),
        }

    @_unless_night_done
    def run(self) -> None:
        settings, index = history.Settings.of(self.cfg), history.index_path(self.clean_dir)
        entries = history.read_entries(Path(target.path) for target in self.input())
        self.status("comparing tonight's documents with each other and the index")
        with self.state_lock():
            out = self.output()  # named by the index as it is under the lock
            with _writing(out["kept"]) as kept:
                night = self.date.isoformat()
                decisions = history.deduplicate_night(entries, night, index, Path(kept), settings)
        result = {k: decisions[k].__dict__ for k in sorted(decisions)}
        with out["decisions"].open("w") as handle:
            json.dump(result, handle, ensure_ascii=False, sort_keys=True)


class CleanCorpus(_RunTask):
    """The whole run: writes <clean-dir>/<date>/ with _SUCCESS last, then points latest at it,
    then records the night's kept documents in the dedup index. Complete when both are done; a
    partition whose night is missing from the index (killed in between, or written before the
    index existed) is recorded from its own documents.jsonl and never rewritten."""

    def complete(self) -> bool:
        return night_complete(self.clean_dir, self.date.isoformat())

    def requires(self) -> dict[str, Any]:
        if self.output().exists():
            return {}  # only the index entries are missing
        return {
            "discover": Discover(**self.params()),
            "corpus": CorpusTables(**self.params()),
            "facts": StoreFacts(**self.params()),
            "dedup": Deduplicate(**self.params()),
            "shards": [
                ProcessShard(shard=i, **self.params()) for i in range(self.cfg.discover.shards)
            ],
        }

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(Path(self.clean_dir) / self.date.isoformat() / "_SUCCESS"))

    def run(self) -> None:
        with self.state_lock():
            if self.complete():  # another run finished this night while we waited
                return
            self._write_and_record()

    def _write_and_record(self) -> None:
        index, night = history.index_path(self.clean_dir), self.date.isoformat()
        settings = history.Settings.of(self.cfg)
        partition = Path(self.clean_dir) / night
        if self.output().exists():
            history.record_partition(index, partition, settings, self.config_hash)
            return
        # The inventory and the decisions are named by the other nights in the index: when one
        # was recorded since they were made, the names point at files not made yet.
        inputs = self.input()
        if not all(target.exists() for target in luigi.task.flatten(inputs)):
            raise StateChanged(
                f"{index}: another night was recorded while this run of {night} was working, so "
                "its inventory and duplicate decisions are out of date; nothing was written. "
                "Run the same command again to decide against it."
            )
        inventory = _read_inventory(inputs["discover"])
        with inputs["corpus"].open("r") as handle:
            facts = json.load(handle)["facts"]
        self.status("writing the partition")
        with inputs["dedup"]["decisions"].open("r") as handle:
            decisions = json.load(handle)
        _, published = write_partition(
            clean_dir=Path(self.clean_dir),
            date=self.date,
            inventory=inventory,
            shard_files=[Path(t.path) for t in inputs["shards"]],
            decisions=decisions,
            header={
                "date": night,
                "pipeline_version": __version__,
                "config_sha256": self.config_hash,
                "config_file": str(self.config),
                "raw_dir": str(self.raw_dir),
                "dedup_index": history.describe(index, night),
                # tonight's inputs are the new ones; the rest were published by other nights
                "discovered": len(inventory["inputs"]) + len(inventory["unchanged"]),
                "unchanged": len(inventory["unchanged"]),
                "corpus_facts": facts,
            },
            resolved_config=as_dict(self.cfg),
            parquet=self.cfg.output.parquet,
            views=[
                DedupEntries(shard=i, **self.params()).views()
                for i in range(self.cfg.discover.shards)
            ],
        )
        kept = Path(inputs["dedup"]["kept"].path)
        rows = _with_stats(inventory, published)
        history.record_night(index, night, kept, settings, self.config_hash, rows)
        _remove_old_work(Path(self.clean_dir), night)


def _remove_old_work(clean_dir: Path, night: str) -> None:
    """Intermediate results of complete nights before this one are no longer needed (this
    night's stay until the next, so a second run of it that is still working can finish)."""
    for work in sorted((clean_dir / ".work").glob("*/????-??-??")):
        if work.name < night and night_complete(clean_dir, work.name):
            shutil.rmtree(work, ignore_errors=True)


class StateChanged(RuntimeError):
    """The dedup index changed under a running night: its decisions would be stale."""


def _with_stats(
    inventory: dict[str, Any], published: list[tuple[str, str]]
) -> list[history.InputRow]:
    """The inputs a night published, with the size and time Discover saw when the file then had
    the same content (so the next night recognises it without reading it)."""
    stats = inventory["new"]
    rows: list[history.InputRow] = []
    for id_, path in published:
        size, mtime_ns, seen_id = stats.get(path, (None, None, None))
        # Not read when listed (a path new to the index): the size and time it had then belong
        # to what was read, or the file has changed since and will not match them again.
        if seen_id == id_ or (seen_id is None and size is not None):
            rows.append((id_, path, size, mtime_ns))
        else:  # changed after it was listed: recognised by its content next time
            rows.append((id_, path, None, None))
    return rows


class Nightly(RangeDailyBase):
    """Every missing night from --start to today, oldest first, each after the one before: the
    job cron or a systemd timer starts, so a missed night is filled in by the next run.

        luigi --module pipeline.tasks Nightly --start 2026-11-01 \\
            --of-params '{"raw_dir": "raw", "clean_dir": "clean"}'
    """

    of = luigi.TaskParameter(default=CleanCorpus, description="the task run per night")
    param_name = luigi.Parameter(  # type: ignore[assignment]
        default="date", positional=False, description="the per-night task's date parameter"
    )
    days_back = luigi.IntParameter(default=60, description="how many days back to fill in")

    def requires(self) -> list[luigi.Task]:
        tasks: list[luigi.Task] = super().requires()
        chained: list[luigi.Task] = []
        before: list[str] = []
        for task in tasks:  # each night waits for the missing nights before it
            kwargs = {**task.param_kwargs, "earlier": tuple(before)}
            chained.append(self.of(**kwargs))
            before.append(task.param_kwargs["date"].isoformat())
        return chained


class _ProgressBar:
    """One line on the terminal: the running task, its status and a bar (interactive runs)."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def __call__(self, task: luigi.Task, percentage: float | None, message: str) -> None:
        width = 24
        filled = int(width * (percentage or 0) / 100)
        bar = "#" * filled + "-" * (width - filled) if percentage is not None else " " * width
        name = task.get_task_family()
        shard = getattr(task, "shard", None)
        label = f"{name}[{shard}]" if shard is not None else name
        line = f"\r[{bar}] {label}: {message}"[:120]
        self.stream.write(line.ljust(120))
        self.stream.flush()

    def done(self) -> None:
        self.stream.write("\r" + " " * 120 + "\r")
        self.stream.flush()


def build(
    tasks: list[luigi.Task],
    *,
    workers: int,
    local_scheduler: bool,
    log_file: Path | None,
    interactive: bool,
) -> bool:
    """Run tasks with Luigi, logging every task's messages to `log_file`; an interactive run shows
    a progress bar and warnings on the terminal, any other run prints only errors."""
    import logging
    import sys

    handlers: list[logging.Handler] = []
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(log_file, encoding="utf-8")
        file_handler.setLevel(logging.INFO)
        file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        handlers.append(file_handler)
    terminal = logging.StreamHandler(sys.stderr)
    terminal.setLevel(logging.WARNING if interactive else logging.ERROR)
    handlers.append(terminal)
    config = luigi.configuration.get_config()
    config.set("core", "no_configure_logging", "true")  # the handlers below instead
    if not local_scheduler:  # wait for tasks other workers run, then go on with what follows
        config.set("worker", "keep_alive", "true")
    logger = logging.getLogger("luigi-interface")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    logger.handlers, logger.propagate = handlers, False
    logger.setLevel(logging.INFO)
    bar = _ProgressBar(sys.stderr) if interactive else None
    if bar is not None:
        luigi.Task.event_handler(luigi.Event.PROGRESS)(bar)
    try:
        result = luigi.build(
            tasks, workers=workers, local_scheduler=local_scheduler, detailed_summary=True
        )
        # With luigid, a worker stops when what is left is running on another worker: wait for
        # it (asking again, so work that worker gives up is taken over), unless a task failed.
        while not local_scheduler and not all(task.complete() for task in tasks):
            if "FAILED" in result.status.name:  # FAILED, SCHEDULING_FAILED, ...
                break
            time.sleep(1.0)
            result = luigi.build(
                tasks, workers=workers, local_scheduler=local_scheduler, detailed_summary=True
            )
    finally:
        if bar is not None:
            bar.done()
            luigi.Task.remove_event_handler(luigi.Event.PROGRESS, bar)
        for handler in handlers:
            handler.close()
        logger.handlers, logger.level, logger.propagate = saved
    if log_file is not None:
        with open(log_file, "a", encoding="utf-8") as handle:
            handle.write(result.summary_text + "\n")
    # With luigid, tasks this worker scheduled may have been run by another worker (Luigi then
    # reports them "not run"): success is that every requested task is complete, whoever ran it.
    return bool(result.scheduling_succeeded and all(task.complete() for task in tasks))
