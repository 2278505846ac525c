"""Command line around the same Luigi tasks:
`clean-pipeline run | summary | validate-config | explain ID|PATH | forget-night DATE`."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
from pathlib import Path

from pipeline.config import ConfigError, config_problems, load_config


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
    files = ["documents.jsonl", "duplicates.jsonl", "rejected.jsonl", "manifest.json"]
    if (part / "documents.parquet").exists():
        files.insert(3, "*.parquet")
    print(f"output: {part}/ ({', '.join(files)})")
    if (part / "report.html").exists():
        print(f"report: {part}/report.html (clean-pipeline report opens it)")
    return 0


def _validate(args: argparse.Namespace) -> int:
    problems = config_problems(args.config)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        print(f"{args.config}: {len(problems)} problem(s)", file=sys.stderr)
        return 2
    print(f"{args.config}: valid")
    return 0


def _explain(args: argparse.Namespace) -> int:
    import os

    from pipeline import explain

    date = args.date.isoformat() if args.date else None
    found = explain.find(args.clean_dir, args.key, date)
    if not found:
        where = (
            f"partition {args.clean_dir}/{date}" if date else f"any partition of {args.clean_dir}"
        )
        print(
            f"error: no record with id or source path {explain.safe(args.key)!r} in {where}",
            file=sys.stderr,
        )
        return 1
    if args.color == "auto":
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    else:
        color = args.color == "always"
    shown = found if args.all else found[:1]
    for i, item in enumerate(shown):
        others = [] if args.all else found[1:]
        text = explain.explain(item, args.clean_dir, args.raw_dir, color, args.full, others)
        sys.stdout.write(("\n" if i else "") + text)
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


def _report(args: argparse.Namespace) -> int:
    from pipeline.report import ReportError, complete_partitions, write_report

    clean_dir = Path(args.clean_dir)
    dates = complete_partitions(clean_dir)
    night = args.night.isoformat() if args.night else (dates[-1] if dates else None)
    if night is None or night not in dates:
        where = clean_dir / night if night else clean_dir
        known = f" (complete: {', '.join(dates[-5:])})" if dates else ""
        print(f"error: no complete partition at {where}{known}", file=sys.stderr)
        return 1
    try:
        path = write_report(clean_dir / night)
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(path)
    if args.open if args.open is not None else sys.stdout.isatty():
        import webbrowser

        if not webbrowser.open(path.resolve().as_uri()):
            print("note: no web browser found; open the file above", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clean-pipeline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--clean-dir", default="clean", help="folder of output partitions")
    common.add_argument(
        "--date",
        type=dt.date.fromisoformat,
        default=dt.date.today(),
        help="the partition's date, YYYY-MM-DD (default: today)",
    )
    run = sub.add_parser(
        "run",
        parents=[common],
        help="run the whole pipeline (CleanCorpus)",
        description="The nightly job: the Luigi command's CleanCorpus with the same parameters. "
        "Checks the configuration before any work, then prints the partition's summary.",
    )
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
    summary = sub.add_parser(
        "summary",
        parents=[common],
        help="print a partition's counts",
        description="Print the counts of a complete partition: inputs, documents, duplicates, "
        "rejections by reason, and where the files are.",
    )
    summary.set_defaults(func=_summary)
    validate = sub.add_parser(
        "validate-config",
        help="check a config file and report problems",
        description="Check a pipeline config file (and the rules file it names) and list every "
        "problem, each with the file, the key and the expected type or range. Exits 2 when there "
        "is one.",
    )
    validate.add_argument(
        "--config", default="config/pipeline.yaml", help="the config file to check"
    )
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
    explain = sub.add_parser(
        "explain",
        help="show a document's journey: kept and removed lines with their rules, encoding "
        "repairs, foreign-script spans, the date, the language, its duplicate or rejection",
        description="Find a record by id or source path in the partitions (newest first) and "
        "show what the pipeline did to it. The original lines are re-read from the raw file "
        "when it is still there and unchanged, else taken from the record's provenance.",
    )
    explain.add_argument(
        "key", help="a record id (16 hex digits) or a source path (as in records, or raw/...)"
    )
    explain.add_argument("--clean-dir", default="clean", help="folder of output partitions")
    explain.add_argument(
        "--date",
        type=dt.date.fromisoformat,
        default=None,
        help="look only in this partition (default: every complete partition, newest first)",
    )
    explain.add_argument(
        "--raw-dir", default=None, help="where the raw file is now (default: the run's --raw-dir)"
    )
    explain.add_argument("--all", action="store_true", help="show every partition's record")
    explain.add_argument("--full", action="store_true", help="do not shorten long lines")
    explain.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the output (auto: only on a terminal, and not when NO_COLOR is set)",
    )
    explain.set_defaults(func=_explain)
    report = sub.add_parser(
        "report",
        help="write a partition's report.html again and open it",
        description="Write <clean-dir>/<date>/report.html (counts and accounting, removals by "
        "rule, languages and scripts, publication dates, duplicate clusters, encodings and "
        "repairs, rejections, per-stage times, change from the previous complete night) from "
        "the partition's own files, print its path and open it in a web browser. Every run "
        "already writes it; this rewrites it, e.g. for an older partition.",
    )
    report.add_argument(
        "night",
        nargs="?",
        metavar="DATE",
        type=dt.date.fromisoformat,
        help="the partition date, YYYY-MM-DD (default: the newest complete partition)",
    )
    report.add_argument("--clean-dir", default="clean", help="folder of output partitions")
    report.add_argument(
        "--open",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="open the report in a web browser (default: only when run from a terminal)",
    )
    report.set_defaults(func=_report)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
