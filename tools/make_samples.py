# ruff: noqa: E501  (the HTML template lines are kept as a browser would receive them)
"""Regenerate the sample corpus in raw/ from the seeds and the benchmark data in the repository.

Run from the repository root:

    python tools/make_samples.py

Inputs (all inside the repository):
    raw/000_*.txt ... raw/004_*.txt          the five seed documents (never modified)
    bench/data/scrapinghub/ground-truth.json  article bodies of the benchmark pages
    bench/data/scrapinghub/html/*.html.gz     the benchmark pages

Outputs: raw/100_* ... raw/110_* (overwritten). Files in raw/ whose name starts with a number
from 100 up and that this script no longer makes are deleted, so a renamed sample does not
leave a stale copy behind. Seeds (000-099) and README.md are never touched.

Standard library only and fully deterministic: no randomness, no clock, no locale, no
third-party parser (html.parser is used even when lxml is installed, so the bytes do not
depend on which interpreter runs the script). Running it twice gives byte-identical files.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import struct
import sys
import unicodedata
import zlib
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
BENCH = ROOT / "bench" / "data" / "scrapinghub"

SEEDS = {
    0: "000_c350f78d65b07a85.txt",
    1: "001_ea4337dc22b15d88.txt",
    2: "002_bf9c0ceb983e1a5f.txt",
    3: "003_3543076f826fd97a.txt",
    4: "004_63b06e8f733e3164.txt",
}

# English benchmark page rendered as scraped text (Al Jazeera news article: long navigation
# menus, "More:" related links, tag list and a large footer around a short article).
SCRAPED_PAGE_ID = "7916ecca969ffdd8f6fc32d171fbe0dd63db40fe4c1d2ade02b1dec5929a162f"

# Russian article: the first benchmark id (sorted) whose body is mostly Cyrillic and short
# enough to keep raw/ small.
CYRILLIC_MIN_SHARE = 0.9
CYRILLIC_MAX_CHARS = 8000


# --------------------------------------------------------------------------- helpers


def read_seed(n: int) -> bytes:
    path = RAW / SEEDS[n]
    if not path.is_file():
        sys.exit(f"make_samples: missing seed {path.relative_to(ROOT)}")
    return path.read_bytes()


def seed_text(n: int) -> str:
    return read_seed(n).decode("utf-8", errors="strict")


def paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks, stripped, empty ones dropped."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def replace_once(text: str, old: str, new: str) -> str:
    count = text.count(old)
    if count != 1:
        sys.exit(f"make_samples: expected exactly one {old[:40]!r}..., found {count}")
    return text.replace(old, new)


def esc(text: str) -> str:
    return html.escape(text, quote=False)


# --------------------------------------------------------------------------- 100 news page

NEWS_TITLE = "Colombia sends 30,000 troops to Venezuela border after Maduro's capture"
NEWS_DATE = "2026-01-05T09:30:00Z"
CAPTION_CREDIT = "EPA / Ernesto Mastrascusa"

NEWS_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | The Meridian Post</title>
<meta name="description" content="Colombia is shoring up its military presence on the border with Venezuela following the US operation that resulted in the capture of Nicolas Maduro.">
<meta property="og:type" content="article">
<meta property="og:site_name" content="The Meridian Post">
<meta property="og:title" content="{title}">
<meta property="og:url" content="https://www.meridianpost.example/world/americas/colombia-troops-venezuela-border-maduro">
<meta property="article:published_time" content="{date}">
<meta property="article:section" content="Americas">
<link rel="canonical" href="https://www.meridianpost.example/world/americas/colombia-troops-venezuela-border-maduro">
<link rel="stylesheet" href="/static/css/main.4f2a91.css">
<style>
  .cookie-banner {{ position: fixed; bottom: 0; left: 0; right: 0; background: #222; color: #fff; }}
  .share-bar a {{ margin-right: .5em; }}
</style>
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "{title}",
 "datePublished": "{date}", "author": {{"@type": "Person", "name": "Laura Whitfield"}},
 "publisher": {{"@type": "Organization", "name": "The Meridian Post"}}}}
</script>
<script>
  window.dataLayer = window.dataLayer || [];
  window.dataLayer.push({{"pageType": "article", "section": "americas"}});
</script>
</head>
<body class="article-page">
<div class="cookie-banner" id="cookie-consent" role="dialog" aria-label="Cookie consent">
  <p>We use cookies and similar technologies to personalise content and ads, to provide social media features and to analyse our traffic. By clicking &ldquo;Accept all&rdquo; you agree to the storing of cookies on your device. <a href="/cookie-policy">Read our cookie policy</a>.</p>
  <button type="button" class="cookie-accept">Accept all</button>
  <button type="button" class="cookie-settings">Manage preferences</button>
</div>
<header class="site-header">
  <a class="logo" href="/">The Meridian Post</a>
  <p class="tagline">Independent news since 1998</p>
  <form class="search" action="/search" role="search"><input type="search" name="q" placeholder="Search"><button type="submit">Search</button></form>
  <a class="subscribe" href="/subscribe">Subscribe</a> <a class="login" href="/login">Sign in</a>
</header>
<nav class="main-nav" aria-label="Main menu">
  <ul>
    <li><a href="/">Home</a></li>
    <li><a href="/world">World</a></li>
    <li><a href="/world/americas">Americas</a></li>
    <li><a href="/politics">Politics</a></li>
    <li><a href="/business">Business</a></li>
    <li><a href="/opinion">Opinion</a></li>
    <li><a href="/sport">Sport</a></li>
    <li><a href="/culture">Culture</a></li>
  </ul>
</nav>
<nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/world">World</a> &rsaquo; <a href="/world/americas">Americas</a></nav>
<main id="content">
<article class="article">
  <header class="article-header">
    <h1 class="headline">{title}</h1>
    <p class="standfirst">Bogota orders troops to the frontier as Havana mourns 32 citizens killed in the US strikes</p>
    <div class="byline">By <a rel="author" href="/authors/laura-whitfield">Laura Whitfield</a>, Latin America correspondent &middot; <time datetime="{date}">Monday 5 January 2026 09:30 GMT</time></div>
  </header>
  <div class="share-bar" aria-label="Share this article">
    <span>Share</span>
    <a href="https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fwww.meridianpost.example%2Fworld%2Famericas%2Fcolombia-troops-venezuela-border-maduro">Facebook</a>
    <a href="https://twitter.com/intent/tweet?url=https%3A%2F%2Fwww.meridianpost.example%2Fworld%2Famericas%2Fcolombia-troops-venezuela-border-maduro">X</a>
    <a href="https://wa.me/?text=https%3A%2F%2Fwww.meridianpost.example%2Fworld%2Famericas%2Fcolombia-troops-venezuela-border-maduro">WhatsApp</a>
    <a href="mailto:?subject=Colombia%20sends%20troops">Email</a>
    <button type="button" class="copy-link">Copy link</button>
  </div>
  <div class="article-body">
"""

NEWS_TAIL = """  </div>
  <footer class="article-footer">
    <p class="tags">Topics: <a href="/topic/colombia">Colombia</a> <a href="/topic/venezuela">Venezuela</a> <a href="/topic/cuba">Cuba</a></p>
    <p class="corrections">Spotted a mistake? <a href="/corrections">Report it to our corrections team</a>.</p>
  </footer>
</article>
<aside class="related" aria-label="Related stories">
  <h2>Related stories</h2>
  <ul>
    <li><a href="/world/americas/maduro-pleads-not-guilty-new-york">Maduro pleads not guilty to narco-terrorism charges in New York</a></li>
    <li><a href="/world/americas/celac-emergency-meeting-no-consensus">Latin American leaders fail to agree on response at emergency Celac meeting</a></li>
    <li><a href="/world/americas/cuba-32-citizens-killed-venezuela-strikes">Cuba says 32 of its citizens were killed in US strikes on Venezuela</a></li>
  </ul>
</aside>
<aside class="newsletter">
  <h2>Get the Americas briefing</h2>
  <p>The day's most important stories from the region, in your inbox every morning.</p>
  <form action="/newsletter"><input type="email" name="email" placeholder="Your email address"><button type="submit">Sign up</button></form>
</aside>
<section class="comments" id="comments">
  <h2>Comments (3)</h2>
  <p class="comments-rules">Comments are moderated. Please read our <a href="/community-guidelines">community guidelines</a> before posting.</p>
  <ol class="comment-list">
    <li class="comment" id="comment-48213">
      <div class="comment-meta"><span class="comment-author">rio_grande_watcher</span> <time datetime="2026-01-05T10:12:00Z">1 hour ago</time></div>
      <p class="comment-text">30,000 troops is a huge number for a border that long. Hope the people living there are kept safe.</p>
      <div class="comment-actions"><a href="#reply-48213">Reply</a> <span class="likes">42 likes</span> <a href="/report/48213">Report</a></div>
    </li>
    <li class="comment" id="comment-48227">
      <div class="comment-meta"><span class="comment-author">M. Okafor</span> <time datetime="2026-01-05T10:47:00Z">45 minutes ago</time></div>
      <p class="comment-text">Interesting that the Celac meeting could not even agree on a statement. The region is more divided than ever.</p>
      <div class="comment-actions"><a href="#reply-48227">Reply</a> <span class="likes">17 likes</span> <a href="/report/48227">Report</a></div>
    </li>
    <li class="comment" id="comment-48240">
      <div class="comment-meta"><span class="comment-author">anna_b</span> <time datetime="2026-01-05T11:05:00Z">27 minutes ago</time></div>
      <p class="comment-text">Does anyone know if the crossings at Cucuta are still open?</p>
      <div class="comment-actions"><a href="#reply-48240">Reply</a> <span class="likes">3 likes</span> <a href="/report/48240">Report</a></div>
    </li>
  </ol>
  <form class="comment-form" action="/comments/post"><textarea name="comment" placeholder="Join the discussion"></textarea><button type="submit">Post comment</button></form>
</section>
</main>
<footer class="site-footer">
  <nav aria-label="Footer">
    <ul>
      <li><a href="/about">About us</a></li>
      <li><a href="/contact">Contact</a></li>
      <li><a href="/advertise">Advertise</a></li>
      <li><a href="/privacy">Privacy policy</a></li>
      <li><a href="/cookie-policy">Cookie policy</a></li>
      <li><a href="/terms">Terms of use</a></li>
    </ul>
  </nav>
  <p class="copyright">&copy; 2026 The Meridian Post Ltd. All rights reserved.</p>
</footer>
<script src="/static/js/main.9c1e07.js" defer></script>
</body>
</html>
"""


def news_page() -> bytes:
    paras = paragraphs(seed_text(4))
    first = paras[0]
    prefix = "date 2026-01-05 "
    if not first.startswith(prefix):
        sys.exit("make_samples: seed 004 no longer starts with the ' date 2026-01-05' header")
    paras[0] = first[len(prefix) :]
    body: list[str] = []
    for p in paras:
        if p.endswith(CAPTION_CREDIT):
            caption = p[: -len(CAPTION_CREDIT)].rstrip()
            body.append(
                '    <figure class="article-image">\n'
                '      <img src="/images/2026/01/05/diaz-canel-havana.jpg" width="1200" '
                'height="675" alt="Miguel Diaz-Canel speaks in Havana">\n'
                f"      <figcaption>{esc(caption)} "
                f'<span class="credit">{esc(CAPTION_CREDIT)}</span></figcaption>\n'
                "    </figure>\n"
            )
        else:
            body.append(f"    <p>{esc(p)}</p>\n")
    head = NEWS_HEAD.format(title=esc(NEWS_TITLE), date=NEWS_DATE)
    return (head + "".join(body) + NEWS_TAIL).encode("utf-8")


# --------------------------------------------------------------------------- encodings


def seed002_cp1252() -> bytes:
    # strict: fails loudly if the seed ever gains a character cp1252 cannot hold
    return seed_text(2).encode("cp1252", errors="strict")


def seed004_utf16() -> bytes:
    # Same bytes as .encode("utf-16") on a little-endian machine, but independent of the
    # platform's byte order: BOM FF FE, then UTF-16-LE.
    return b"\xff\xfe" + seed_text(4).encode("utf-16-le")


def _cp1252_byte_table() -> list[str]:
    """Each byte as Windows-1252 shows it; the five bytes cp1252 leaves undefined
    (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the Latin-1 control character, so no byte is lost."""
    table = []
    for b in range(256):
        try:
            table.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            table.append(chr(b))
    return table


def seed000_mojibake() -> bytes:
    table = _cp1252_byte_table()
    garbled = "".join(table[b] for b in read_seed(0))
    return garbled.encode("utf-8")


# --------------------------------------------------------------------------- duplicates


def seed003_exact_copy() -> bytes:
    return read_seed(3)


NEAR_DUP_OLD = (
    "In any cases, Colombia could face another influx of refugees, "
    "while it already hosts around three million Venezuelans."
)
NEAR_DUP_NEW = (
    "In any case, Colombia could see a fresh wave of refugees, "
    "while it already hosts nearly three million Venezuelans."
)


def seed002_near_duplicate() -> bytes:
    paras = paragraphs(seed_text(2))
    title = paras[0]
    if paras[1] != "Written on 01/03/2026\nVictor Cohen":
        sys.exit("make_samples: seed 002 byline block changed")
    if not paras[2].endswith("Ronald Dueñas / CC BY NC ND 2.0"):
        sys.exit("make_samples: seed 002 photo caption changed")
    if not paras[-1].startswith("Related:"):
        sys.exit("make_samples: seed 002 'Related:' line changed")
    body = "\n\n".join(paras[3:-1])
    body = replace_once(body, NEAR_DUP_OLD, NEAR_DUP_NEW)
    header = (
        "LatAm Daily Wire\n"
        "Home | World | Americas | Business | Opinion | Newsletter\n"
        "Subscribe | Sign in\n"
        "\n"
        "AMERICAS\n"
        "\n"
        f"{title}\n"
        "\n"
        "Published: January 3, 2026 | By Victor Cohen | 4 min read\n"
        "\n"
    )
    footer = (
        "\n\n"
        "Share this article: Facebook | X | LinkedIn | Email\n"
        "\n"
        "Most read\n"
        "1. Maduro captured in US special operation, Trump says\n"
        "2. Oil prices jump as markets react to Venezuela strikes\n"
        "3. What the UN Security Council can and cannot do\n"
        "\n"
        "Sign up for the LatAm Daily Wire newsletter\n"
        "About us | Contact | Privacy policy | Terms of use\n"
        "© 2026 LatAm Daily Wire. All rights reserved.\n"
    )
    return (header + body + footer).encode("utf-8")


# --------------------------------------------------------------------------- benchmark data


class _Headline(HTMLParser):
    """Text of the first <h1>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.done = False
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h1" and not self.done:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1" and self.depth:
            self.depth -= 1
            if not self.depth:
                self.done = True

    def handle_data(self, data: str) -> None:
        if self.depth and not self.done:
            self.parts.append(data)

    def text(self) -> str:
        return " ".join("".join(self.parts).split())


def bench_html(page_id: str) -> str:
    path = BENCH / "html" / f"{page_id}.html.gz"
    return gzip.decompress(path.read_bytes()).decode("utf-8")


def cyrillic_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    cyr = sum(1 for c in letters if "CYRILLIC" in unicodedata.name(c, ""))
    return cyr / len(letters)


def russian_article() -> bytes:
    truth = json.loads((BENCH / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        body = truth[page_id]["articleBody"]
        if len(body) <= CYRILLIC_MAX_CHARS and cyrillic_share(body) >= CYRILLIC_MIN_SHARE:
            break
    else:
        sys.exit("make_samples: no Cyrillic article in ground-truth.json")
    parser = _Headline()
    parser.feed(bench_html(page_id))
    parser.close()
    title = parser.text()
    if not title:
        sys.exit(f"make_samples: page {page_id} has no <h1>")
    lines = [title] + [" ".join(p.split()) for p in paragraphs(body)]
    return ("\n".join(lines) + "\n").encode("utf-8")


# Elements that start a new line in the rendering (HTML block-level and table/list parts).
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "button",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "frameset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "label",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "option",
        "p",
        "pre",
        "section",
        "select",
        "summary",
        "table",
        "tbody",
        "td",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
# Elements whose content is never visible text.
_SKIP_TAGS = frozenset({"head", "script", "style", "noscript", "template", "svg", "math"})


class _VisibleText(HTMLParser):
    """Visible text of a page, one block element per line, whitespace collapsed inside a line.
    Comments are dropped (HTMLParser ignores them); nothing else is removed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip: list[str] = []

    def _flush(self) -> None:
        line = " ".join("".join(self.current).split())
        if line:
            self.lines.append(line)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body" and "head" in self.skip:  # <head> left unclosed
            del self.skip[self.skip.index("head") :]
        if tag in _SKIP_TAGS:
            self.skip.append(tag)
        elif not self.skip and tag in _BLOCK_TAGS:
            self._flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.skip and tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.pop()
            elif tag in self.skip:  # tolerate unclosed children of a skipped element
                del self.skip[self.skip.index(tag) :]
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.current.append(data)

    def render(self) -> str:
        self._flush()
        return "\n".join(self.lines) + "\n"


def scraped_page_text() -> bytes:
    parser = _VisibleText()
    parser.feed(bench_html(SCRAPED_PAGE_ID))
    parser.close()
    return parser.render().encode("utf-8")


# --------------------------------------------------------------------------- load edge cases


def seed001_gzip() -> bytes:
    # mtime=0 and no file name in the header: the bytes depend only on the input
    return gzip.compress(read_seed(1), compresslevel=9, mtime=0)


def empty() -> bytes:
    return b""


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def binary_png() -> bytes:
    """A valid 16x16 RGB PNG (a colour gradient), saved under a .txt name."""
    width = height = 16
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 16, y * 16, 128)) for x in range(width))
        for y in range(height)
    )
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(rows, 9))
        + _png_chunk(b"IEND", b"")
    )


# --------------------------------------------------------------------------- main

SAMPLES = {
    "100_news_page.html": news_page,
    "101_seed002_cp1252.txt": seed002_cp1252,
    "102_seed004_utf16.txt": seed004_utf16,
    "103_seed000_mojibake.txt": seed000_mojibake,
    "104_seed003_exact_copy.txt": seed003_exact_copy,
    "105_seed002_near_duplicate.txt": seed002_near_duplicate,
    "106_russian_article.txt": russian_article,
    "107_scraped_page_text.txt": scraped_page_text,
    "108_seed001.txt.gz": seed001_gzip,
    "109_empty.txt": empty,
    "110_binary.txt": binary_png,
}


def main() -> int:
    for n in SEEDS:
        read_seed(n)  # fail before writing anything if a seed is missing
    for name, make in SAMPLES.items():
        data = make()
        (RAW / name).write_bytes(data)
        print(f"{len(data):>8}  raw/{name}")
    for path in sorted(RAW.iterdir()):
        m = re.match(r"(\d+)_", path.name)
        if path.is_file() and m and int(m.group(1)) >= 100 and path.name not in SAMPLES:
            path.unlink()
            print(f"   stale  raw/{path.name} (deleted)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
