"""Visible text of an HTML page, one block element per line: how scraped text usually arrives.

Used to account for what HTML boilerplate removal took away, and to build plain-text renderings
of HTML pages for benchmarks.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

_SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas"}
_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "option",
    "select", "button", "label", "legend", "menu",
}  # fmt: skip
_SPACE = re.compile(r"\s+")


def _html_classes() -> etree.ElementNamespaceClassLookup:
    """The element classes of lxml.html (HtmlElement; FormElement, InputElement ... for form
    elements), chosen by tag name in C.

    lxml.html's own parser asks a Python method for the class of every element it hands to
    Python (each one an XPath or a walk returns: thousands per page in trafilatura); a table
    of tag names gives the same classes without that call."""
    lookup = etree.ElementNamespaceClassLookup(
        fallback=etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    names = lookup.get_namespace(None)
    for name, cls in lxml.html.HtmlElementClassLookup._default_element_classes.items():
        names[name] = cls
    return lookup


_HTML_CLASSES = _html_classes()


def parse_html(
    html: str, fatal: list[str] | None = None, utf8: bytes | None = None
) -> etree._Element | None:
    """Parse HTML without network access or entity expansion; None when nothing parses.

    The parser's fatal errors (a resource limit that cut the page short) go to `fatal`.
    `utf8`, when given, is `html` encoded as UTF-8 (the bytes the page was read from), which
    saves encoding it again."""
    parser = etree.HTMLParser(
        encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True
    )
    parser.set_element_class_lookup(_HTML_CLASSES)
    try:
        # bytes in, so that an XML encoding declaration in the page cannot refuse a str input
        root = lxml.html.fromstring(html.encode("utf-8") if utf8 is None else utf8, parser=parser)
    except (etree.ParserError, ValueError):
        return None
    finally:
        if fatal is not None:
            fatal.extend(e.message.strip() for e in parser.error_log if e.level_name == "FATAL")
    return root


def visible_lines(html: str) -> list[str]:
    """The page's visible text, a line per block element, whitespace collapsed, empty lines gone."""
    root = parse_html(html)
    return [] if root is None else visible_lines_of(root)


def visible_lines_of(root: etree._Element) -> list[str]:
    """visible_lines() of an already parsed page (the tree is only read)."""
    try:
        text = str(_VISIBLE_TEXT(root))  # libxslt: about three times faster than a Python walk
    except etree.XSLTError:  # nesting deeper than libxslt's limit: walk the tree in Python
        text = _visible_text_walk(root)
    # most of the stylesheet's lines are only the indentation between tags: skipped first
    return [" ".join(line.split()) for line in text.split("\n") if line and not line.isspace()]


# The same rendering as _visible_text_walk, as a stylesheet: skipped elements output nothing
# (their tails, which follow them, still do); block elements are wrapped in line breaks.
_VISIBLE_TEXT = etree.XSLT(
    etree.XML(
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:output method="text" encoding="UTF-8"/>'
        f'<xsl:template match="{"|".join(sorted(_SKIP))}"/>'
        f'<xsl:template match="{"|".join(sorted(_BLOCK - _SKIP))}">'
        "<xsl:text>&#10;</xsl:text><xsl:apply-templates/><xsl:text>&#10;</xsl:text>"
        "</xsl:template>"
        "</xsl:stylesheet>"
    )
)


def _visible_text_walk(root: etree._Element) -> str:
    """The page's visible text with a line break around every block element."""
    parts: list[str] = []
    append = parts.append
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag  # the HTML parser gives tag names in lower case
        if type(tag) is not str:  # a comment or processing instruction left in a given tree
            tag = ""
        if event == "start":
            if tag in _SKIP:
                walker.skip_subtree()  # its "end" event still comes, and adds its tail
                continue
            if tag in _BLOCK:
                append("\n")
            if tag and el.text:
                append(el.text)
        else:
            if tag in _BLOCK:
                append("\n")
            if el.tail:
                append(el.tail)
    return "".join(parts)
