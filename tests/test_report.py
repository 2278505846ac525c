"""The run report (clean/<date>/report.html): written with every partition, rewritten by
`clean-pipeline report`, self-contained, escaped, and rendered by headless Chromium.

Two real nights over a small corpus (the real Luigi scheduler): night one holds a few of the
sample documents, night two the rest of them plus hostile inputs (a file name and a headline
made of HTML markup), so the report of night two has a previous night to compare with.

The Chromium tests drive Debian's `chromium` through the DevTools protocol over a pipe
(`--remote-debugging-pipe`, standard library only), with networking disabled. They skip when
Chromium is missing, except under CI=true, where a missing browser is a failure (`.ci/run`
installs it with apt-get). REPORT_SCREENSHOT=<file.png> keeps the full-page screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import RAW, ROOT, read_jsonl
from pipeline import report

NIGHT_ONE = dt.date(2026, 11, 20)
NIGHT_TWO = dt.date(2026, 11, 21)
FIRST = ["002_bf9c0ceb983e1a5f.txt", "003_3543076f826fd97a.txt", "104_seed003_exact_copy.txt"]
FIRST += ["106_russian_article.txt", "109_empty.txt"]
SECOND = ["000_c350f78d65b07a85.txt", "101_seed002_cp1252.txt", "103_seed000_mojibake.txt"]
SECOND += ["105_seed002_near_duplicate.txt", "107_scraped_page_text.txt", "110_binary.txt"]
HOSTILE_NAME = '<img src=x onerror="alert(1)">.txt'
HOSTILE_TITLE = '</title><script>alert("title")</script> Harbour reopens'
PARAGRAPHS = [
    "The harbour of the coastal town reopened on Monday after three weeks of repairs to the "
    "breakwater, which storms had damaged at the start of the month.",
    "Fishing crews returned to the quays before dawn, and the first boats were unloading their "
    "catch by seven o'clock, according to the harbour master's office.",
    "The repairs cost the regional council more than two million euros, a sum it says will be "
    "covered in part by a national fund for storm damage to public works.",
    "Engineers replaced the concrete blocks at the end of the breakwater and raised the wall by "
    "half a metre, which should protect the inner basin from waves during winter storms.",
    "Local businesses welcomed the reopening; several restaurants on the seafront had closed "
    "while the quays were shut because they could not buy fish from the boats.",
]


def hostile_page() -> str:
    """A news page whose headline is markup: the report must show it as text."""
    title = HOSTILE_TITLE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f'<!DOCTYPE html><html lang="en"><head><title>{title}</title>'
        f'<meta property="og:title" content="{title.replace(chr(34), "&quot;")}">'
        '<meta property="article:published_time" content="2026-10-02T08:00:00Z"></head>'
        f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>{title}</h1>"
        f"{body}</article><footer>© Coastal Herald</footer></body></html>"
    )


def run_night(raw: Path, clean: Path, date: dt.date) -> Path:
    import luigi

    from pipeline.tasks import CleanCorpus

    task = CleanCorpus(
        raw_dir=str(raw), clean_dir=str(clean), config=str(ROOT / "config/pipeline.yaml"), date=date
    )
    assert luigi.build([task], local_scheduler=True, log_level="WARNING")
    return clean / date.isoformat()


@pytest.fixture(scope="module")
def nights(tmp_path_factory) -> tuple[Path, Path]:
    """Partitions of night one and night two in one clean folder."""
    base = tmp_path_factory.mktemp("report")
    clean = base / "clean"
    raw_one, raw_two = base / "raw1", base / "raw2"
    raw_one.mkdir()
    for name in FIRST:
        shutil.copy(RAW / name, raw_one / name)
    (raw_two / "site").mkdir(parents=True)
    for name in SECOND:
        shutil.copy(RAW / name, raw_two / name)
    (raw_two / "site" / "harbour.html").write_text(hostile_page(), encoding="utf-8")
    (raw_two / "site" / "harbour-copy.html").write_text(hostile_page(), encoding="utf-8")
    (raw_two / "site" / HOSTILE_NAME).write_bytes(b"")
    return run_night(raw_one, clean, NIGHT_ONE), run_night(raw_two, clean, NIGHT_TWO)


def counts(partition: Path) -> dict[str, int]:
    """The figures the report must show, counted here straight from the files."""
    found = {
        name: len(read_jsonl(partition / f"{name}.jsonl"))
        for name in ("documents", "duplicates", "rejected")
    }
    found["inputs"] = sum(found.values())
    return found


class Page(HTMLParser):
    """The parts of a report the tests look at: figures, charts, tags used, visible text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.figures: dict[str, str] = {}
        self.tags: Counter[str] = Counter()
        self.links: list[str] = []
        self.sections: list[str] = []
        self.text: list[str] = []
        self._figure: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        attributes = dict(attrs)
        for name in ("src", "href", "action", "srcset", "data", "poster"):
            if attributes.get(name) is not None:
                self.links.append(str(attributes[name]))
        if tag == "section":
            self.sections.append(str(attributes.get("id")))
        self._figure = attributes.get("data-figure") or self._figure

    def handle_endtag(self, tag: str) -> None:
        self._figure = None if tag in ("div", "p", "span") else self._figure

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._figure:
            self.figures[self._figure] = self.figures.get(self._figure, "") + data


# ---------------------------------------------------------------------------------------------
# The page as written


def test_every_partition_has_its_report_written_before_success(nights):
    for partition in nights:
        assert (partition / "_SUCCESS").exists()
        assert (partition / report.REPORT_NAME).stat().st_size > 5000
    assert not list(nights[1].parent.glob(".*.partial"))


def test_the_report_shows_the_counts_of_the_files(nights):
    for partition in nights:
        page = Page((partition / "report.html").read_text(encoding="utf-8"))
        expected = counts(partition)
        manifest = json.loads((partition / "manifest.json").read_text())
        assert manifest["inputs"] == expected["inputs"]
        for name, value in expected.items():
            assert page.figures[name] == f"{value:,}"
        assert page.figures["accounting"].startswith("✔")


def test_the_report_is_self_contained_and_runs_nothing(nights):
    text = (nights[1] / "report.html").read_text(encoding="utf-8")
    page = Page(text)
    assert page.tags["script"] == page.tags["img"] == page.tags["link"] == 0
    assert page.tags["iframe"] == page.tags["object"] == page.tags["embed"] == 0
    assert all(link.startswith("#") for link in page.links), page.links
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert not re.search(r"url\(|@import", text)


def test_every_section_of_the_issue_is_there(nights):
    page = Page((nights[1] / "report.html").read_text(encoding="utf-8"))
    assert page.sections == [
        "accounting", "change", "removals", "languages", "dates", "duplicates", "encodings",
        "rejections", "stages",
    ]  # fmt: skip
    assert page.tags["svg"] >= 8  # bar charts, the accounting bar and the date histogram


def test_hostile_names_and_titles_are_shown_as_text(nights):
    partition = nights[1]
    titles = [d["title"] for d in read_jsonl(partition / "documents.jsonl") if d["title"]]
    hostile = [t for t in titles if "<script>" in t]
    assert hostile, titles  # the headline survived cleaning, so the test means something
    text = (partition / "report.html").read_text(encoding="utf-8")
    page = Page(text)
    visible = "".join(page.text)
    assert HOSTILE_NAME in visible  # the rejected empty file, listed by path
    assert hostile[0] in visible  # the kept headline of the cluster with its copy
    assert page.tags["script"] == page.tags["img"] == 0
    assert "onerror=" not in text.replace("onerror=&quot;", "")


def test_the_previous_night_is_compared(nights):
    one, two = nights
    first = Page((one / "report.html").read_text(encoding="utf-8"))
    assert "this is the first night" in first.figures["previous"]
    second = Page((two / "report.html").read_text(encoding="utf-8"))
    assert f"Compared with {one.name}" in second.figures["previous"]
    before, now = report.read_night(one), report.read_night(two)
    visible = " ".join(second.text)
    assert f"{now.documents - before.documents:+,}" in visible
    # 101 repeats a document kept on night one: a duplicate of an earlier night
    duplicates = read_jsonl(two / "duplicates.jsonl")
    assert any(d["duplicate_of_night"] == one.name for d in duplicates)
    assert f"{one.name} " in visible


def test_a_night_without_inputs_still_has_a_report(tmp_path):
    (tmp_path / "raw").mkdir()
    partition = run_night(tmp_path / "raw", tmp_path / "clean", NIGHT_ONE)
    page = Page((partition / "report.html").read_text(encoding="utf-8"))
    assert [page.figures[k] for k in ("inputs", "documents", "duplicates", "rejected")] == ["0"] * 4
    assert page.figures["accounting"].startswith("✔")
    assert "this is the first night" in page.figures["previous"]
    assert "no document has a trusted publication date" in "".join(page.text)


def test_an_unreadable_earlier_night_is_named_not_fatal(nights, tmp_path):
    clean = tmp_path / "clean"
    for partition in nights:
        shutil.copytree(partition, clean / partition.name)
    broken = clean / nights[0].name / "documents.jsonl"
    broken.write_text('{"id": "x"\n', encoding="utf-8")
    page = Page(report.build_report(clean / nights[1].name))
    assert f"{broken}: line 1 is not JSON" in page.figures["previous"]
    # the night itself unreadable: the command names the file and fails
    result = cli("report", nights[0].name, "--clean-dir", str(clean), "--no-open")
    assert result.returncode == 1
    assert f"error: {broken}: line 1 is not JSON" in result.stderr


def test_rates_that_moved_are_listed_with_both_nights():
    def night(date: str, docs: int, rule_docs: int, empty: int) -> report.Night:
        n = report.Night(date=date, manifest={}, documents=docs, rejected=empty)
        n.rule_documents["chrome:cookie-notice"] = rule_docs
        n.rule_documents["caption:photo-credit"] = docs // 10
        n.reasons["empty"] = empty
        return n

    before, now = night("2026-11-20", 1000, 100, 10), night("2026-11-21", 1000, 300, 10)
    html = report._change(now, before)
    assert "removed chrome:cookie-notice" in html
    assert "10.0% (100)" in html and "30.0% (300)" in html and "+20.0 pt" in html
    assert "photo-credit" not in html  # 10% both nights: it did not move
    assert "rejected empty" not in html


def test_dates_are_binned_by_day_month_or_year_with_the_gaps():
    unit, bins = report._bins(Counter({"2026-01-30": 2, "2026-02-02": 1}))
    assert unit == "day" and len(bins) == 4 and [b[1] for b in bins] == [2, 0, 0, 1]
    unit, bins = report._bins(Counter({"2025-11-05": 1, "2026-02-10": 3, "not a date": 4}))
    assert unit == "month" and bins == [("2025-11", 1), ("2025-12", 0), ("2026-01", 0),
                                         ("2026-02", 3)]  # fmt: skip
    unit, bins = report._bins(Counter({"1998-05-01": 1, "2026-02-10": 3}))
    assert unit == "year" and len(bins) == 29 and bins[0] == ("1998", 1)


def test_escaping_covers_markup_quotes_and_broken_unicode():
    assert report.esc('<b a="1">&') == "&lt;b a=&quot;1&quot;&gt;&amp;"
    assert report.esc("\ud800x") == "?x"
    assert report.esc("abcdefgh", limit=4) == "abc…"


# ---------------------------------------------------------------------------------------------
# The command


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    exe = str(Path(sys.executable).parent / "clean-pipeline")
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_the_report_command_writes_the_same_page_again(nights):
    one, two = nights
    written = (two / "report.html").read_bytes()
    (two / "report.html").unlink()
    result = cli("report", "--clean-dir", str(two.parent), "--no-open")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(two / "report.html")  # the newest night by default
    assert (two / "report.html").read_bytes() == written
    result = cli("report", one.name, "--clean-dir", str(one.parent), "--no-open")
    assert result.returncode == 0 and result.stdout.strip().endswith(f"{one.name}/report.html")


def test_the_report_command_names_a_missing_partition(nights, tmp_path):
    clean = nights[0].parent
    result = cli("report", "2020-01-01", "--clean-dir", str(clean), "--no-open")
    assert result.returncode == 1
    assert f"no complete partition at {clean}/2020-01-01" in result.stderr
    assert nights[1].name in result.stderr  # the complete ones are listed
    result = cli("report", "--clean-dir", str(tmp_path / "none"))
    assert result.returncode == 1 and "no complete partition" in result.stderr


def test_the_report_command_has_help():
    result = cli("report", "--help")
    assert result.returncode == 0
    assert "report.html" in result.stdout and "--open" in result.stdout


# ---------------------------------------------------------------------------------------------
# In a real browser: headless Chromium, no network


def chromium_path() -> str:
    """Chromium's executable; fails under CI (where .ci/run installs it), skips elsewhere."""
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if os.path.exists(found):
        return found
    message = (
        "Chromium is not installed (Debian: apt-get install -y chromium; .ci/run does this); "
        "the report is not checked in a browser"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " and CI=true requires it")
    pytest.skip(message)


NO_NETWORK = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    # every request that would leave the machine goes to a closed port or fails to resolve
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def _above_ten(fd: int) -> int:
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


class Chromium:
    """Headless Chromium driven through the DevTools protocol over a pipe: messages are JSON,
    each ended by a NUL byte, written to the browser's fd 3 and read from its fd 4."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()
        # the browser's ends numbered 10 and up, so that putting them on 3 and 4 cannot clash
        to_browser, from_browser = (_above_ten(fd) for fd in (to_browser, from_browser))
        # a small launcher puts the two pipe ends on fds 3 and 4, then becomes Chromium
        launcher = (
            "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
            "os.execv(sys.argv[3], sys.argv[3:])"
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                launcher,
                str(to_browser),
                str(from_browser),
                executable,
                *NO_NETWORK,
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            pass_fds=(to_browser, from_browser),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer (events seen meanwhile are kept)."""
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive(60)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self._receive(deadline - time.monotonic()))
        return next(e for e in self.events if e.get("method") == method)

    def _receive(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise RuntimeError(f"Chromium exited (status {self.process.poll()})")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(message))

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._read)
        os.close(self._write)


PROBE = """(() => {
  const figures = {};
  for (const el of document.querySelectorAll('[data-figure]'))
    figures[el.dataset.figure] = el.textContent.trim();
  const charts = [...document.querySelectorAll('svg.chart')].map(svg => {
    const box = svg.getBoundingClientRect();
    const marks = [...svg.querySelectorAll('rect')].filter(r => r.getBoundingClientRect().width > 0
      && r.getBoundingClientRect().height > 0).length;
    return {label: svg.getAttribute('aria-label'), width: box.width, height: box.height, marks};
  });
  return {figures, charts, text: document.body.innerText, title: document.title,
          scripts: document.scripts.length, images: document.images.length,
          sections: [...document.querySelectorAll('section')].map(s => s.id)};
})()"""


def render(page: Path, profile: Path, screenshot: Path) -> dict[str, Any]:
    """Load a page in headless Chromium; returns what the page shows, the problems the browser
    reported (exceptions, console errors and warnings, failed loads, dialogs) and every URL it
    requested. Saves a full-page screenshot."""
    browser = Chromium(chromium_path(), profile)
    try:
        target = browser.send("Target.createTarget", url="about:blank")["targetId"]
        session = browser.send("Target.attachToTarget", targetId=target, flatten=True)
        sid = session["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.send(f"{domain}.enable", sid)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            sid,
            width=1280,
            height=900,
            deviceScaleFactor=1,
            mobile=False,
        )  # a laptop's window
        browser.send("Page.navigate", sid, url=page.resolve().as_uri())
        browser.wait_for("Page.loadEventFired")
        shown = browser.send("Runtime.evaluate", sid, expression=PROBE, returnByValue=True)
        size = browser.send("Page.getLayoutMetrics", sid)["cssContentSize"]
        width, height = max(1280, int(size["width"])), int(size["height"])
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            sid,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        shot = browser.send("Page.captureScreenshot", sid, format="png", captureBeyondViewport=True)
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        browser.send("Runtime.evaluate", sid, expression="1", returnByValue=True)  # drain events
    finally:
        browser.close()
    problems, requested = [], []
    for event in browser.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            problems.append(f"exception: {params['exceptionDetails'].get('text')}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning"):
            problems.append(f"console {params['type']}: {params.get('args')}")
        elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            problems.append(f"log {params['entry']['level']}: {params['entry']['text']}")
        elif method == "Network.loadingFailed":
            problems.append(f"failed to load: {params.get('errorText')}")
        elif method == "Page.javascriptDialogOpening":
            problems.append(f"dialog: {params.get('message')}")
        elif method == "Network.requestWillBeSent":
            requested.append(params["request"]["url"])
    return {**shown["result"]["value"], "problems": problems, "requested": requested}


def test_chromium_shows_the_report_without_errors(nights, tmp_path):
    partition = nights[1]
    page = partition / "report.html"
    shown = render(page, tmp_path / "profile", tmp_path / "report.png")
    assert shown["problems"] == []
    assert shown["requested"] == [page.resolve().as_uri()]  # the file itself, nothing else
    assert shown["scripts"] == shown["images"] == 0
    assert shown["title"] == f"clean-pipeline run report {partition.name}"
    for name, value in counts(partition).items():
        assert shown["figures"][name] == f"{value:,}"
    assert shown["figures"]["accounting"].startswith("✔")
    assert "Compared with " + nights[0].name in shown["figures"]["previous"]
    # the charts are drawn: each has a size on the page and visible bars
    charts = {c["label"]: c for c in shown["charts"]}
    for label in ("inputs by outcome", "removed pieces by rule", "documents by language",
                  "rejected inputs by reason", "seconds per step",
                  "duplicate clusters by size"):  # fmt: skip
        assert charts[label]["width"] > 200 and charts[label]["height"] > 15, label
        assert charts[label]["marks"] >= 1, label
    histogram = [c for c in shown["charts"] if c["label"].startswith("documents per publication")]
    dated = sum(1 for d in read_jsonl(partition / "documents.jsonl") if d["published"])
    assert dated and histogram and histogram[0]["marks"] >= 1
    # hostile strings are text on the page, and nothing ran
    assert HOSTILE_NAME in shown["text"]
    assert 'alert("title")' in shown["text"]
    png = (tmp_path / "report.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 50_000
    if os.environ.get("REPORT_SCREENSHOT"):  # to look at the page: REPORT_SCREENSHOT=x.png
        shutil.copy(tmp_path / "report.png", os.environ["REPORT_SCREENSHOT"])


def test_the_browser_check_sees_errors_and_network_attempts(tmp_path):
    """The harness above is not blind: a page that throws and fetches fails it."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><p>x</p>'
        '<img src="https://example.com/pixel.png"><script>throw new Error("boom")</script>'
        "</body></html>",
        encoding="utf-8",
    )
    shown = render(bad, tmp_path / "profile", tmp_path / "bad.png")
    assert any("boom" in p or "exception" in p for p in shown["problems"]), shown["problems"]
    assert any("failed to load" in p for p in shown["problems"]), shown["problems"]
    assert "https://example.com/pixel.png" in shown["requested"]
