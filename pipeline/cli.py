"""Command line around the same Luigi tasks:
`clean-pipeline run | summary | validate-config | forget-night DATE`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from pipeline.config import ConfigError, load_config


def _run(args: argparse.Namespace) -> int:
    try:
        load_config(args.config)  # bad configuration stops the run before any work
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from pipeline.io import unwritable

    if not Path(args.raw_dir).is_dir():
        print(
            f"error: raw directory {args.raw_dir!r} does not exist or is not a folder",
            file=sys.stderr,
        )
        return 2
    problem = unwritable(args.clean_dir)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    import luigi

    from pipeline.tasks import CleanCorpus

    task = CleanCorpus(
        raw_dir=args.raw_dir, clean_dir=args.clean_dir, config=args.config, date=args.date
    )
    result = luigi.build(
        [task], local_scheduler=args.local_scheduler, workers=args.workers, detailed_summary=True
    )
    if not result.scheduling_succeeded or result.status.name not in ("SUCCESS",):
        print(
            f"error: the run did not complete ({result.status.name}); the failed task and its "
            "error are in the log above",
            file=sys.stderr,
        )
        return 1
    return _summary(args)


def _summary(args: argparse.Namespace) -> int:
    part = Path(args.clean_dir) / args.date.isoformat()
    manifest_path = part / "manifest.json"
    if not (part / "_SUCCESS").exists() or not manifest_path.exists():
        print(f"error: no complete partition at {part}", file=sys.stderr)
        return 1
    m = json.loads(manifest_path.read_text(encoding="utf-8"))
    print(
        f"inputs {m['inputs']}: documents {m['documents']}, duplicates {m['duplicates']}, "
        f"rejected {m['rejected']}"
    )
    if m.get("rejected_by_reason"):
        reasons = ", ".join(f"{k} {v}" for k, v in m["rejected_by_reason"].items())
        print(f"rejected by reason: {reasons}")
    print(f"output: {part}/ (documents.jsonl, duplicates.jsonl, rejected.jsonl, manifest.json)")
    return 0


def _validate(args: argparse.Namespace) -> int:
    try:
        load_config(args.config)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.config}: valid")
    return 0


def _forget_night(args: argparse.Namespace) -> int:
    from pipeline import history

    night = args.night.isoformat()
    result = history.roll_back_night(args.clean_dir, night)
    moved = result.partition_moved_to
    print(f"{night}: {result.documents} kept documents removed from the dedup index")
    print(f"partition: moved to {moved}/" if moved else "partition: none")
    if result.later_nights:
        print(
            f"note: {len(result.later_nights)} later night(s) ({', '.join(result.later_nights)}) "
            "were deduplicated against it; their partitions are not changed"
        )
    print(f"to redo the night: clean-pipeline run --date {night}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clean-pipeline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--clean-dir", default="clean", help="folder of output partitions")
    common.add_argument(
        "--date", type=dt.date.fromisoformat, default=dt.date.today(), help="partition date"
    )
    run = sub.add_parser("run", parents=[common], help="run the whole pipeline (CleanCorpus)")
    run.add_argument("--raw-dir", default="raw", help="folder of raw documents")
    run.add_argument("--config", default="config/pipeline.yaml", help="pipeline config file")
    run.add_argument("--workers", type=int, default=1, help="Luigi workers (shards in parallel)")
    run.add_argument(
        "--local-scheduler",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="use an in-process scheduler (default) instead of luigid",
    )
    run.set_defaults(func=_run)
    summary = sub.add_parser("summary", parents=[common], help="print a partition's counts")
    summary.set_defaults(func=_summary)
    validate = sub.add_parser("validate-config", help="check a config file and report problems")
    validate.add_argument("--config", default="config/pipeline.yaml")
    validate.set_defaults(func=_validate)
    forget = sub.add_parser(
        "forget-night",
        help="roll back one night: remove its entries from the dedup index "
        "(<clean-dir>/.state/dedup.sqlite), move its partition to <clean-dir>/.rolled-back/ "
        "and delete its intermediate results",
    )
    forget.add_argument("night", type=dt.date.fromisoformat, help="the partition date, YYYY-MM-DD")
    forget.add_argument("--clean-dir", default="clean", help="folder of output partitions")
    forget.set_defaults(func=_forget_night)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
