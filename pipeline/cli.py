"""Command line around the same Luigi tasks:
`clean-pipeline run | summary | validate-config | forget-night DATE`."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
from pathlib import Path

from pipeline.config import ConfigError, load_config


def _run(args: argparse.Namespace) -> int:
    try:
        load_config(args.config)  # bad configuration stops the run before any work
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    import luigi

    from pipeline import nightly
    from pipeline.tasks import CleanCorpus, Nightly, build

    params = {"raw_dir": args.raw_dir, "clean_dir": args.clean_dir, "config": args.config}
    task: luigi.Task
    if args.since is not None:  # every missing night from --since to --date, oldest first
        now = dt.datetime.combine(args.date, dt.time(12), tzinfo=dt.timezone.utc)
        task = Nightly(start=args.since, now=int(now.timestamp()), of_params=params)
    else:
        task = CleanCorpus(date=args.date, **params)
    interactive = sys.stderr.isatty() if args.progress is None else args.progress
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    log_dir = Path(args.log_dir) if args.log_dir else Path(args.clean_dir) / ".logs"
    log_file = log_dir / f"run-{args.date.isoformat()}-{stamp}-{os.getpid()}.log"
    # With the local scheduler, one run per clean folder at a time; with luigid, the scheduler
    # hands each task to one worker, so several workers (on several machines) run together.
    lock = Path(args.clean_dir) / ".state" / "run.lock"
    held = (
        nightly.locked(lock, args.wait, "writing to this clean folder")
        if args.local_scheduler
        else contextlib.nullcontext()
    )
    try:
        with held:
            ok = build(
                [task],
                workers=args.workers,
                local_scheduler=args.local_scheduler,
                log_file=log_file,
                interactive=interactive,
            )
    except nightly.Busy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    if not ok:
        print(f"error: the run did not complete; see {log_file}", file=sys.stderr)
        return 1
    return _summary(args) if interactive else 0  # a cron run stays quiet


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
    if m.get("unchanged"):
        print(f"already published by earlier nights (not processed again): {m['unchanged']}")
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
    run.add_argument(
        "--since",
        type=dt.date.fromisoformat,
        default=None,
        help="run every missing night from this date to --date, oldest first (Luigi's "
        "RangeDailyBase; what cron runs, so a missed night is filled in)",
    )
    run.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="when another run is writing to the clean folder, wait this long for it "
        "(default: exit at once with status 3)",
    )
    run.add_argument(
        "--log-dir",
        default=None,
        help="where each run writes its log file (default: <clean-dir>/.logs)",
    )
    run.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="show a progress bar and the summary (default: when run from a terminal; a cron "
        "run stays quiet and only logs)",
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
