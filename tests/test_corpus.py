"""Lines that recur across documents of one source are site chrome, learnt over the whole run."""

from __future__ import annotations

import json

import luigi

from conftest import ROOT, RUN_DATE
from pipeline.corpus import line_keys, repeated_lines, text_key
from pipeline.tasks import CleanCorpus

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
    clean = tmp_path / "clean"
    task = CleanCorpus(
        raw_dir=str(tmp_path / "raw"),
        clean_dir=str(clean),
        config=str(ROOT / "config" / "pipeline.yaml"),
        date=RUN_DATE,
    )
    assert luigi.build([task], local_scheduler=True, log_level="WARNING")
    lines = (clean / RUN_DATE.isoformat() / "documents.jsonl").read_text().splitlines()
    documents = [json.loads(line) for line in lines]
    assert len(documents) == 6
    for doc in documents:
        assert not any(chrome in doc["text"] for chrome in SITE_CHROME)
        recurring = doc["provenance"]["repeated_lines"]
        assert [entry["documents"] for entry in recurring] == [6] * len(SITE_CHROME)
        rules = {r["rule"] for r in doc["provenance"]["removed"]}
        assert "repeated-across-documents" in rules
