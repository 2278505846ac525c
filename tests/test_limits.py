"""Limits: every one is an option with a default, and passing it is a rejection with a stable
reason and a sentence naming the option, never a crash, a hang or an exhausted machine."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import signal
import threading
import time
import tracemalloc

import pytest

from conftest import ROOT
from pipeline.config import ConfigError, load_config, parse_config
from pipeline.io import read_input
from pipeline.record import Document, Drop
from pipeline.runner import process
from pipeline.steps import load
from pipeline.steps.segment_text import Rule

BODY = (
    "The council met on Tuesday to discuss the new budget for the coming year, and its members "
    "agreed on most of the proposals after a long debate.\n"
)


def doc_of(name: str, data: bytes) -> Document:
    return Document(
        source_path=name,
        source_sha256=hashlib.sha256(data).hexdigest(),
        source_bytes=len(data),
        raw=data,
    )


def with_load(cfg, **changes):
    return dataclasses.replace(cfg, load=dataclasses.replace(cfg.load, **changes))


def test_the_limits_have_defaults_in_the_shipped_config(cfg):
    shipped = (ROOT / "config" / "pipeline.yaml").read_text()
    for key in (
        "max_bytes",
        "max_decompressed_bytes",
        "max_line_chars",
        "max_html_depth",
        "max_html_elements",
        "max_seconds_per_document",
    ):
        assert f"  {key}: " in shipped, key
    defaults = parse_config({})
    assert cfg.load == dataclasses.replace(defaults.load, encodings=cfg.load.encodings)
    assert cfg.runner == defaults.runner


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("load:\n  max_html_depth: 300\n", "key 'load.max_html_depth' must be <= 255"),
        ("load:\n  max_line_chars: 5\n", "key 'load.max_line_chars' must be >= 100"),
        ("load:\n  max_html_elements: many\n", "key 'load.max_html_elements' must be an integer"),
        ("runner:\n  max_seconds_per_document: 0\n", "must be >= 0.01"),
        ("runner:\n  max_seconds_per_document: '10s'\n", "must be a number"),
    ],
)
def test_limit_options_are_validated(tmp_path, yaml_text, message):
    (tmp_path / "boilerplate.yaml").write_text((ROOT / "config" / "boilerplate.yaml").read_text())
    path = tmp_path / "pipeline.yaml"
    path.write_text(yaml_text)
    with pytest.raises(ConfigError, match=message) as err:
        load_config(path)
    assert str(path) in str(err.value)


def test_a_file_over_the_size_limit_is_not_read(tmp_path):
    (tmp_path / "big.txt").write_bytes(b"x" * 5000)
    rejected = read_input(tmp_path, "big.txt", max_bytes=4096)
    assert rejected.reason == "too-large"
    assert rejected.error == "big.txt: is 5000 bytes, over the limit of 4096 (load.max_bytes)"
    assert read_input(tmp_path, "big.txt", max_bytes=5000).source_bytes == 5000


def test_a_gzip_bomb_stops_at_the_cap_without_inflating_the_rest(cfg, ctx):
    # 1 GiB of zeros in about 1 MB: 1024 concatenated gzip members of 1 MiB each
    bomb = gzip.compress(b"\0" * (1 << 20), compresslevel=9) * 1024
    assert len(bomb) < 2_000_000
    cap = 1_000_000
    tracemalloc.start()
    result, _ = load.run(
        doc_of("bomb.txt.gz", bomb), dataclasses.replace(cfg.load, max_decompressed_bytes=cap), ctx
    )
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert isinstance(result, Drop) and result.reason == "too-large"
    assert "load.max_decompressed_bytes" in result.error
    # inflating all of it would take a GiB; stopping at the cap takes about twice the cap
    assert peak < 10 * cap, peak


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (gzip.compress(BODY.encode() * 20)[:-30], "bad-gzip"),  # cut short
        (gzip.compress(BODY.encode())[:10] + b"\xff" * 50, "bad-gzip"),  # garbage after header
        (b"\x1f\x8b", "bad-gzip"),
    ],
)
def test_damaged_gzip_is_rejected_not_half_read(cfg, ctx, data, reason):
    result, _ = load.run(doc_of("a.txt.gz", data), cfg.load, ctx)
    assert isinstance(result, Drop) and result.reason == reason, result


def test_an_overlong_line_is_rejected_with_its_length(cfg, ctx):
    data = (BODY + "word " * 30_000 + "\n" + BODY).encode()
    outcome = process(doc_of("wall.txt", data), with_load(cfg, max_line_chars=100_000), ctx, "0")
    assert outcome.rejection.reason == "line-too-long"
    assert outcome.rejection.error == (
        "wall.txt: has a line of 150000 characters (line 2), over the limit of 100000 "
        "(load.max_line_chars)"
    )
    assert process(doc_of("ok.txt", data), cfg, ctx, "0").doc is not None  # default: 200,000


def test_an_overlong_run_of_html_text_is_rejected(cfg, ctx):
    page = f"<html><body><p>{BODY}</p><p>{'word ' * 30_000}</p></body></html>".encode()
    outcome = process(doc_of("wall.html", page), with_load(cfg, max_line_chars=100_000), ctx, "0")
    assert outcome.rejection.reason == "line-too-long"


def test_100000_nested_divs_are_rejected_without_recursion(cfg, ctx):
    n = 100_000
    page = f"<html><body>{'<div>' * n}deep{'</div>' * n}<p>{BODY}</p></body></html>".encode()
    outcome = process(doc_of("deep.html", page), cfg, ctx, "0")
    assert outcome.rejection.reason == "html-too-deep"
    assert outcome.rejection.error == (
        "deep.html: nests HTML elements more than 200 deep (load.max_html_depth)"
    )


def test_unclosed_inline_tags_nest_too(cfg, ctx):
    page = ("<html><body>" + "<b><i><span>" * 5_000 + BODY).encode()
    outcome = process(doc_of("unclosed.htm", page), cfg, ctx, "0")
    assert outcome.rejection.reason == "html-too-deep"


def test_a_page_just_under_the_depth_limit_is_processed(cfg, ctx):
    page = f"<html><body>{'<div>' * 150}<p>{BODY * 3}</p>{'</div>' * 150}</body></html>"
    outcome = process(doc_of("nested.html", page.encode()), cfg, ctx, "0")
    assert outcome.doc is not None, outcome.rejection
    assert "council met on Tuesday" in outcome.doc.text


def test_too_many_elements_are_rejected(cfg, ctx):
    page = f"<html><body><p>{BODY}</p>{'<span>x</span>' * 3000}</body></html>".encode()
    outcome = process(doc_of("many.html", page), with_load(cfg, max_html_elements=1000), ctx, "0")
    assert outcome.rejection.reason == "html-too-many-elements"
    assert "(load.max_html_elements)" in outcome.rejection.error


def evil_config(cfg, seconds: float):
    """The shipped config with a catastrophically backtracking line rule first."""
    rules = cfg.segment_text.rules
    evil = Rule(name="evil", label="chrome", pattern=r"^(a|a)*$")
    bad = dataclasses.replace(rules, rules=(evil, *rules.rules))
    return dataclasses.replace(
        cfg,
        segment_text=dataclasses.replace(cfg.segment_text, rules=bad),
        runner=dataclasses.replace(cfg.runner, max_seconds_per_document=seconds),
    )


def test_a_pathological_document_is_stopped_at_the_time_limit(cfg, ctx):
    # The rule needs 2**40 steps on this 41-character line: without the limit it would never end.
    slow = evil_config(cfg, seconds=0.5)
    data = ("A headline for the day\n" + "a" * 40 + "!\n" + BODY * 3).encode()
    started = time.perf_counter()
    outcome = process(doc_of("evil.txt", data), slow, ctx, "0")
    assert time.perf_counter() - started < 30  # not a speed figure: without the limit, never
    assert outcome.doc is None
    assert outcome.rejection.reason == "timeout"
    assert outcome.rejection.stage == "segment_text"
    assert outcome.rejection.error == (
        "evil.txt: processing was stopped after 0.5 s in the segment_text step, over the limit "
        "(runner.max_seconds_per_document)"
    )
    # the next document is processed normally: the timer is gone
    fine = process(
        doc_of("fine.txt", ("A headline for the day\n" + BODY * 3).encode()), slow, ctx, "0"
    )
    assert fine.doc is not None
    time.sleep(0.7)  # past the first document's deadline: nothing fires


def test_a_long_script_or_style_line_is_not_text(cfg, ctx):
    # real pages carry script bundles and inline JSON of hundreds of kilobytes on one line
    bundle = "var x=1;" * 40_000
    page = f"<html><head><script>{bundle}</script><style>{'a{b:c}' * 40_000}</style></head>"
    page += f"<body><article>{f'<p>{BODY}</p>' * 4}</article></body></html>"
    outcome = process(doc_of("bundle.html", page.encode()), cfg, ctx, "0")
    assert outcome.doc is not None, outcome.rejection
    assert "var x" not in outcome.doc.text


def test_the_time_limit_leaves_other_timers_and_handlers_as_they_were(cfg, ctx):
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30.0)
        outcome = process(doc_of("a.txt", ("A headline\n" + BODY).encode()), cfg, ctx, "0")
        assert outcome.doc is not None
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25.0 < remaining < 30.0  # the outer timer still runs, less the time spent
        signal.setitimer(signal.ITIMER_REAL, 0.01)
        time.sleep(0.1)
        assert fired == [signal.SIGALRM]  # and the outer handler is back
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_off_the_main_thread_documents_are_processed_without_a_limit(cfg, ctx):
    results = []
    data = ("A headline\n" + BODY).encode()
    thread = threading.Thread(
        target=lambda: results.append(process(doc_of("t.txt", data), cfg, ctx, "0"))
    )
    thread.start()
    thread.join()
    assert results[0].doc is not None


def test_a_page_the_html_parser_would_cut_short_is_rejected(cfg, ctx):
    # libxml2 stops at a text node of 10 MB and keeps nothing of the page: said, not hidden
    page = "<html><body><p>" + ("word " * 30 + "\n") * 80_000 + "</p><p>After.</p></body></html>"
    outcome = process(doc_of("huge-text.html", page.encode()), cfg, ctx, "0")
    assert outcome.rejection.reason == "html-parser-limit"
    assert "Resource limit exceeded" in outcome.rejection.error


def test_html_limits_are_exact_at_their_boundaries(cfg):
    # most pages are cleared by bounds computed in C; a page at or just past a limit is walked,
    # and the limit holds to the element, the level and the character
    small = with_load(cfg, max_html_depth=10, max_html_elements=100, max_line_chars=100).load

    def reason(page: str) -> str | None:
        drop = load.html_limits(page, small)
        return drop.reason if drop else None

    def nested(levels: int) -> str:  # html and body are levels 1 and 2
        return f"<html><body>{'<div>' * (levels - 2)}x{'</div>' * (levels - 2)}</body></html>"

    assert reason(nested(10)) is None
    assert reason(nested(11)) == "html-too-deep"

    def spans(elements: int) -> str:  # html and body are two of them
        return f"<html><body>{'<span>x</span>' * (elements - 2)}</body></html>"

    assert reason(spans(100)) is None
    assert reason(spans(101)) == "html-too-many-elements"

    def run(chars: int) -> str:
        return f"<html><body><p>{'a' * chars}</p></body></html>"

    assert reason(run(100)) is None
    assert reason(run(101)) == "line-too-long"
    assert reason(f"<html><body><p>{'a' * 80}\n{'a' * 80}</p></body></html>") is None
    assert reason(f"<html><body><p>x</p>{'a' * 101}</body></html>") == "line-too-long"  # a tail
    assert reason(f"<html><body><script>{'a' * 500}</script></body></html>") is None
