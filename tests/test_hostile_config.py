"""Hostile configuration: YAML is only ever read with safe_load; a bad file stops the run
before any work, naming the file, the key and what was expected; a rule whose pattern
backtracks catastrophically cannot hang the run (the per-document time limit stops it)."""

from __future__ import annotations

import ast
import json
import time

import pytest
from test_hostile_files import run_cli, run_luigi

from conftest import RAW, ROOT, RUN_DATE, read_jsonl
from pipeline.config import ConfigError, load_config

PIPELINE = ROOT / "pipeline"
UNSAFE = {"load", "unsafe_load", "full_load", "load_all", "unsafe_load_all", "full_load_all"}
UNSAFE |= {"Loader", "FullLoader", "UnsafeLoader", "add_constructor", "add_multi_constructor"}


def test_yaml_is_only_read_with_safe_load():
    calls = []
    for path in sorted(PIPELINE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "yaml"
            ):
                calls.append((path.name, node.attr))
    assert calls, "the scan found no use of yaml at all"
    assert {attr for _, attr in calls} <= {"safe_load", "YAMLError"}, calls


def write_config(tmp_path, text: str, rules: str | None = None):
    rules_text = (ROOT / "config" / "boilerplate.yaml").read_text()
    (tmp_path / "boilerplate.yaml").write_text(rules if rules is not None else rules_text)
    path = tmp_path / "pipeline.yaml"
    path.write_text(text)
    return path


def test_python_tags_are_refused_not_run(tmp_path):
    marker = tmp_path / "was-run"
    text = f"discover:\n  ignore: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(ConfigError, match="not valid YAML") as err:
        load_config(write_config(tmp_path, text))
    assert str(tmp_path / "pipeline.yaml") in str(err.value)
    assert not marker.exists()
    rules = f"rules: !!python/object/apply:os.system ['touch {marker}']\n"
    with pytest.raises(ConfigError, match=r"boilerplate\.yaml: not valid YAML"):
        load_config(write_config(tmp_path, "", rules=rules))
    assert not marker.exists()


def test_a_yaml_alias_bomb_is_refused_at_once(tmp_path):
    # nine levels of ten aliases: a billion strings if anything walked it as a tree
    levels = ['&a0 ["lol"]']
    levels += [f"&a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    bomb = "".join(f"\n    - {level}" for level in levels)
    started = time.perf_counter()
    with pytest.raises(ConfigError, match=r"key 'discover.ignore\[0\]' must be a string"):
        load_config(write_config(tmp_path, f"discover:\n  ignore:{bomb}\n"))
    # an unknown section is refused before its content is looked at
    with pytest.raises(ConfigError, match="key 'anchors' is not a known option"):
        load_config(write_config(tmp_path, f"anchors:{bomb}\n"))
    assert time.perf_counter() - started < 30  # walking the aliases would take hours


BAD_CONFIGS = [
    ("dedup: {threshold: 0.9\n", "pipeline.yaml: not valid YAML"),
    ("- just\n- a list\n", "pipeline.yaml: the top level must be a mapping of sections"),
    ("dedup:\n  treshold: 0.9\n", "key 'dedup.treshold' is not a known option; expected one of"),
    ("load:\n  max_bytes: lots\n", "key 'load.max_bytes' must be an integer, got 'lots'"),
    ("load:\n  max_html_depth: 1000\n", "key 'load.max_html_depth' must be <= 255, got 1000"),
    ("runner:\n  max_seconds_per_document: -1\n", "must be >= 0.01, got -1"),
]


@pytest.mark.parametrize(("text", "message"), BAD_CONFIGS)
def test_a_bad_config_stops_the_luigi_command_before_any_work(tmp_path, text, message):
    config = write_config(tmp_path, text)
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "a.txt").write_bytes((RAW / "002_bf9c0ceb983e1a5f.txt").read_bytes())
    result = run_luigi(raw, clean, config=str(config))
    assert result.returncode != 0
    assert f"{config}: " in result.stderr and message in result.stderr
    assert not clean.exists()  # nothing was written, not even intermediate results
    cli = run_cli("run", "--raw-dir", str(raw), "--clean-dir", str(clean), "--config", str(config))
    assert cli.returncode == 2
    assert cli.stderr.startswith(f"error: {config}: ") and message in cli.stderr
    assert not clean.exists()


def test_a_broken_rule_pattern_names_the_rules_file_and_the_rule(tmp_path):
    rules = "rules:\n  - {name: greedy, label: chrome, pattern: '(a|b'}\n"
    result = run_cli("validate-config", "--config", str(write_config(tmp_path, "", rules)))
    assert result.returncode == 2
    assert "boilerplate.yaml: key 'rules[0].pattern' (greedy) must be a valid regular" in (
        result.stderr
    )


EVIL_RULE = "  - {name: evil, label: chrome, pattern: '^(a|a)*$'}\n"


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_catastrophic_rule_pattern_cannot_hang_the_run(tmp_path, workers):
    """The rule needs 2**40 steps on a 41-character line of a's: the document holding that
    line is stopped at the time limit and rejected; the others are cleaned as usual. With one
    worker the shards run in Luigi's own process, with two in forked ones: both are limited."""
    rules = (ROOT / "config" / "boilerplate.yaml").read_text()
    assert rules.startswith("rules:\n") or "\nrules:\n" in rules
    rules = rules.replace("rules:\n", "rules:\n" + EVIL_RULE, 1)
    config = write_config(tmp_path, "runner:\n  max_seconds_per_document: 1\n", rules)
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    article = (RAW / "002_bf9c0ceb983e1a5f.txt").read_text(encoding="utf-8")
    (raw / "fine.txt").write_text(article, encoding="utf-8")
    lines = article.split("\n")
    (raw / "evil.txt").write_text("\n".join([lines[0], "a" * 40 + "!", *lines[1:]]))
    started = time.perf_counter()
    result = run_luigi(raw, clean, "--workers", workers, config=str(config))
    assert result.returncode == 0, result.stderr[-3000:]
    assert time.perf_counter() - started < 120
    part = clean / RUN_DATE.isoformat()
    rejected = read_jsonl(part / "rejected.jsonl")
    assert [(r["source_path"], r["reason"], r["stage"]) for r in rejected] == [
        ("evil.txt", "timeout", "segment_text")
    ]
    assert rejected[0]["error"] == (
        "evil.txt: processing was stopped after 1 s in the segment_text step, over the limit "
        "(runner.max_seconds_per_document)"
    )
    documents = read_jsonl(part / "documents.jsonl")
    assert [d["provenance"]["source_path"] for d in documents] == ["fine.txt"]
    manifest = json.loads((part / "manifest.json").read_text())
    assert manifest["rejected_by_reason"] == {"timeout": 1}


def test_globs_in_the_config_do_not_backtrack(tmp_path):
    """discover.ignore and dates.source_orders are fnmatch globs: compiled to patterns with
    atomic groups, so many stars against a long name answer at once."""
    from pipeline.io import discover

    (tmp_path / ("a" * 250)).write_text("x")
    found, ignored = discover(tmp_path, ["*a" * 30 + "*b"])
    assert (found, ignored) == (["a" * 250], [])
