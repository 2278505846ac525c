"""Optional Parquet copies of a partition's JSONL files (config `output.parquet`, needs pyarrow:
`pip install 'clean-pipeline[parquet]'`), for pandas, DuckDB, Spark and Hugging Face `datasets`.

Each file holds the same records in the same order as its JSONL file, with a fixed schema that
does not depend on the night's documents: the top-level fields as columns, `scripts` as a map
of script code to share, and `provenance` as a JSON string (its shape varies by input and step;
DuckDB reads it with `provenance->>'$.source_path'`, pandas with `json.loads`). `published` and
`duplicate_of_night` stay `YYYY-MM-DD` strings, as in the JSONL.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

NAMES = {"documents": "documents.parquet", "duplicates": "duplicates.parquet",
         "rejected": "rejected.parquet"}  # fmt: skip


def available() -> bool:
    """Whether pyarrow can be imported (output.parquet needs it)."""
    try:
        return importlib.util.find_spec("pyarrow.parquet") is not None
    except ImportError:  # pyarrow itself is missing
        return False


def schemas() -> dict[str, Any]:
    """The Arrow schema of each file."""
    import pyarrow as pa

    document = [
        ("id", pa.string()),
        ("text", pa.string()),
        ("title", pa.string()),
        ("published", pa.string()),
        ("language", pa.string()),
        ("scripts", pa.map_(pa.string(), pa.float64())),
        ("provenance", pa.string()),
        ("schema_version", pa.string()),
    ]
    duplicate = [
        *document,
        ("duplicate_of", pa.string()),
        ("duplicate_kind", pa.string()),
        ("similarity", pa.float64()),
        ("cluster", pa.string()),
        ("duplicate_of_night", pa.string()),
    ]
    rejected = [
        ("source_path", pa.string()),
        ("source_sha256", pa.string()),
        ("stage", pa.string()),
        ("reason", pa.string()),
        ("error", pa.string()),
        ("schema_version", pa.string()),
    ]
    return {
        "documents": pa.schema(document),
        "duplicates": pa.schema(duplicate),
        "rejected": pa.schema(rejected),
    }


def _row(record: dict[str, Any]) -> dict[str, Any]:
    row = dict(record)
    if "provenance" in row:
        row["provenance"] = json.dumps(row["provenance"], ensure_ascii=False, separators=(",", ":"))
    if "scripts" in row:
        row["scripts"] = list(row["scripts"].items())
    return row


def write_parquet(folder: Path, files: dict[str, list[dict[str, Any]]]) -> None:
    """Write <name>.parquet in `folder` for each of documents, duplicates and rejected."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for name, schema in schemas().items():
        rows = [_row(r) for r in files[name]]
        table = pa.Table.from_pylist(rows, schema=schema)
        pq.write_table(table, folder / NAMES[name], compression="zstd")


def read_records(path: Path) -> list[dict[str, Any]]:
    """The records of a Parquet file as the JSONL file has them (provenance and scripts decoded)."""
    import pyarrow.parquet as pq

    records = []
    for row in pq.read_table(path).to_pylist():
        if "provenance" in row:
            row["provenance"] = json.loads(row["provenance"])
        if "scripts" in row:
            row["scripts"] = dict(row["scripts"])
        records.append(row)
    return records
