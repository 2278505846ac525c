"""What every benchmark records beside its figures."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def code_state() -> dict[str, Any]:
    """The commit measured, and any uncommitted change to the code or config it runs."""

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=True
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout

    dirty = git("status", "--porcelain", "--", "pipeline", "config")
    return {
        "commit": git("rev-parse", "HEAD").strip() or None,
        "uncommitted": [line[3:] for line in dirty.splitlines() if line.strip()],
    }
