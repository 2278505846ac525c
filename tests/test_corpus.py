"""Lines that recur across documents of one source are site chrome, learnt over the whole run."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from conftest import clean_corpus, read_jsonl
from pipeline.config import PipelineConfig
from pipeline.corpus import line_keys, repeated_lines, site_date_orders, text_key
from pipeline.record import Document
from pipeline.runner import prepare
from pipeline.steps import Context

SITE_CHROME = ["Local Sports Desk", "Scores and schedules", "Follow us for updates"]
STORIES = [
    "The river festival drew record crowds on Saturday as boats paraded past the old mill.",
    "A new bakery opened on Main Street, offering bread made from locally grown wheat.",
    "The school board voted to extend library hours during the winter examination period.",
    "Volunteers planted two hundred trees along the northern edge of the city park.",
    "The regional rail line will add an early morning train starting next month.",
    "Firefighters rescued a cat from the bell tower of the town hall on Tuesday.",
]


def page(i: int) -> str:
    story = STORIES[i]
    return "\n".join(
        [
            SITE_CHROME[0],
            f"Story number {i} of the week",
            story,
            story.replace("The", "This"),
            *SITE_CHROME[1:],
        ]
    )


def test_a_line_counts_once_per_distinct_document():
    docs = [("site", text_key(page(0)), line_keys(page(0)))] * 6  # six copies of one page
    docs += [("site", text_key(page(i)), line_keys(page(i))) for i in range(1, 4)]
    table = repeated_lines(docs, min_documents=4, min_share=0.1)
    assert set(table["site"].values()) == {4}  # chrome lines in 4 distinct pages, not 9
    assert len(table["site"]) == len(SITE_CHROME)


def test_groups_are_folders_and_small_groups_learn_nothing():
    docs = [("a", text_key(page(i)), line_keys(page(i))) for i in range(6)]
    docs += [("b", text_key(page(i)), line_keys(page(i))) for i in range(2)]
    table = repeated_lines(docs, min_documents=5, min_share=0.1)
    assert set(table) == {"a"}


def test_the_run_removes_site_chrome_and_records_the_counts(tmp_path):
    raw = tmp_path / "raw" / "example.org"
    raw.mkdir(parents=True)
    for i in range(6):
        (raw / f"{i}.txt").write_text(page(i), encoding="utf-8")
    part = clean_corpus(tmp_path / "raw", tmp_path / "clean")
    documents = read_jsonl(part / "documents.jsonl")
    assert len(documents) == 6
    for doc in documents:
        assert not any(chrome in doc["text"] for chrome in SITE_CHROME)
        recurring = doc["provenance"]["repeated_lines"]
        assert [entry["documents"] for entry in recurring] == [6] * len(SITE_CHROME)
        rules = {r["rule"] for r in doc["provenance"]["removed"]}
        assert "repeated-across-documents" in rules


def test_a_site_learns_its_date_order_only_from_agreeing_dates():
    votes = [("site/", {"dmy": 1, "mdy": 0})] * 3 + [("mixed/", {"dmy": 2, "mdy": 1})] * 2
    assert site_date_orders(votes, min_votes=3) == {"site/": "dmy"}


def test_an_ambiguous_date_takes_the_order_the_rest_of_the_site_uses(tmp_path):
    raw = tmp_path / "raw" / "example.org"
    raw.mkdir(parents=True)
    for i, day in enumerate((13, 14, 15)):
        header = f"Story number {i} of the week\nPublished {day}/01/2026\n"
        (raw / f"{i}.txt").write_text(header + STORIES[i] + "\n" + STORIES[i + 3], "utf-8")
    (raw / "3.txt").write_text(
        "Ambiguous story of the week\nPublished 01/03/2026\n" + STORIES[0] + "\n" + STORIES[1],
        "utf-8",
    )
    part = clean_corpus(tmp_path / "raw", tmp_path / "clean")
    by_path = {d["provenance"]["source_path"]: d for d in read_jsonl(part / "documents.jsonl")}
    ambiguous = by_path["example.org/3.txt"]
    assert ambiguous["published"] == "2026-03-01"  # day first, as the site writes dates
    assert ambiguous["provenance"]["date"]["ambiguous"] is True
    assert by_path["example.org/0.txt"]["published"] == "2026-01-13"


def _facts(text: str, name: str = "site/a.txt") -> Any:
    raw = text.encode()
    doc = Document(name, hashlib.sha256(raw).hexdigest(), len(raw), raw=raw)
    return prepare(doc, PipelineConfig(), Context(run_date=dt.date(2026, 11, 21)), "")[0]


def test_the_facts_of_a_text_are_its_source_line_keys_and_header_date_votes():
    text = "\n".join(["Posted 13/01/2026", page(0)])
    facts = _facts(text)
    assert facts is not None
    assert facts["group"] == "site" and facts["site"] == "site/"
    assert facts["lines"] == line_keys(text) and facts["text"] == text_key(text)
    assert facts["votes"] == {"dmy": 1, "mdy": 0}  # 13/01 reads only day-first
    # a date in the body casts no vote; no numeric date at all, none either
    body_date = page(0).replace("on Saturday", "on 13/01/2026")
    assert _facts(body_date)["votes"] == {"dmy": 0, "mdy": 0}
    assert _facts(page(1))["votes"] == {"dmy": 0, "mdy": 0}


def test_a_page_of_chrome_alone_still_shows_what_its_source_repeats():
    chrome = "\n".join(SITE_CHROME)  # no paragraph: the full pass drops it as boilerplate
    facts = _facts(chrome)
    assert facts is not None and facts["lines"] == line_keys(chrome)
    assert _facts("<html><body><p>x</p></body></html>", "site/b.html") is None  # HTML: none
