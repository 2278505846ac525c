"""Hostile HTML: entity-expansion bombs, external entities and DTDs are parsed without
expansion, file reads or network access; script, style and comments never reach the text."""

from __future__ import annotations

import hashlib
import socket
import threading
import time

import pytest

from pipeline.record import Document
from pipeline.runner import process

PARAGRAPH = (
    "The harbour authority said on Monday that the new ferry line would open in the spring, "
    "after two years of work on the piers and the waiting rooms. "
)


def laughs() -> str:
    """The declarations of the billion laughs: lol9 would expand to 10**9 "lol"s."""
    levels = ['<!ENTITY lol0 "lol">']
    for i in range(1, 10):
        levels.append(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">')
    return "\n".join(levels)


def process_page(cfg, ctx, name: str, page: str):
    data = page.encode("utf-8")
    doc = Document(
        source_path=name,
        source_sha256=hashlib.sha256(data).hexdigest(),
        source_bytes=len(data),
        raw=data,
    )
    return process(doc, cfg, ctx, "0" * 64)


@pytest.fixture(scope="module")
def listener():
    """A TCP port on loopback that records whether anything connected to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    hits: list[bool] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(True)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join()
    server.close()


def hostile_page(port: int, paragraphs: int) -> str:
    return f"""<?xml version="1.0"?>
<!DOCTYPE html [
{laughs()}
<!ENTITY secret SYSTEM "file:///etc/passwd">
<!ENTITY remote SYSTEM "http://127.0.0.1:{port}/entity">
<!ENTITY % param SYSTEM "http://127.0.0.1:{port}/dtd">
%param;
]>
<html><head><title>Ferry line</title>
<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">
<style>body {{ color: red }} .STYLE-LEAK {{ }}</style>
<script>var SCRIPT_LEAK = "&lol9;";</script>
<script type="application/ld+json">{{"SCRIPT_LEAK_JSON": 1}}</script>
</head><body>
<!-- COMMENT-LEAK -->
<h1>Ferry line &lol9; &secret; &remote;</h1>
<article>{f"<p>{PARAGRAPH}&lol9; &secret;</p>" * paragraphs}
<img src="http://127.0.0.1:{port}/img.png"><![CDATA[ CDATA-LEAK ]]>
<noscript>NOSCRIPT-LEAK</noscript>
<p>The last paragraph<!-- INLINE-COMMENT-LEAK --> of the article.</p>
<script>document.write("SCRIPT_LEAK_2")</script>
<style>.STYLE-LEAK-2 {{}}</style></article>
</body></html>"""


# 12 paragraphs: only trafilatura's precise extraction runs, on the tree parsed by the pipeline.
# 1 paragraph: under 100 words, so the default extraction runs too, and it parses the page
# itself from the string.
@pytest.mark.parametrize("paragraphs", [12, 1])
@pytest.mark.parametrize("name", ["page.html", "page.xhtml", "page.download"])
def test_entities_are_not_expanded_and_nothing_is_fetched(cfg, ctx, listener, name, paragraphs):
    port, hits = listener
    started = time.perf_counter()
    outcome = process_page(cfg, ctx, name, hostile_page(port, paragraphs))
    assert time.perf_counter() - started < 60  # an expansion would take gigabytes and minutes
    assert outcome.doc is not None, outcome.rejection
    doc = outcome.doc
    assert doc.input_format == "html"
    text = doc.text
    assert "harbour authority" in text
    assert "lollollol" not in text  # not expanded (a billion "lol"s would be 3 GB)
    assert "root:" not in text  # /etc/passwd was not read
    assert len(text) < 20 * len(PARAGRAPH) * paragraphs + 2000
    for leak in ("LEAK", "SCRIPT_LEAK", "color: red", "document.write"):
        assert leak not in text, leak
    everything = repr(doc.provenance) + repr(doc.title)
    assert "root:" not in everything
    assert "SCRIPT_LEAK" not in everything and "COMMENT-LEAK" not in everything
    assert not hits, "the page made the pipeline connect to a server"


def test_an_xml_page_with_a_billion_laughs_is_read_without_expansion(cfg, ctx):
    page = f"""<?xml version="1.0"?>
<!DOCTYPE lolz [{laughs()}]>
<lolz><p>{PARAGRAPH * 3}</p><p>&lol9;</p></lolz>"""
    outcome = process_page(cfg, ctx, "feed.xml", page)
    text = outcome.doc.text if outcome.doc else ""
    assert "lollollol" not in text
    assert outcome.doc is not None or outcome.rejection.reason in {"no-content-after-cleaning"}


def test_script_and_style_text_never_reaches_the_text_even_when_it_is_all_there_is(cfg, ctx):
    page = (
        "<html><body><script>"
        + "var words = 'this looks like a sentence of prose but it is code'; " * 40
        + "</script><style>"
        + "p { content: 'some styled text that reads like a sentence'; } " * 40
        + "</style><!-- "
        + "a comment that is long enough to look like an article paragraph. " * 40
        + "--></body></html>"
    )
    outcome = process_page(cfg, ctx, "code.html", page)
    assert outcome.doc is None
    assert outcome.rejection.reason == "no-content-after-cleaning"
