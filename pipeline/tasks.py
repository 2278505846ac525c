"""Luigi tasks, kept thin: each run() reads its input, calls the runner or dedup, and writes its
one target atomically. The only module that imports Luigi.

    Discover -> ProcessShard x N -> DedupEntries x N -> Deduplicate -> CleanCorpus (writes
    <clean-dir>/<date>/, then records the night in the dedup index <clean-dir>/.state/)
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import luigi
import luigi.configuration

from pipeline import __version__, corpus, dedup, history
from pipeline.config import PipelineConfig, as_dict, config_sha256, load_config
from pipeline.io import discover, display_path, dumps, read_input, read_jsonl, shard_of
from pipeline.partition import write_partition
from pipeline.record import output_record
from pipeline.runner import Outcome, Rejection, corpus_facts, process_all, stage_stats
from pipeline.steps import Context

# The project's luigi.cfg ([retcode] and scheduler settings) applies to every entry point that
# imports this module, including the plain `luigi --module pipeline.tasks ...` command.
_LUIGI_CFG = Path(__file__).resolve().parent.parent / "config" / "luigi.cfg"
if _LUIGI_CFG.exists() and "LUIGI_CONFIG_PATH" not in os.environ:
    luigi.configuration.add_config_path(str(_LUIGI_CFG))

_CONFIGS: dict[tuple[str, float], tuple[PipelineConfig, str]] = {}


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

    def params(self) -> dict[str, Any]:
        return {
            "raw_dir": self.raw_dir,
            "clean_dir": self.clean_dir,
            "config": self.config,
            "date": self.date,
        }

    @property
    def cfg(self) -> PipelineConfig:
        return loaded_config(self.config)[0]

    @property
    def config_hash(self) -> str:
        return loaded_config(self.config)[1]

    def work_dir(self) -> Path:
        """Intermediate results users do not read, keyed by config hash and date."""
        return Path(self.clean_dir) / ".work" / self.config_hash[:16] / self.date.isoformat()


class Discover(_RunTask):
    """Lists the inputs once, so every shard and the accounting see the same set."""

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.work_dir() / "inventory.json"))

    def run(self) -> None:
        from pipeline.io import check_writable  # read-only, full, not a folder: say so first

        check_writable(self.clean_dir)
        names, ignored = discover(self.raw_dir, self.cfg.discover.ignore)
        # Records show a name that is valid UTF-8 (display_path); the file system's own name is
        # kept beside it when they differ (ASCII JSON keeps undecodable bytes as escapes).
        inventory = {
            "inputs": [display_path(n) for n in names],
            "ignored": [display_path(n) for n in ignored],
            "names": {display_path(n): n for n in names if display_path(n) != n},
        }
        with self.output().open("w") as handle:
            json.dump(inventory, handle)


def _shard_inputs(task: _RunTask, inventory_target: luigi.LocalTarget, shard: int) -> list[str]:
    """The file-system names of the inputs of one shard (sharded by their display names)."""
    with inventory_target.open("r") as handle:
        inventory = json.load(handle)
    shards = task.cfg.discover.shards
    names = inventory.get("names", {})
    return [names.get(p, p) for p in inventory["inputs"] if shard_of(p, shards) == shard]


class CorpusFacts(_RunTask):
    """First pass over one shard: what the run-wide statistics need of each plain-text document
    (its source's line keys, its site's numeric-date order votes)."""

    shard = luigi.IntParameter()

    def requires(self) -> Discover:
        return Discover(**self.params())

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.work_dir() / f"facts-{self.shard:04d}.jsonl"))

    def run(self) -> None:
        ctx = Context(run_date=self.date)
        with self.output().temporary_path() as tmp, open(tmp, "w", encoding="utf-8") as out:
            for path in _shard_inputs(self, self.input(), self.shard):
                item = read_input(self.raw_dir, path, self.cfg.load.max_bytes)
                facts = None if isinstance(item, Rejection) else corpus_facts(item, self.cfg, ctx)
                if facts is not None:
                    out.write(dumps(facts) + "\n")


class CorpusTables(_RunTask):
    """Run-wide statistics: lines recurring across a source's documents, each site's date order."""

    def requires(self) -> list[CorpusFacts]:
        return [CorpusFacts(shard=i, **self.params()) for i in range(self.cfg.discover.shards)]

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.work_dir() / "corpus-tables.json"))

    def run(self) -> None:
        facts = [r for t in self.input() for r in read_jsonl(t.path)]
        seg = self.cfg.segment_text
        tables = {
            "repeated_lines": corpus.repeated_lines(
                ((r["group"], r["text"], r["lines"]) for r in facts),
                seg.repeated_min_documents,
                seg.repeated_min_share,
            ),
            "date_orders": corpus.site_date_orders(
                ((r["site"], r["votes"]) for r in facts), self.cfg.dates.site_order_min_votes
            ),
        }
        with self.output().open("w") as handle:
            json.dump(tables, handle, sort_keys=True)


class ProcessShard(_RunTask):
    """Runs every step on the inputs of one shard."""

    shard = luigi.IntParameter()

    def requires(self) -> dict[str, luigi.Task]:
        return {"discover": Discover(**self.params()), "corpus": CorpusTables(**self.params())}

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.work_dir() / f"shard-{self.shard:04d}.jsonl"))

    def run(self) -> None:
        mine = _shard_inputs(self, self.input()["discover"], self.shard)
        with self.input()["corpus"].open("r") as handle:
            tables = json.load(handle)
        reads = (read_input(self.raw_dir, p, self.cfg.load.max_bytes) for p in mine)
        ctx = Context(
            run_date=self.date,
            repeated_lines=tables["repeated_lines"],
            date_orders=tables["date_orders"],
        )
        timings: list[dict[str, float]] = []  # not the documents: a shard may be large
        with self.output().temporary_path() as tmp, open(tmp, "w", encoding="utf-8") as out:
            for outcome in process_all(reads, self.cfg, ctx, self.config_hash):
                timings.append(outcome.seconds)
                out.write(dumps(shard_line(outcome)) + "\n")
            out.write(dumps({"kind": "stats", **stage_stats(timings)}) + "\n")


def shard_line(outcome: Outcome) -> dict[str, Any]:
    if outcome.rejection is not None:
        return {"kind": "rejected", "record": outcome.rejection.to_json()}
    assert outcome.doc is not None
    return {
        "kind": "document",
        "record": output_record(outcome.doc),
        "signature": outcome.doc.meta.get("signature", {}),
    }


class DedupEntries(_RunTask):
    """One shard's documents in the form dedup compares them in (normalised text, compressed;
    LSH keys), made in parallel like the shards, so Deduplicate only has to decide."""

    shard = luigi.IntParameter()

    def requires(self) -> ProcessShard:
        return ProcessShard(shard=self.shard, **self.params())

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(self.work_dir() / f"entries-{self.shard:04d}.sqlite"))

    def run(self) -> None:
        lines = read_jsonl(self.input().path)
        entries = dedup.entries_of_shard_lines(lines, self.cfg.dedup.bands)
        with self.output().temporary_path() as tmp:
            history.write_entries(Path(tmp), entries)


class Deduplicate(_RunTask):
    """Finds exact and near duplicates across all shards and against the nights before this one
    in the dedup index (pipeline.history); the first by (night, source_path) is kept. Writes the
    decisions and tonight's kept documents (copied into the index once the partition is
    complete). The outputs are named by the earlier nights they were decided against, so a
    changed history (a night forgotten or recorded since) is decided again, never reused."""

    def requires(self) -> list[DedupEntries]:
        return [DedupEntries(shard=i, **self.params()) for i in range(self.cfg.discover.shards)]

    def output(self) -> dict[str, luigi.LocalTarget]:
        index = history.index_path(self.clean_dir)
        earlier = history.earlier_fingerprint(index, self.date.isoformat())[:12]
        return {
            "decisions": luigi.LocalTarget(str(self.work_dir() / f"dedup-{earlier}.json")),
            "kept": luigi.LocalTarget(str(self.work_dir() / f"kept-{earlier}.sqlite")),
        }

    def run(self) -> None:
        settings, index = history.Settings.of(self.cfg), history.index_path(self.clean_dir)
        entries = history.read_entries(Path(target.path) for target in self.input())
        out = self.output()
        with out["kept"].temporary_path() as kept:
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
        index = history.index_path(self.clean_dir)
        return bool(super().complete()) and history.has_night(index, self.date.isoformat())

    def requires(self) -> dict[str, Any]:
        if self.output().exists():
            return {}  # only the index entries are missing
        return {
            "discover": Discover(**self.params()),
            "dedup": Deduplicate(**self.params()),
            "shards": [
                ProcessShard(shard=i, **self.params()) for i in range(self.cfg.discover.shards)
            ],
        }

    def output(self) -> luigi.LocalTarget:
        return luigi.LocalTarget(str(Path(self.clean_dir) / self.date.isoformat() / "_SUCCESS"))

    def run(self) -> None:
        index, night = history.index_path(self.clean_dir), self.date.isoformat()
        settings = history.Settings.of(self.cfg)
        partition = Path(self.clean_dir) / night
        if self.output().exists():
            history.record_partition(index, partition, settings, self.config_hash)
            return
        inputs = self.input()
        with inputs["discover"].open("r") as handle:
            inventory = json.load(handle)
        with inputs["dedup"]["decisions"].open("r") as handle:
            decisions = json.load(handle)
        shard_lines = [list(read_jsonl(t.path)) for t in inputs["shards"]]
        write_partition(
            clean_dir=Path(self.clean_dir),
            date=self.date,
            inventory=inventory,
            shard_lines=shard_lines,
            decisions=decisions,
            header={
                "date": night,
                "pipeline_version": __version__,
                "config_sha256": self.config_hash,
                "config_file": str(self.config),
                "raw_dir": str(self.raw_dir),
                "dedup_index": history.describe(index, night),
            },
            resolved_config=as_dict(self.cfg),
        )
        kept = Path(inputs["dedup"]["kept"].path)
        history.record_night(index, night, kept, settings, self.config_hash)
