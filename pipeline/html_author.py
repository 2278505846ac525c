"""The author of a page as trafilatura reads it (trafilatura.metadata.extract_author), without
copying and pruning the whole page first.

trafilatura copies the page, deletes every element its AUTHOR_DISCARD_XPATHS select (comment
sections, sidebars, quotes, <time>, <figure> ...) and takes the text of the first element its
AUTHOR_XPATHS select (expression by expression, in page order) that is 3 to 119 characters long.
Here the same expressions run on the page itself:

- a candidate counts only when neither it nor any of its ancestors would have been deleted (the
  expressions test an element's own name and attributes only, so pruning does not change which of
  the remaining elements they select, nor their order);
- its text is read, as trafilatura reads it, from a pruned copy of just that candidate (deleting
  an element outside it never changes the text inside it);
- the regular-expression tests (EXSLT re:test, one Python call per element) become the
  equivalent substring tests, which lxml evaluates without calling back into Python: a pattern
  made of literal letters, character sets, optional parts and alternatives matches exactly the
  strings that contain (or, anchored with ^, start with) one of its finitely many spellings.

The expressions are rewritten once, at import, from trafilatura's own. When one is not of the
shape this rewriting is exact for, or trafilatura is not the version this module was checked
against (CHECKED_TRAFILATURA), trafilatura's own function is used; also for a page holding an
element that an expression compares by its text (the `rel='me'` of the first expression tests a
child element named rel, whose text pruning could change).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from itertools import product
from typing import Any

import trafilatura
from lxml import etree
from trafilatura import metadata as trafilatura_metadata
from trafilatura import xpaths as trafilatura_xpaths
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.json_metadata import normalize_authors
from trafilatura.utils import trim

# The trafilatura release whose extract_author, extract_metainfo and expressions this module was
# checked against, page by page; any other release uses trafilatura's own function.
CHECKED_TRAFILATURA = "2.3.1"
# extract_author's len_limit: the author is shorter than this (and longer than 2 characters)
LEN_LIMIT = 120


class Unsupported(ValueError):
    """An expression or pattern outside the shapes the rewriting is exact for."""


# --- regular expression -> substring tests ---------------------------------------------------

_SPECIAL = set("\\.^$*+?{}[]|()")


def spellings(pattern: str) -> list[tuple[bool, str]]:
    """Every string `pattern` can match, each with whether it is anchored at the start: a search
    for `pattern` finds a match exactly when the searched string starts with an anchored one or
    contains an unanchored one. Only literal characters, sets of literal characters ("[Aa]"), "?"
    after one of those or a group, non-capturing groups ("(?:a|b)") and a leading "^" per
    alternative are supported; anything else raises Unsupported."""
    found, end = _alternatives(pattern, 0, top=True)
    if end != len(pattern):
        raise Unsupported(f"unbalanced ')' in {pattern!r}")
    if any(not text for _, text in found):
        raise Unsupported(f"{pattern!r} matches the empty string")
    return found


def _alternatives(pattern: str, at: int, top: bool) -> tuple[list[tuple[bool, str]], int]:
    out: list[tuple[bool, str]] = []
    while True:
        anchored = False
        if pattern.startswith("^", at):
            if not top:
                raise Unsupported(f"'^' inside a group in {pattern!r}")
            anchored, at = True, at + 1
        texts, at = _sequence(pattern, at)
        out += [(anchored, text) for text in texts]
        if at < len(pattern) and pattern[at] == "|":
            at += 1
            continue
        return out, at


def _sequence(pattern: str, at: int) -> tuple[list[str], int]:
    """The strings of a run of atoms up to '|', ')' or the end."""
    parts: list[list[str]] = []
    while at < len(pattern) and pattern[at] not in "|)":
        char = pattern[at]
        if char == "[":
            close = pattern.find("]", at + 1)
            members = pattern[at + 1 : close] if close > 0 else ""
            if not members or any(c in _SPECIAL or c == "-" for c in members):
                raise Unsupported(f"character set other than plain letters in {pattern!r}")
            atom, at = sorted(set(members)), close + 1
        elif char == "(":
            if not pattern.startswith("(?:", at):
                raise Unsupported(f"group other than (?:...) in {pattern!r}")
            inner, at = _alternatives(pattern, at + 3, top=False)
            if at >= len(pattern) or pattern[at] != ")":
                raise Unsupported(f"unclosed group in {pattern!r}")
            atom, at = [text for _, text in inner], at + 1
        elif char in _SPECIAL:
            raise Unsupported(f"{char!r} in {pattern!r}")
        else:
            atom, at = [char], at + 1
        if at < len(pattern) and pattern[at] in "*+{":
            raise Unsupported(f"repetition in {pattern!r}")
        if at < len(pattern) and pattern[at] == "?":
            atom, at = [*atom, ""], at + 1
            if at < len(pattern) and pattern[at] in "?+":
                raise Unsupported(f"lazy or possessive '?' in {pattern!r}")
        parts.append(atom)
    return ["".join(combination) for combination in product(*parts)], at


def substring_test(attribute: str, pattern: str) -> str:
    """An XPath 1.0 test equal to EXSLT re:test(@attribute, 'pattern') (an absent attribute is
    tested as the empty string, which no supported pattern matches)."""
    tests = []
    for anchored, text in dict.fromkeys(spellings(pattern)):
        if "'" in text:
            raise Unsupported(f"quote in {pattern!r}")
        function = "starts-with" if anchored else "contains"
        tests.append(f"{function}(@{attribute}, '{text}')")
    return "(" + " or ".join(tests) + ")"


# --- trafilatura's expressions -> the page-level forms ----------------------------------------

# The parts a predicate may be made of: each depends only on the element's own name and
# attributes, except a comparison of a child element's text (`rel='me'`), which is recorded.
_PREDICATE_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<retest>re:test\(\s*@(?P<rattr>[A-Za-z_][\w.-]*)\s*,\s*'(?P<rpattern>[^']*)'\s*\))
    | (?P<function>(?:contains|starts-with)
        \(\s*@(?P<fattr>[A-Za-z_][\w.-]*)\s*,\s*'(?P<fword>[^']*)'\s*\))
    | (?P<attribute>@(?P<aattr>[A-Za-z_][\w.-]*)\s*=\s*'(?P<aword>[^']*)')
    | (?P<child>(?P<childname>[A-Za-z_][\w.-]*)\s*=\s*'[^']*')
    | (?P<self>self::[A-Za-z_][\w.-]*)
    | (?P<operator>\b(?:or|and)\b)
    | (?P<paren>[()])
    """,
    re.VERBOSE,
)
# one location step: "//*", ".//*" or "//name", then its predicates
_STEP_HEAD = re.compile(r"\s*(?P<axis>\.?//)(?P<name>\*|[A-Za-z_][\w.-]*)")


@dataclass(frozen=True)
class Step:
    """One location step of a union: '//' (every element of the page) or './/' (every element
    below the page's root element), an element name or '*', and its predicates (rewritten)."""

    axis: str
    name: str
    predicates: str
    child_names: tuple[str, ...]
    # (attribute, text) of one predicate that tests attributes only (besides child elements):
    # an element the step selects has one of these attributes containing its text
    words: tuple[tuple[str, str], ...] | None


def steps(expression: str) -> list[Step]:
    """The union `expression` as its steps, the re:test calls rewritten as substring tests;
    Unsupported for anything that is not a union of such steps."""
    out = []
    at = 0
    while True:
        head = _STEP_HEAD.match(expression, at)
        if head is None:
            raise Unsupported(f"unexpected location path in {expression!r}")
        at = head.end()
        predicates: list[str] = []
        children: list[str] = []
        words: tuple[tuple[str, str], ...] | None = None
        while True:
            while at < len(expression) and expression[at].isspace():
                at += 1
            if not expression.startswith("[", at):
                break
            text, at, names, found = _predicate(expression, at + 1)
            predicates.append(f"[{text}]")
            children += names
            if words is None and found is not None:
                words = found
        step = Step(head["axis"], head["name"], "".join(predicates), tuple(children), words)
        out.append(step)
        if at == len(expression):
            return out
        if expression[at] != "|":
            raise Unsupported(f"unexpected {expression[at]!r} in {expression!r}")
        at += 1


def _predicate(
    expression: str, at: int
) -> tuple[str, int, list[str], tuple[tuple[str, str], ...] | None]:
    """The predicate's text (rewritten), where it ends, the child elements it compares and,
    when it tests no element name, the (attribute, text) pairs of its tests."""
    parts: list[str] = []
    names: list[str] = []
    words: list[tuple[str, str]] = []
    tests_name = False
    while True:
        if expression.startswith("]", at):
            if not "".join(parts).strip():
                raise Unsupported(f"empty predicate in {expression!r}")
            found = None if tests_name or not words else tuple(dict.fromkeys(words))
            return "".join(parts), at + 1, names, found
        token = _PREDICATE_TOKEN.match(expression, at)
        if token is None:
            raise Unsupported(f"unexpected predicate text at {expression[at : at + 20]!r}")
        at = token.end()
        if token["retest"]:
            parts.append(substring_test(token["rattr"], token["rpattern"]))
            words += [(token["rattr"], text) for _, text in spellings(token["rpattern"])]
            continue
        if token["function"]:
            words.append((token["fattr"], token["fword"]))
        elif token["attribute"]:
            words.append((token["aattr"], token["aword"]))
        elif token["child"]:
            names.append(token["childname"])
        elif token["self"]:
            tests_name = True
        parts.append(" " if token["space"] else token[0])


@dataclass(frozen=True)
class Forms:
    """The page-level forms of trafilatura's expressions."""

    # each author expression, keeping only the elements pruning would leave
    authors: tuple[etree.XPath, ...]
    # the discard expressions themselves (substring tests), to prune a candidate's copy
    discard: tuple[etree.XPath, ...]
    # any element below a candidate that pruning deletes
    inside_discarded: etree.XPath
    # names of the elements the author expressions compare by their text
    compared_by_text: tuple[str, ...]
    # every element an author expression can select, and more: the elements of the names the
    # expressions select by name and the attributes their tests read (to be searched for words)
    candidates: etree.XPath | None = None
    # the texts the attributes' tests look for: an attribute holding none fails every test
    words: re.Pattern[str] | None = None
    # per author expression: does it select this element (which pruning leaves)?
    selects: tuple[etree.XPath, ...] = ()


def derive(author_paths: Sequence[str], discard_paths: Sequence[str]) -> Forms:
    """The page-level forms of trafilatura's author and discard expressions (their `.path`)."""
    discard_steps = [step for path in discard_paths for step in steps(path)]
    if any(step.child_names for step in discard_steps):
        raise Unsupported("a discard expression compares a child element's text")
    # deleting the page's root element does nothing, and './/' never selects it: only an
    # element with a parent element is ever deleted
    deleted = " | ".join(
        f"ancestor-or-self::{step.name}[parent::*]{step.predicates}" for step in discard_steps
    )
    inside = " | ".join(f"descendant::{step.name}{step.predicates}" for step in discard_steps)
    authors = []
    selects = []
    compared: list[str] = []
    named: list[str] = []
    words: list[tuple[str, str]] = []
    prefilter = True
    for path in author_paths:
        author_steps = steps(path)
        union = " | ".join(f"{s.axis}{s.name}{s.predicates}" for s in author_steps)
        authors.append(etree.XPath(f"({union})[not({deleted})]"))
        own = " | ".join(
            f"self::{s.name}{'[parent::*]' if s.axis == './/' else ''}{s.predicates}"
            for s in author_steps
        )
        selects.append(etree.XPath(f"boolean(({own})[not({deleted})])"))
        compared += [name for s in author_steps for name in s.child_names]
        for s in author_steps:
            if s.name != "*":
                named.append(s.name)
            elif s.words is not None and all(text for _, text in s.words):
                words += s.words
            else:
                prefilter = False  # a step that tests no attribute: every element a candidate
    discard = tuple(
        etree.XPath(" | ".join(f"{s.axis}{s.name}{s.predicates}" for s in steps(path)))
        for path in discard_paths
    )
    forms = Forms(tuple(authors), discard, etree.XPath(inside), tuple(dict.fromkeys(compared)))
    if not prefilter or not words:
        return forms
    attributes = dict.fromkeys(attribute for attribute, _ in words)
    fetch = [f"//@{a}" for a in attributes] + [f"//{name}" for name in dict.fromkeys(named)]
    texts = sorted({text for _, text in words})
    return dataclasses.replace(
        forms,
        candidates=etree.XPath(" | ".join(fetch)),
        words=re.compile("|".join(map(re.escape, texts))),
        selects=tuple(selects),
    )


def _trafilatura_forms() -> Forms | None:
    if trafilatura.__version__ != CHECKED_TRAFILATURA:
        return None
    try:
        return derive(
            [x.path for x in trafilatura_xpaths.AUTHOR_XPATHS],
            [x.path for x in trafilatura_xpaths.AUTHOR_DISCARD_XPATHS],
        )
    except (Unsupported, AttributeError, etree.XPathSyntaxError):
        return None


FORMS = _trafilatura_forms()


def page_author(tree: etree._Element) -> str | None:
    """trafilatura.metadata.extract_author(tree), the same string or None. The tree is not
    changed."""
    return author_with(FORMS, tree, trafilatura_metadata.extract_author)


def author_with(
    forms: Forms | None,
    tree: etree._Element,
    fallback: Callable[[etree._Element], str | None],
) -> str | None:
    """The author read with `forms`; `fallback(tree)` when there are none, when the tree is not
    the root of its document (the expressions' '//' reach the whole document) or when it holds an
    element the expressions compare by its text."""
    if (
        forms is None
        or tree.getparent() is not None
        or tree.getroottree().getroot() is not tree
        or (forms.compared_by_text and next(tree.iter(*forms.compared_by_text), None) is not None)
    ):
        return fallback(tree)
    if forms.candidates is not None and forms.words is not None:
        found = _candidates(forms.candidates, forms.words, tree)
        selected: Iterable[Iterable[etree._Element]] = (
            [element for element in found if select(element)] for select in forms.selects
        )
    else:
        selected = (expression(tree) for expression in forms.authors)
    for elements in selected:
        for element in elements:
            content = trim(" ".join(_pruned(forms, element).itertext()))
            if content and 2 < len(content) < LEN_LIMIT:
                return normalize_authors(None, content)
    return None


def _candidates(
    fetch: etree.XPath, words: re.Pattern[str], tree: etree._Element
) -> list[etree._Element]:
    """In page order, the elements of the names fetched and those with a fetched attribute
    holding one of the words. Every element an author expression selects is among them: its
    tests are "or"s and "and"s of name tests, and of attribute tests that each need their
    attribute to hold their text."""
    out: dict[etree._Element, None] = {}
    search = words.search
    for item in fetch(tree):  # in page order: an element's attributes right after it
        if isinstance(item, str):  # an attribute's value, which knows its element
            if search(item):
                value: Any = item
                out.setdefault(value.getparent(), None)
        else:
            out.setdefault(item, None)
    return list(out)


def _pruned(forms: Forms, element: etree._Element) -> etree._Element:
    """The element as it is in trafilatura's pruned copy of the page: a pruned copy of it when
    something inside it goes, else the element itself."""
    if not forms.inside_discarded(element):
        return element
    return prune_unwanted_nodes(deepcopy(element), list(forms.discard))
