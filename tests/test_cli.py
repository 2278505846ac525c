"""The command line (console script clean-pipeline): help on every subcommand, `run` with the
Luigi command's parameters, `validate-config` listing every problem, and `explain` on the real
sample corpus."""

from __future__ import annotations

import re
import shutil

import pytest

from conftest import RAW, ROOT, RUN_DATE, clean_corpus, read_jsonl
from pipeline import cli
from pipeline.record import document_id
from pipeline.tasks import CleanCorpus

DATE = RUN_DATE.isoformat()
CONFIG = str(ROOT / "config" / "pipeline.yaml")


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def help_text(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as stop:
        cli.main([*argv, "--help"])
    assert stop.value.code == 0
    return capsys.readouterr().out


def test_every_subcommand_has_help(capsys):
    top = help_text(capsys)
    commands = re.search(r"\{([a-z,-]+)\}", top).group(1).split(",")
    assert {"run", "summary", "validate-config", "forget-night", "explain"} <= set(commands)
    for command in commands:
        text = help_text(capsys, command)
        assert f"usage: clean-pipeline {command}" in text
        # every argument has a line of help: on its own line, or on the next one
        lines = text.split("options:")[0].splitlines() + text.split("options:")[1].splitlines()
        for i, line in enumerate(lines):
            if re.match(r"^  [-a-z]", line) and not re.search(r"\S  +\S", line.strip()):
                following = lines[i + 1] if i + 1 < len(lines) else ""
                assert following.startswith(" " * 8), f"{command}: no help for {line.strip()}"


def test_run_takes_the_parameters_of_the_luigi_command(capsys):
    text = help_text(capsys, "run")
    for name in CleanCorpus.get_param_names():
        assert f"--{name.replace('_', '-')}" in text
    for luigi_option in ("--workers", "--local-scheduler", "--no-local-scheduler"):
        assert luigi_option in text


def test_run_gives_the_luigi_command_s_output(capsys, tmp_path, explained):
    code, out, _ = run_cli(
        capsys, "run", "--raw-dir", str(RAW), "--clean-dir", str(tmp_path), "--date", DATE,
        "--config", CONFIG,
        "--workers", "2", "--progress",
    )  # fmt: skip
    assert code == 0
    assert "inputs 16: documents 7, duplicates 7, rejected 2" in out
    for name in ("documents.jsonl", "duplicates.jsonl", "rejected.jsonl"):
        assert (tmp_path / DATE / name).read_bytes() == (explained / name).read_bytes()


def test_validate_config_reports_every_problem(capsys, tmp_path):
    bad = tmp_path / "pipeline.yaml"
    bad.write_text(
        "dedup:\n  threshold: high\n  bandz: 3\ndiscover:\n  shards: 0\n"
        "language:\n  keep_languages: en\nsegment_text:\n  citation_markers: delete\n"
    )
    code, out, err = run_cli(capsys, "validate-config", "--config", str(bad))
    assert code == 2 and not out
    expected = [
        "key 'dedup.threshold' must be a number, got 'high'",
        "key 'dedup.bandz' is not a known option",
        "key 'discover.shards' must be >= 1, got 0",
        "key 'language.keep_languages' must be a list, got 'en'",
        "key 'segment_text.citation_markers' must be one of ['remove', 'keep']",
        "key 'segment_text.rules_file' names",  # no boilerplate.yaml beside it
    ]
    for message in expected:
        assert f"error: {bad}: {message}" in err
    assert f"{bad}: 6 problem(s)" in err


def test_validate_config_accepts_the_shipped_config(capsys):
    code, out, _ = run_cli(capsys, "validate-config", "--config", CONFIG)
    assert (code, out) == (0, f"{CONFIG}: valid\n")


def test_the_run_still_stops_at_the_first_problem(capsys, tmp_path):
    bad = tmp_path / "pipeline.yaml"
    bad.write_text("dedup:\n  threshold: high\ndiscover:\n  shards: 0\n")
    code, _, err = run_cli(capsys, "run", "--config", str(bad), "--clean-dir", str(tmp_path / "c"))
    assert code == 2
    assert err.count("error:") == 1 and "dedup.threshold" in err
    assert not (tmp_path / "c").exists()


# explain, on the sample corpus


@pytest.fixture(scope="module")
def explained(tmp_path_factory):
    return clean_corpus(RAW, tmp_path_factory.mktemp("clean"))


def explain(capsys, partition, *argv: str) -> str:
    code, out, err = run_cli(capsys, "explain", *argv, "--clean-dir", str(partition.parent))
    assert code == 0, err
    return out


def test_explain_shows_how_an_ambiguous_date_was_resolved(capsys, explained):
    out = explain(capsys, explained, "002_bf9c0ceb983e1a5f.txt")
    assert out.startswith("002_bf9c0ceb983e1a5f.txt  kept document, night 2026-11-21")
    assert '2026-01-03 from the dateline "Written on 01/03/2026"' in out
    assert 'ambiguous: "01/03/2026" reads as dmy 2026-03-01, mdy 2026-01-03' in out
    assert "resolved by weekday: 2026-01-03 fits, 2026-03-01 does not" in out
    assert "Saturday 3rd" in out
    assert "- Written on 01/03/2026 [dateline · header-cue-with-date]" in out
    assert "- Victor Cohen [byline · name-after-title]" in out
    assert "en, confidence 1.0" in out


def test_explain_shows_each_removed_line_with_its_rule(capsys, explained):
    out = explain(capsys, explained, "001_ea4337dc22b15d88.txt")
    lines = out.splitlines()
    assert "     8 - Support SouthFront [chrome · donation-appeal]" in lines
    assert "    42 - Support SouthFront [chrome · donation-appeal]" in lines
    assert "    10 - Originally appeared at ZeroHedge [attribution · syndication-note]" in lines
    assert 'Arab span on line 4: "يوم متبقٍ" -> removed-with-line' in out


def test_explain_s_kept_lines_are_the_document_s_text(capsys, explained):
    for record in read_jsonl(explained / "documents.jsonl"):
        if record["provenance"]["input_format"] != "text":
            continue
        out = explain(capsys, explained, record["id"], "--full")
        # + a kept line, ~ a line kept without the pieces listed under it (citation markers)
        kept = re.findall(r"^ +\d+ ([+~]) (.*)$", out, re.M)
        paragraphs = record["text"].split("\n")
        assert len(kept) == len(paragraphs), record["provenance"]["source_path"]
        for (mark, line), paragraph in zip(kept, paragraphs, strict=True):
            assert line == paragraph if mark == "+" else len(line) > len(paragraph)


def test_explain_a_duplicate_names_the_kept_document(capsys, explained):
    out = explain(capsys, explained, "105_seed002_near_duplicate.txt")
    assert "duplicate (not in documents.jsonl)" in out
    assert (
        "near duplicate of 518e3a8ca8ca5907 (002_bf9c0ceb983e1a5f.txt), kept in night 2026-11-21"
    ) in out
    assert "similarity 0.940" in out
    assert "- By Victor Cohen | 4 min read [byline · byline-cue]" in out  # part of line 8


def test_explain_shows_the_encoding_repair(capsys, explained):
    out = explain(capsys, explained, "103_seed000_mojibake.txt")
    assert "exact duplicate of 1b678da2c25fbfe7 (000_c350f78d65b07a85.txt)" in out
    assert "ftfy repaired 9 line(s)" in out
    assert "encode sloppy-windows-1252 then decode utf-8" in out
    assert "was: Colombiaâ€™s military" in out
    assert "\\x9d" in out  # the C1 control of the mojibake, shown escaped


def test_explain_a_legacy_encoding_and_an_html_page(capsys, explained):
    assert "cp1252 (by charset-normalizer" in explain(capsys, explained, "101_seed002_cp1252.txt")
    out = explain(capsys, explained, "100_news_page.html")
    assert "html input" in out
    assert "[boilerplate · trafilatura:not-main-text]" in out
    assert "2026-01-05 from the html-metadata" in out


def test_explain_a_rejected_input_says_why(capsys, explained):
    out = explain(capsys, explained, "110_binary.txt")
    assert "rejected input" in out
    assert "stage load, reason binary" in out
    assert "110_binary.txt: starts with the signature of a binary file format" in out
    rejection = next(r for r in read_jsonl(explained / "rejected.jsonl") if r["reason"] == "binary")
    rejection_id = document_id(rejection["source_path"], rejection["source_sha256"])
    assert explain(capsys, explained, rejection_id) == out  # the id it would have had


def test_explain_finds_a_record_by_id_or_by_raw_path(capsys, explained):
    by_id = explain(capsys, explained, "518e3a8ca8ca5907")
    by_path = explain(capsys, explained, f"{RAW}/002_bf9c0ceb983e1a5f.txt")
    assert by_id == by_path == explain(capsys, explained, "002_bf9c0ceb983e1a5f.txt")
    dated = explain(capsys, explained, "518e3a8ca8ca5907", "--date", DATE)
    assert dated == by_id


def test_explain_an_unknown_record_fails(capsys, explained):
    code, out, err = run_cli(capsys, "explain", "nope.txt", "--clean-dir", str(explained.parent))
    assert code == 1 and not out
    assert "no record with id or source path 'nope.txt'" in err


def test_explain_without_the_raw_file_uses_provenance(capsys, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / "002_bf9c0ceb983e1a5f.txt", raw)
    partition = clean_corpus(raw, tmp_path / "clean")
    (raw / "002_bf9c0ceb983e1a5f.txt").write_text("changed since the run")
    out = explain(capsys, partition, "002_bf9c0ceb983e1a5f.txt")
    assert "the raw file has changed since the run" in out
    assert "Written on 01/03/2026 [dateline · header-cue-with-date]" in out
    assert "kept text:" in out
    (raw / "002_bf9c0ceb983e1a5f.txt").unlink()
    gone = explain(capsys, partition, "002_bf9c0ceb983e1a5f.txt")
    assert f"the raw file {raw}/002_bf9c0ceb983e1a5f.txt is no longer there" in gone


def test_explain_never_prints_a_document_s_escape_sequences(capsys, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    name = "evil\x1b]0;owned\x07\u202e.txt"
    body = "A reader's letter about the council meeting and what it decided for the town. " * 4
    (raw / name).write_text(f"Headline of the letter page today\n\n{body}\n")
    partition = clean_corpus(raw, tmp_path / "clean")
    out = explain(capsys, partition, name, "--color", "never")
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "evil\\x1b]0;owned\\x07\\u202e.txt" in out
    coloured = explain(capsys, partition, name, "--color", "always")
    escapes = re.findall(r"\x1b[^m]*m?", coloured)
    assert escapes and all(re.fullmatch(r"\x1b\[[0-9;]*m", e) for e in escapes)


def test_explain_colours_only_when_asked_or_on_a_terminal(capsys, explained):
    plain = explain(capsys, explained, "001_ea4337dc22b15d88.txt")  # captured: not a terminal
    assert "\x1b" not in plain
    coloured = explain(capsys, explained, "001_ea4337dc22b15d88.txt", "--color", "always")
    assert "\x1b[31m" in coloured  # removed lines in red
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


# the README's configuration reference


def test_the_readme_configuration_reference_is_up_to_date():
    from pipeline import config_reference

    assert config_reference.problems() == []
    readme = config_reference.README.read_text(encoding="utf-8")
    assert config_reference.updated_readme(readme) == readme, (
        "README.md is out of date: run python -m pipeline.config_reference"
    )
    for section, name, _tp, _meta in config_reference.options():
        assert f"| `{name}` |" in readme, f"{section}.{name}"


def test_the_reference_catches_an_option_missing_from_the_yaml(tmp_path, monkeypatch):
    from pipeline import config_reference

    yaml_text = config_reference.YAML.read_text(encoding="utf-8")
    edited = tmp_path / "pipeline.yaml"
    edited.write_text(
        yaml_text.replace("  shards: 4\n", "  shards: 3\n").replace(
            "  # seed of the MinHash permutations\n  seed: 1\n", ""
        )
    )
    monkeypatch.setattr(config_reference, "YAML", edited)
    found = config_reference.problems()
    assert any("option signature.seed is missing" in p for p in found)
    assert any("option discover.shards shows 3, but its default is 4" in p for p in found)


def test_explain_across_nights_names_the_night_that_kept_the_document(capsys, tmp_path):
    import shutil

    clean, raw = str(tmp_path / "clean"), tmp_path / "raw"
    shutil.copytree(RAW, raw)
    for night in ("2026-11-20", "2026-11-21"):
        code, _, err = run_cli(capsys, "run", "--raw-dir", str(raw), "--clean-dir", clean,
                               "--date", night, "--config", CONFIG)  # fmt: skip
        assert code == 0, err
        # the next night finds one new file: another site's copy of a seed
        (raw / "mirror").mkdir(exist_ok=True)
        shutil.copy(raw / "002_bf9c0ceb983e1a5f.txt", raw / "mirror" / "002-copy.txt")
    code, out, _ = run_cli(capsys, "explain", "mirror/002-copy.txt", "--clean-dir", clean)
    first_line = out.splitlines()[0]
    assert first_line == "mirror/002-copy.txt  duplicate (not in documents.jsonl), night 2026-11-21"
    assert "kept in night 2026-11-20" in out and "(002_bf9c0ceb983e1a5f.txt)" in out
    code, out, _ = run_cli(capsys, "explain", "002_bf9c0ceb983e1a5f.txt", "--clean-dir", clean)
    assert out.startswith("002_bf9c0ceb983e1a5f.txt  kept document, night 2026-11-20")


def _explain_on_a_terminal(partition, **env: str) -> str:
    """Run the installed clean-pipeline command with its output on a pseudo-terminal."""
    import os
    import pty
    import subprocess
    import sys
    from pathlib import Path

    command = str(Path(sys.executable).parent / "clean-pipeline")
    master, slave = pty.openpty()
    args = [command, "explain", "001_ea4337dc22b15d88.txt", "--clean-dir", str(partition.parent)]
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | env
    proc = subprocess.Popen(args, stdout=slave, stderr=subprocess.DEVNULL, env=environ)
    os.close(slave)  # read while the command writes: a terminal's buffer is small
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the command exited and closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    proc.wait(timeout=120)
    assert proc.returncode == 0
    return b"".join(chunks).decode("utf-8")


def test_explain_colours_a_terminal_unless_no_color_is_set(explained):
    assert "\x1b[31m" in _explain_on_a_terminal(explained)
    assert "\x1b" not in _explain_on_a_terminal(explained, NO_COLOR="1")
