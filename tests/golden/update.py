"""Rewrite tests/golden/documents.jsonl from a partition: `python tests/golden/update.py DIR`.

Review the diff (git diff tests/golden) before committing: the golden file is the reviewed
expected output of the pipeline on raw/.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KEYS = ("id", "title", "published", "language", "text")


def main(partition: str) -> None:
    out = Path(__file__).parent / "documents.jsonl"
    lines = []
    for line in (Path(partition) / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        view = {"source_path": record["provenance"]["source_path"]}
        view.update({k: record[k] for k in KEYS})
        lines.append(json.dumps(view, ensure_ascii=False))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
