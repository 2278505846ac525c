"""Document cleaning and normalisation pipeline: raw/ documents to clean JSONL with provenance."""

__version__ = "0.1.0"
