"""The page author read without copying the page gives trafilatura's extract_author, exactly."""

from __future__ import annotations

import dataclasses
import re

import pytest
import trafilatura
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from trafilatura import xpaths
from trafilatura.metadata import extract_author

from pipeline import html_author
from pipeline.render import parse_html


def current_forms() -> html_author.Forms:
    """The forms derived from the installed trafilatura's expressions (whatever its version)."""
    try:
        return html_author.derive(
            [x.path for x in xpaths.AUTHOR_XPATHS], [x.path for x in xpaths.AUTHOR_DISCARD_XPATHS]
        )
    except html_author.Unsupported as error:  # page_author then uses trafilatura's own function
        pytest.skip(f"trafilatura's author expressions changed shape ({error}): check html_author")


def no_fallback(tree: etree._Element) -> str | None:
    raise AssertionError("trafilatura's own extract_author was used")


def page(body: str) -> etree._Element:
    tree = parse_html(f"<html><head><title>t</title></head><body>{body}</body></html>")
    assert tree is not None
    return tree


def test_the_page_level_forms_are_in_use():
    # Another trafilatura release is read with trafilatura's own (slower) function: correct, so
    # a skip that says what to check rather than a failure of every later install
    if trafilatura.__version__ != html_author.CHECKED_TRAFILATURA:
        pytest.skip(
            f"trafilatura {trafilatura.__version__} is not {html_author.CHECKED_TRAFILATURA}: "
            "compare page_author with extract_author, then update CHECKED_TRAFILATURA"
        )
    assert html_author.FORMS is not None, (
        f"trafilatura {trafilatura.__version__} is not the release html_author was checked "
        f"against ({html_author.CHECKED_TRAFILATURA}): page_metadata falls back to trafilatura's "
        "slower extract_author. Compare the two on the benchmark pages and on the pages below, "
        "then update CHECKED_TRAFILATURA."
    )


# Each page sets a trap for a reading that would skip trafilatura's copy-and-prune.
TRAPS = {
    "candidate in a comment section, the next one outside it": """
        <div id="comments"><span class="author">Reader Commenter</span></div>
        <p class="byline">Jane Roe</p>""",
    "byline in a figure caption": """
        <figure><figcaption><span class="author">Photo Agency</span></figcaption></figure>
        <div class="author-box">Maria Lopez</div>""",
    "an ancestor marked as a figure component": """
        <section data-component="FigureBlock"><div><a rel="author">Caption Writer</a></div>
        </section><a rel="author">Tom Baker</a>""",
    "the candidate itself pruned (a quote)": """
        <span class="author-name pull-quote">Quoted Person</span>
        <span class="author-name">Ann Lee</span>""",
    "time inside the byline": '<p class="byline">By Jane Roe<time>May 1, 2024</time></p>',
    "a removed element's tail joins the previous text piece": """
        <span class="author">Jo<time>x</time>hn Smith</span>""",
    "tail after a removed element joins the previous element's tail": """
        <div class="author"><b>By</b><span class="date">May 1</span> Jane<figure>f</figure>
        Roe</div>""",
    "nested removals inside the candidate": """
        <div class="author">Sam <div class="sidebar">side<time>t</time> inner</div>Pat</div>""",
    "anchored pattern: 'my-comments' is not a comment section": """
        <div id="my-comments"><span class="author">Kept Author</span></div>""",
    "anchored pattern: 'Comments-area' is one": """
        <div class="Comments-area"><span class="author">Gone Author</span></div>
        <span class="writer">Second Writer</span>""",
    "an <author> element comes in page order with the other matches": """
        <author>Alex Author</author><a rel="author">Ann Lee</a>""",
    "too short and too long candidates are passed over": """
        <span class="author">By</span><span class="author">"""
    + "x" * 130
    + """</span><span class="author">Lee Chan</span>""",
    "later expressions when the first finds nothing": """
        <h4 class="post-author-info">Maria Garcia</h4>""",
    "last resort expression": '<li class="article-Byline">Kim Park</li>',
    "regular-expression spellings": """
        <div class="xx-authorname">One Name</div><div class="article-share">Not Author</div>""",
    "no candidate at all": "<p>Nothing here</p>",
}


@pytest.mark.parametrize("candidates", ["words searched first", "every element tested"])
@pytest.mark.parametrize("name", TRAPS)
def test_the_author_is_trafilaturas(name, candidates):
    forms = current_forms()
    assert forms.candidates is not None
    if candidates == "every element tested":
        forms = dataclasses.replace(forms, candidates=None)
    tree = page(TRAPS[name])
    before = etree.tostring(tree)
    expected = extract_author(tree)
    assert html_author.author_with(forms, tree, no_fallback) == expected
    assert etree.tostring(tree) == before  # the page is not changed


def test_the_traps_are_not_empty():
    """The pages above do find authors, and the pruned text differs from the plain text."""
    found = {name: extract_author(page(body)) for name, body in TRAPS.items()}
    assert found["a removed element's tail joins the previous text piece"] == "John Smith"
    assert found["candidate in a comment section, the next one outside it"] == "Jane Roe"
    assert found["anchored pattern: 'my-comments' is not a comment section"] == "Kept Author"
    assert sum(author is not None for author in found.values()) >= len(TRAPS) - 2


def test_a_child_compared_by_its_text_falls_back():
    """`rel='me'` compares a child element's text, which pruning can change: such a page is
    read by trafilatura's own function."""
    tree = page('<span><rel>me<time>1</time></rel>Jane Roe</span><p class="byline">Ann Lee</p>')
    forms = current_forms()
    assert "rel" in forms.compared_by_text
    assert html_author.author_with(forms, tree, extract_author) == extract_author(tree)
    with pytest.raises(AssertionError, match="extract_author was used"):
        html_author.author_with(forms, tree, no_fallback)


def test_an_element_below_the_root_falls_back():
    body = page('<div><p class="byline">Jane Roe</p></div>').find(".//div")
    assert html_author.author_with(current_forms(), body, extract_author) == extract_author(body)
    with pytest.raises(AssertionError):
        html_author.author_with(current_forms(), body, no_fallback)


def test_page_author_on_the_sample_page(cfg):
    from conftest import RAW

    tree = parse_html((RAW / "100_news_page.html").read_text(encoding="utf-8"))
    assert tree is not None
    assert html_author.page_author(tree) == extract_author(tree)


def test_pattern_spellings():
    assert html_author.spellings("^[Cc]omments|article-(?:share|support)|author-?name") == [
        (True, "Comments"),
        (True, "comments"),
        (False, "article-share"),
        (False, "article-support"),
        (False, "author-name"),
        (False, "authorname"),
    ]


@pytest.mark.parametrize(
    "pattern", ["a+", "a*", "a{2}", "[a-z]", "[^a]", r"\d", "(a)", "(?i)a", "a|", "a.b", "x^a"]
)
def test_patterns_outside_the_supported_shapes_are_refused(pattern):
    with pytest.raises(html_author.Unsupported):
        html_author.spellings(pattern)


def trafilatura_patterns() -> list[str]:
    paths = [x.path for x in (*xpaths.AUTHOR_XPATHS, *xpaths.AUTHOR_DISCARD_XPATHS)]
    return [m for path in paths for m in re.findall(r"re:test\(@\w+, '([^']*)'\)", path)]


@given(data=st.data())
def test_substring_tests_agree_with_the_regular_expressions(data):
    """On strings made of the patterns' own letters (and their spellings), the XPath substring
    test answers as Python's re.search, which EXSLT re:test calls."""
    pattern = data.draw(st.sampled_from(trafilatura_patterns()))
    words = [text for _, text in html_author.spellings(pattern)]
    alphabet = sorted(set(pattern) - set("^|?()[]:"))
    piece = st.one_of(st.sampled_from(words), st.text(alphabet, max_size=4))
    value = "".join(data.draw(st.lists(piece, max_size=4)))
    element = etree.fromstring("<x/>")
    element.set("class", value)
    test = etree.XPath(f"boolean(self::*[{html_author.substring_test('class', pattern)}])")
    assert test(element) == (re.search(pattern, value) is not None)
