"""The persistent dedup index: what earlier nights kept, so that tonight's documents are
deduplicated against every earlier night, not only against each other.

Where: `<clean-dir>/.state/dedup.sqlite` (`index_path`), next to the partitions it describes.
Unlike `.work/`, it is NOT a cache: deleting it makes the next night forget every earlier one.

Why SQLite: it is in the standard library (no new dependency, no server), one file, and its
transactions make a night's update all-or-nothing even when the process is killed (the
write-ahead log is rolled back or replayed on the next open). Lookups go through B-tree indexes
on disk with a bounded page cache, so memory does not grow with the history; each document costs
a handful of indexed point queries. A key-value store (LMDB, RocksDB) would be faster per lookup
but is a new dependency and gives no multi-table transaction for the rollback.

What is stored, per kept document (`docs`, one row; `bands`, one row per LSH band):

    meta(key, value)          the parameters the stored keys depend on (signature step version,
                              rensa algorithm, num_perm, seed, shingle_words, bands, key scheme);
                              an index built with other parameters is refused, never mixed
    nights(night, documents, digest, config_sha256, recorded_at)
                              the nights recorded; digest: sha256 of the night's sorted kept ids
    docs(doc, night, source_path, id, exact, text)
                              exact: sha256 digest of the normalised text (indexed);
                              text: the normalised text (signature.normalise_for_hash),
                              zlib-compressed
    bands(key, doc)           LSH keys (dedup.lsh_keys, one per band), primary key (key, doc)
    inputs(id, night, source_path, size, mtime_ns)
                              every input a night published (as a document, a duplicate or a
                              rejection with readable bytes): the next nights skip them
                              (pipeline.nightly); size and mtime let a file be recognised
                              without reading it again

Why the text, not the MinHash: a candidate pair is verified by the EXACT Jaccard similarity of
the two shingle sets, recomputed from the (normalised) texts. A 128-value MinHash only estimates
it (standard error about 0.035 at J = 0.8, so roughly one pair in twelve at J = 0.75 would be
removed and one in twelve at 0.85 kept); with the texts a document is removed only when its
similarity really is at least the threshold, and a document verified against an earlier night
gets the same number as it would within one night, so splitting a run into nights cannot change
what is kept. The price is the compressed normalised text, about 2 KB per news article (the
partition holds the text several times over, with its provenance). Normalised, because
verifying is then only splitting it into shingles; the stored text also allows rebuilding the
keys under new signature parameters without the partitions.

Nights: a night is the partition date. Tonight's documents are compared only with nights strictly
before it (`Index(before=night)`), so a night that is already in the index and is run again is not
a duplicate of itself, and a re-run of an older date never changes what a later night kept (the
later night's partition and entries are left alone; the older night's documents are kept even if
a later night has them too, since earlier nights rank first).

Atomicity: tonight's kept documents are first written to a separate file (the Deduplicate task's
`kept-*.sqlite` in `.work/`), and copied into the index by `record_night` in ONE transaction
(BEGIN IMMEDIATE ... COMMIT) only after the night's partition is complete. Recording is keyed by
the night: it replaces that night's entries, so recording twice is the same as once. A kill
before the commit leaves the index as it was; CleanCorpus is complete only when both the
partition and its night in the index exist, so the next run records it.

Rollback: `clean-pipeline forget-night DATE` (`roll_back_night`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import struct
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rensa import RMinHash

from pipeline import dedup
from pipeline.dedup import Decision, Entry, Keeper
from pipeline.steps import signature

SCHEMA = "1"
PAGE_SIZE = 16384  # compressed texts of ~2 KB pack 7 to a page (4 KB pages waste about half)
CACHE_KIB = 65536  # page cache per database (an attached one inherits it): 64 MiB; 256 MiB
# gains 5 % in speed for four times the memory (the OS caches the files anyway)
BATCH = 2000

_SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS nights (
    night TEXT PRIMARY KEY, documents INTEGER NOT NULL, digest TEXT NOT NULL,
    config_sha256 TEXT NOT NULL, recorded_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS docs (
    doc INTEGER PRIMARY KEY, night TEXT NOT NULL, source_path TEXT NOT NULL, id TEXT NOT NULL,
    exact BLOB NOT NULL, text BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_exact ON docs (exact);
CREATE INDEX IF NOT EXISTS docs_night ON docs (night);
CREATE TABLE IF NOT EXISTS bands (
    key INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY (key, doc)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS inputs (
    id TEXT PRIMARY KEY, night TEXT NOT NULL, source_path TEXT NOT NULL,
    size INTEGER, mtime_ns INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS inputs_path ON inputs (source_path);
CREATE INDEX IF NOT EXISTS inputs_night ON inputs (night);
"""


class IndexMismatch(RuntimeError):
    """The index was built with other signature parameters: its keys cannot be compared."""


def index_path(clean_dir: str | Path) -> Path:
    """Where the index of a clean folder lives."""
    return Path(clean_dir) / ".state" / "dedup.sqlite"


@dataclass(frozen=True)
class Settings:
    """What dedup needs from the configuration."""

    threshold: float
    bands: int
    signature: signature.Config

    @classmethod
    def of(cls, cfg: Any) -> Settings:
        """From a PipelineConfig (its dedup and signature sections)."""
        return cls(cfg.dedup.threshold, cfg.dedup.bands, cfg.signature)

    def params(self) -> dict[str, str]:
        """The parameters stored keys depend on (the threshold is not one: it only decides)."""
        sig = self.signature
        return {
            "schema": SCHEMA,
            "signature_step": signature.VERSION,
            "rensa_algorithm": str(RMinHash.ALGORITHM_VERSION),
            "num_perm": str(sig.num_perm),
            "seed": str(sig.seed),
            "shingle_words": str(sig.shingle_words),
            "bands": str(self.bands),
            "keys": "blake2b-64(band u16le + rows u32le)",
            "text": "zlib(utf-8 of the normalised text)",
        }


def _connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + ("?mode=ro" if readonly else "")
    con = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=60.0)
    try:
        con.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    except sqlite3.OperationalError:
        if not readonly:
            raise
        # A WAL database on a read-only file system cannot be opened for reading once its
        # shared-memory file is gone; every write was checkpointed into the main file when the
        # last writer closed (record_night truncates the WAL), so read that file as it is.
        con.close()
        uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
        con = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=60.0)
        con.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    return con


def _create(con: sqlite3.Connection, params: dict[str, str], journal: str) -> None:
    """Tables and parameters of a new database (the page size can only be set before the first
    table and before WAL), or nothing for an existing one."""
    con.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    con.execute(f"PRAGMA journal_mode = {journal}")
    con.executescript(_SCHEMA_SQL)
    con.execute("BEGIN IMMEDIATE")
    if con.execute("SELECT COUNT(*) FROM meta").fetchone()[0] == 0:
        con.executemany("INSERT INTO meta VALUES (?, ?)", sorted(params.items()))
    con.execute("COMMIT")


def _check(con: sqlite3.Connection, params: dict[str, str], where: Path, schema: str) -> None:
    stored = dict(con.execute(f"SELECT key, value FROM {schema}.meta").fetchall())
    if stored != params:
        diff = {k: (stored.get(k), params.get(k)) for k in sorted(set(stored) | set(params))}
        diff = {k: v for k, v in diff.items() if v[0] != v[1]}
        raise IndexMismatch(
            f"{where}: the dedup index was built with other parameters (stored, configured): "
            f"{diff}. Its keys cannot be compared with this configuration's: restore the "
            "previous signature/dedup settings, or move the file away to start a new history."
        )


def open_index(path: Path, settings: Settings, readonly: bool = False) -> sqlite3.Connection:
    """A connection to the index (created when missing, unless readonly), parameters checked."""
    if readonly:
        con = _connect(path, readonly=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        con = _connect(path)
        _create(con, settings.params(), "WAL")  # WAL: readers never block the night's commit
        # NORMAL: on power loss the last commit may be lost, never half applied (the night is
        # then recorded again by the next run)
        con.execute("PRAGMA synchronous = NORMAL")
    _check(con, settings.params(), path, "main")
    return con


class Index:
    """A dedup.KeptIndex over the tables of one SQLite database (the persistent index, or one
    night's kept file). With `before`, only nights strictly before it are visible."""

    def __init__(self, con: sqlite3.Connection, before: str | None = None) -> None:
        self.con = con
        self.before = before
        self._tail: tuple[str, ...] = () if before is None else (before,)
        self._night = "" if before is None else " AND d.night < ?"

    def exact(self, digest: bytes) -> Keeper | None:
        sql = (
            "SELECT d.night, d.source_path, d.id, d.doc FROM docs d WHERE d.exact = ?"
            f"{self._night} ORDER BY d.night, d.source_path, d.id LIMIT 1"
        )
        row = self.con.execute(sql, (digest, *self._tail)).fetchone()
        return None if row is None else Keeper(*row)

    def candidates(self, keys: Sequence[int]) -> list[Keeper]:
        if not keys:
            return []
        sql = (
            "SELECT DISTINCT d.night, d.source_path, d.id, d.doc FROM bands b "
            f"JOIN docs d ON d.doc = b.doc WHERE b.key IN ({','.join('?' * len(keys))})"
            f"{self._night}"
        )
        return [Keeper(*row) for row in self.con.execute(sql, (*keys, *self._tail))]

    def text(self, handle: int) -> bytes:
        row = self.con.execute("SELECT text FROM docs WHERE doc = ?", (handle,)).fetchone()
        blob: bytes = row[0]
        return blob

    def add(self, entry: Entry, night: str) -> None:
        cur = self.con.execute(
            "INSERT INTO docs (night, source_path, id, exact, text) VALUES (?, ?, ?, ?, ?)",
            (night, entry.source_path, entry.id, entry.exact, entry.text),
        )
        doc = cur.lastrowid
        self.con.executemany(
            "INSERT OR IGNORE INTO bands (key, doc) VALUES (?, ?)", [(k, doc) for k in entry.keys]
        )


# --- one night -------------------------------------------------------------------------------


def _pack_keys(keys: tuple[int, ...]) -> bytes:
    return struct.pack(f"<{len(keys)}q", *keys)


def _unpack_keys(blob: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(blob) // 8}q", blob)


_ITEMS = (
    "CREATE TABLE {}items (source_path TEXT NOT NULL, id TEXT NOT NULL UNIQUE, "
    "exact BLOB NOT NULL, keys BLOB NOT NULL, text BLOB NOT NULL)"
)


def write_entries(path: Path, entries: Iterable[Entry]) -> None:
    """One shard's entries in a file of their own (made in parallel, one task per shard)."""
    path.unlink(missing_ok=True)
    con = _connect(path)
    try:
        con.execute("PRAGMA journal_mode = OFF")
        con.execute("PRAGMA synchronous = OFF")
        con.execute(_ITEMS.format(""))
        con.execute("BEGIN")
        rows = ((e.source_path, e.id, e.exact, _pack_keys(e.keys), e.text) for e in entries)
        con.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)", rows)
        con.execute("COMMIT")
    finally:
        con.close()


def read_entries(paths: Iterable[Path]) -> Iterator[Entry]:
    """The entries of the files `write_entries` made, file by file."""
    for path in paths:
        con = _connect(path, readonly=True)
        try:
            rows = con.execute(
                "SELECT source_path, id, exact, keys, text FROM items ORDER BY rowid"
            )
            for source_path, id_, exact, keys, text in rows:
                yield Entry(id_, source_path, exact, _unpack_keys(keys), text)
        finally:
            con.close()


def _stage(con: sqlite3.Connection, entries: Iterable[Entry]) -> None:
    """Every entry into a temporary table, so that they can be read back in (source_path, id)
    order with flat memory, whatever their number."""
    con.execute("ATTACH DATABASE '' AS stage")  # a private temporary file, gone on close
    con.execute(_ITEMS.format("stage."))
    insert = "INSERT INTO stage.items VALUES (?, ?, ?, ?, ?)"
    con.execute("BEGIN")
    batch: list[tuple[str, str, bytes, bytes, bytes]] = []
    try:
        for e in entries:
            batch.append((e.source_path, e.id, e.exact, _pack_keys(e.keys), e.text))
            if len(batch) >= BATCH:
                con.executemany(insert, batch)
                batch = []
        con.executemany(insert, batch)
    except sqlite3.IntegrityError:
        for row in batch:
            try:
                con.execute(insert, row)
            except sqlite3.IntegrityError:
                con.execute("ROLLBACK")
                raise ValueError(f"duplicate candidate id {row[1]!r} ({row[0]})") from None
        raise
    con.execute("CREATE INDEX stage.items_order ON items (source_path, id)")
    con.execute("COMMIT")


def _in_order(con: sqlite3.Connection) -> Iterator[Entry]:
    cursor = con.execute(
        "SELECT source_path, id, exact, keys, text FROM stage.items ORDER BY source_path, id"
    )
    for source_path, id_, exact, keys, text in cursor:
        yield Entry(id_, source_path, exact, _unpack_keys(keys), text)


def create_kept_file(path: Path, settings: Settings, night: str) -> sqlite3.Connection:
    """A fresh file for one night's kept documents (the same tables as the index)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    con = _connect(path)
    _create(con, {**settings.params(), "night": night}, "OFF")  # a half-written file is
    con.execute("PRAGMA synchronous = OFF")  # rebuilt (Luigi renames it into place when done)
    return con


def deduplicate_night(
    entries: Iterable[Entry],
    night: str,
    index_file: Path,
    kept_file: Path,
    settings: Settings,
    timings: dict[str, float] | None = None,
) -> dict[str, Decision]:
    """Tonight's decisions against the nights before `night` in `index_file` (if it exists) and
    tonight's own kept documents, which are written to `kept_file` for `record_night`.
    `timings`, when given, receives the seconds spent staging (reading `entries` into the
    temporary table) and deciding."""
    dedup.check_settings(settings.threshold, settings.bands, settings.signature.shingle_words)
    earlier = None
    if index_file.exists():
        history_con = open_index(index_file, settings, readonly=True)
        history_con.execute("BEGIN")  # one snapshot of the history for the whole night
        earlier = Index(history_con, before=night)
    con = create_kept_file(kept_file, settings, night)
    try:
        started = time.perf_counter()
        _stage(con, entries)
        staged = time.perf_counter()
        tonight = Index(con)
        con.execute("BEGIN")
        decisions = dict(
            dedup.decide(
                _in_order(con),
                night,
                earlier,
                tonight,
                settings.threshold,
                settings.signature.shingle_words,
            )
        )
        con.execute("COMMIT")
        if timings is not None:
            timings["stage"] = staged - started
            timings["decide"] = time.perf_counter() - staged
    finally:
        con.close()
        if earlier is not None:
            earlier.con.close()
    return decisions


# --- recording, fingerprints, rollback ---------------------------------------------------------


def has_night(index_file: Path, night: str) -> bool:
    if not index_file.exists():
        return False
    con = _connect(index_file, readonly=True)
    try:
        row = con.execute("SELECT 1 FROM nights WHERE night = ?", (night,)).fetchone()
    except sqlite3.OperationalError:  # created but never written
        return False
    finally:
        con.close()
    return row is not None


def nights(index_file: Path) -> list[tuple[str, int]]:
    """(night, kept documents) of every recorded night, oldest first."""
    if not index_file.exists():
        return []
    con = _connect(index_file, readonly=True)
    try:
        return [
            (n, c) for n, c in con.execute("SELECT night, documents FROM nights ORDER BY night")
        ]
    except sqlite3.OperationalError:
        return []
    finally:
        con.close()


def earlier_fingerprint(index_file: Path, night: str) -> str:
    """sha256 hex of the (night, digest) of every recorded night before `night`: what tonight's
    decisions depend on. Names the Deduplicate outputs, so a changed history is never reused."""
    rows: list[tuple[str, str]] = []
    if index_file.exists():
        con = _connect(index_file, readonly=True)
        try:
            rows = con.execute(
                "SELECT night, digest FROM nights WHERE night < ? ORDER BY night", (night,)
            ).fetchall()
        except sqlite3.OperationalError:
            rows = []
        finally:
            con.close()
    text = "".join(f"{n} {d}\n" for n, d in rows)
    return hashlib.sha256(text.encode()).hexdigest()


def describe(index_file: Path, night: str) -> dict[str, Any]:
    """For a partition's manifest: where the index is and which earlier nights it held."""
    earlier = [n for n, _count in nights(index_file) if n < night]
    return {
        "path": str(Path(index_file.parent.name) / index_file.name),
        "earlier_nights": len(earlier),
        "latest_earlier_night": earlier[-1] if earlier else None,
        "earlier_fingerprint": earlier_fingerprint(index_file, night),
    }


def _delete_night(con: sqlite3.Connection, night: str) -> int:
    """Remove a night's entries (inside the caller's transaction); returns its kept count."""
    count: int = con.execute("SELECT COUNT(*) FROM docs WHERE night = ?", (night,)).fetchone()[0]
    if count:
        con.execute(
            "DELETE FROM bands WHERE doc IN (SELECT doc FROM docs WHERE night = ?)", (night,)
        )
        con.execute("DELETE FROM docs WHERE night = ?", (night,))
    con.execute("DELETE FROM nights WHERE night = ?", (night,))
    con.execute("DELETE FROM inputs WHERE night = ?", (night,))
    return count


# (id, source_path, size or None, mtime_ns or None) of one published input
InputRow = tuple[str, str, int | None, int | None]


def record_night(
    index_file: Path,
    night: str,
    kept_file: Path,
    settings: Settings,
    config_sha256: str,
    inputs: Sequence[InputRow] = (),
) -> int:
    """Copy one night's kept documents and the inputs it published into the index in one
    transaction, replacing any entries the night already had. Call it only once the night's
    partition is complete."""
    con = open_index(index_file, settings)
    try:
        con.execute("ATTACH DATABASE ? AS kept", (kept_file.resolve().as_uri() + "?mode=ro",))
        _check(con, {**settings.params(), "night": night}, kept_file, "kept")
        ids = [r[0] for r in con.execute("SELECT id FROM kept.docs ORDER BY id")]
        digest = hashlib.sha256("\n".join(ids).encode()).hexdigest()
        con.execute("BEGIN IMMEDIATE")
        try:
            _delete_night(con, night)
            base = con.execute("SELECT COALESCE(MAX(doc), 0) FROM docs").fetchone()[0]
            con.execute(
                "INSERT INTO docs (doc, night, source_path, id, exact, text) "
                "SELECT doc + ?, ?, source_path, id, exact, text FROM kept.docs ORDER BY doc",
                (base, night),
            )
            con.execute("INSERT INTO bands (key, doc) SELECT key, doc + ? FROM kept.bands", (base,))
            con.execute(
                "INSERT INTO nights VALUES (?, ?, ?, ?, ?)",
                (night, len(ids), digest, config_sha256, _now()),
            )
            con.executemany(
                "INSERT OR REPLACE INTO inputs (id, night, source_path, size, mtime_ns) "
                "VALUES (?, ?, ?, ?, ?)",
                [(id_, night, path, size, mtime) for id_, path, size, mtime in inputs],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("DETACH DATABASE kept")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return len(ids)
    finally:
        con.close()


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def record_partition(
    index_file: Path, partition: Path, settings: Settings, config_sha256: str
) -> int:
    """Record a complete partition from its own documents.jsonl (signatures made again with the
    configured signature step): for a partition written before its night reached the index."""
    import json

    night = partition.name
    kept_file = index_file.parent / f".{night}.kept.sqlite"
    inputs = partition_inputs(partition)
    con = create_kept_file(kept_file, settings, night)
    try:
        index = Index(con)
        con.execute("BEGIN")
        with open(partition / "documents.jsonl", encoding="utf-8") as handle:
            rows = (json.loads(line) for line in handle if line.strip())
            keyed = sorted((r["provenance"]["source_path"], r["id"], r["text"]) for r in rows)
            for source_path, id_, text in keyed:
                index.add(entry_of_text(id_, source_path, text, settings), night)
        con.execute("COMMIT")
    finally:
        con.close()
    try:
        return record_night(index_file, night, kept_file, settings, config_sha256, inputs)
    finally:
        kept_file.unlink(missing_ok=True)


def partition_inputs(partition: Path) -> list[InputRow]:
    """The inputs a complete partition published, from its records (sizes and times unknown)."""
    import json

    from pipeline.record import document_id

    rows: list[InputRow] = []
    for name in ("documents.jsonl", "duplicates.jsonl"):
        with open(partition / name, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    rec = json.loads(line)
                    rows.append((rec["id"], rec["provenance"]["source_path"], None, None))
    with open(partition / "rejected.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                rec = json.loads(line)
                if rec.get("source_sha256"):
                    id_ = document_id(rec["source_path"], rec["source_sha256"])
                    rows.append((id_, rec["source_path"], None, None))
    return rows


class Published:
    """Lookups in the inputs other nights published (all nights but `night`): a file whose path,
    size and modification time match a published one is that input without being read; else
    its content id decides. Empty when there is no index yet."""

    def __init__(self, index_file: Path, night: str) -> None:
        self.night = night
        self.con: sqlite3.Connection | None = None
        if index_file.exists():
            con = _connect(index_file, readonly=True)
            try:
                con.execute("SELECT 1 FROM inputs LIMIT 1")
                self.con = con
            except sqlite3.OperationalError:  # an index from before inputs were recorded
                con.close()

    def by_stat(self, source_path: str, size: int, mtime_ns: int) -> str | None:
        """The id of the published input with this path, size and time, if any."""
        if self.con is None:
            return None
        row = self.con.execute(
            "SELECT id FROM inputs WHERE source_path = ? AND size = ? AND mtime_ns = ? "
            "AND night != ? LIMIT 1",
            (source_path, size, mtime_ns, self.night),
        ).fetchone()
        return None if row is None else str(row[0])

    def knows(self, source_path: str) -> bool:
        """Some other night published an input at this path (whatever its content then)."""
        if self.con is None:
            return False
        row = self.con.execute(
            "SELECT 1 FROM inputs WHERE source_path = ? AND night != ? LIMIT 1",
            (source_path, self.night),
        ).fetchone()
        return row is not None

    def has(self, id_: str) -> bool:
        if self.con is None:
            return False
        row = self.con.execute(
            "SELECT 1 FROM inputs WHERE id = ? AND night != ?", (id_, self.night)
        ).fetchone()
        return row is not None

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


def others_fingerprint(index_file: Path, night: str) -> str:
    """sha256 hex of what every other recorded night was (date, kept digest, time recorded):
    which inputs count as already published tonight depends on exactly this."""
    rows: list[tuple[str, str, str]] = []
    if index_file.exists():
        con = _connect(index_file, readonly=True)
        try:
            rows = con.execute(
                "SELECT night, digest, recorded_at FROM nights WHERE night != ? ORDER BY night",
                (night,),
            ).fetchall()
        except sqlite3.OperationalError:
            rows = []
        finally:
            con.close()
    text = "".join(f"{n} {d} {t}\n" for n, d, t in rows)
    return hashlib.sha256(text.encode()).hexdigest()


def entry_of_text(id_: str, source_path: str, text: str, settings: Settings) -> Entry:
    """Sign a text with the signature step's functions and make its Entry."""
    signed = signature.sign(text, settings.signature)
    return dedup.entry(
        id_, source_path, signed.exact, signed.minhash, signed.normalised, settings.bands
    )


def forget_night(index_file: Path, night: str) -> int:
    """Remove a night's entries from the index in one transaction; returns how many documents."""
    if not index_file.exists():
        return 0
    con = _connect(index_file)
    try:
        con.execute("BEGIN IMMEDIATE")
        try:
            removed = _delete_night(con, night)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return removed
    finally:
        con.close()


@dataclass(frozen=True)
class Rollback:
    night: str
    documents: int
    partition_moved_to: Path | None
    later_nights: list[str]


def roll_back_night(clean_dir: str | Path, night: str) -> Rollback:
    """Undo one night: its partition is moved to <clean-dir>/.rolled-back/<night>[.N]/ (kept for
    inspection, never read; `latest` moves back), its entries leave the index, and its
    intermediate results in .work/ are deleted, so running the date again starts afresh.
    Later nights are not changed (their partitions keep their decisions)."""
    from pipeline.partition import update_latest

    clean = Path(clean_dir)
    dt.date.fromisoformat(night)  # a date, not a path
    moved: Path | None = None
    partition = clean / night
    if partition.exists():
        target = clean / ".rolled-back" / night
        n = 1
        while target.exists():
            target = clean / ".rolled-back" / f"{night}.{n}"
            n += 1
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(partition, target)  # first: the night is no longer complete, whatever happens
        moved = target
        latest = clean / "latest"
        if latest.is_symlink() and os.readlink(latest) == night:
            latest.unlink()
        update_latest(clean)
    index_file = index_path(clean)
    later = [n for n, _ in nights(index_file) if n > night]
    removed = forget_night(index_file, night)
    for work in (clean / ".work").glob(f"*/{night}"):
        shutil.rmtree(work, ignore_errors=True)
    return Rollback(night, removed, moved, later)
