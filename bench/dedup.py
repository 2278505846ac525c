"""Dedup benchmark: how exact the duplicate detector is, and how fast it is at 100k and 1M
documents. Run it with ``.venv/bin/python -m bench.dedup`` (``make bench-dedup``); options below.

Everything measured is the pipeline's own code: ``signature.sign`` (the signature step),
``dedup.entry`` and ``history.deduplicate_night`` / ``history.record_night`` (what the Deduplicate
and CleanCorpus tasks call), with the shipped ``config/pipeline.yaml`` unless ``--bands`` says
otherwise. Luigi, the other steps and the partition writing are not part of it.

Quality corpus (known truth)
    From the 181 real article bodies of ``bench/data/scrapinghub/ground-truth.json`` (eight
    languages), one paragraph per line:

    * ``original``: every body (odd-numbered stories as published with their site's chrome
      lines around them, see ``syndicated``);
    * ``exact``: ``byte`` (the same text), ``case+space`` (upper case, paragraphs re-wrapped,
      doubled spaces), ``punctuation`` (quotes, dashes and commas changed);
    * ``syndicated``: ``added`` (a clean original, the copy with another site's header and
      footer lines), ``removed`` (the original with its site's chrome, the copy clean),
      ``replaced`` (the original with its chrome, the copy with another site's);
    * ``words``: each word replaced by a random word of the corpus with probability 1, 2, 5, 10 %;
    * ``dropped`` / ``added``: 5, 10, 20 % of the sentences dropped / sentences of other
      articles inserted at random places;
    * ``truncated``: the first 95, 90, 80, 60 % of the words;
    * ``reencoded``: saved as cp1252 (when it can be), as UTF-16 with a BOM, and as mojibake
      (UTF-8 read as cp1252, saved as UTF-8); these go through the pipeline's ``load`` and
      ``repair`` steps, like every document of this corpus;
    * hard negatives, different articles that share text: ``quote`` (an article with two or
      three sentences of another one quoted in the middle), ``quote-long`` (the first 80 words
      of an article followed by eight sentences of another), ``template`` (the 40 shortest
      articles cut to at most 120 words, all in one heavy site template of about 110 words).

    Paths are random, so a copy sorts before its original about half the time.

    Truth: a pair (copy, original of its story) is a TRUE duplicate pair when the exact Jaccard
    similarity of their 5-word shingle sets is at least the threshold (0.8); exact copies always
    are. Pair recall, per kind and edit rate: the share of true pairs that do not both survive
    (at most one of the two is kept). Also reported: the share whose two documents end in the
    same cluster (one is the other's keeper, or both have the same keeper), and the LSH pair
    rate (the share that share at least one band key: what recall would be if every pair stood
    alone). Pair precision: of the (duplicate, keeper) pairs the detector outputs, the share
    whose two documents are of the same story. Every kind is also reported with its share of
    true pairs and how many of its copies below the threshold were removed (matched to another
    copy of the story).

    Invariance, on the same corpus: the decisions with the entries in generation order, in
    reverse order, split into 4 "shards" processed shard by shard, and split into two nights
    (the first half by path, recorded in a fresh index, then the second half) must be equal.

Speed (``--sizes``, default 100000 and 1000000 documents)
    A synthetic stream of news-sized documents made from the same bodies: 70 % new articles (as
    many sentences as a random real body has, at most 150, drawn from the sentences of the
    bodies in that body's language, as langdetect reads it), 15 % exact copies of an earlier
    document (a third with case or spacing changed), 15 % edited copies (1-5 % of the words
    replaced, truncated to 90-95 %, or another site's chrome added). Two worker processes
    (``--workers``) generate and sign the documents (``signature.sign`` + ``dedup.entry``)
    while the main process stages them; then the main process decides and records the night in
    a fresh index in a temporary folder. Reported: documents per second for signatures (wall,
    and per core from the workers' CPU time), for the decisions (the index lookups and
    inserts), for recording, and for the whole stage; peak memory (the proportional set size of
    the main process plus its workers, sampled every 0.2 s); bytes per document of the index and
    of the night's kept file. Each size runs in a fresh process. At the sizes in
    ``--split-sizes`` (default 100000) the same documents are then decided again as two nights
    (half then half by path) and compared.

Options: ``--sizes 100000,1000000``, ``--split-sizes 100000``, ``--workers 2``, ``--bands N``
(override ``dedup.bands``), ``--compare-bands 32`` (quality corpus again with these bands;
empty to skip), ``--skip-quality``, ``--skip-speed``, ``--tmp DIR`` (where the indexes go),
``--json PATH`` (default ``bench/results/dedup.json``).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import code_state
from pipeline import dedup, history
from pipeline.config import PipelineConfig, load_config
from pipeline.dedup import Decision, Entry
from pipeline.record import Document, Drop, document_id
from pipeline.steps import Context, load, repair, signature

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "scrapinghub" / "ground-truth.json"
CONFIG = ROOT / "config" / "pipeline.yaml"
RESULTS = ROOT / "bench" / "results" / "dedup.json"
RUN_DATE = dt.date(2026, 11, 21)
NIGHT1, NIGHT2 = "2026-11-20", "2026-11-21"
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")

SITES = [
    "Daily Courier",
    "Metro Wire",
    "The Northern Post",
    "Valley Herald",
    "Global Ledger",
    "Morning Dispatch",
    "City Chronicle",
    "Coastal Times",
]


# --- the bodies ---------------------------------------------------------------------------------


def bodies() -> list[list[list[str]]]:
    """Every body as paragraphs of sentences, in a fixed order (sorted page ids)."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    out = []
    for key in sorted(data):
        paragraphs = [p.strip() for p in data[key]["articleBody"].split("\n") if p.strip()]
        out.append([[s for s in _SENTENCE_END.split(p) if s] for p in paragraphs])
    return out


def text_of(paragraphs: list[list[str]]) -> str:
    return "\n".join(" ".join(p) for p in paragraphs if p)


def chrome(rng: random.Random, site: str, headlines: list[str]) -> tuple[list[str], list[str]]:
    """A site's header and footer lines (about 40-70 words)."""
    header = [
        site,
        "Home | News | World | Business | Technology | Sport | Opinion | Culture",
        f"Subscribe to {site} from $1 a week",
    ]
    footer = [
        "Share this article",
        "Facebook Twitter WhatsApp Email",
        f"Related: {rng.choice(headlines)}",
        f"© 2026 {site}. All rights reserved.",
        "Advertisement",
    ]
    return header, footer


TEMPLATE_HEADER = [
    "The Regional Observer — independent local news since 1921",
    "Home | Local | Politics | Business | Schools | Sport | Weather | Obituaries | Classifieds",
    "Sign in | Register | Subscribe for full access to every story and the daily e-edition",
    "Breaking news alerts: get the stories that matter in your inbox every morning",
]
TEMPLATE_FOOTER = [
    "Comments are moderated and will appear after approval by our editors",
    "Most read: council budget, school closures, weekend weather, road works on the high street",
    "Contact the newsroom | Advertise with us | Terms of use | Privacy policy | Cookie settings",
    "Copyright 2026 The Regional Observer Media Group. All rights reserved. Registered in Leeds",
]


# --- the quality corpus ---------------------------------------------------------------------------


@dataclass
class Doc:
    path: str
    data: bytes
    story: int
    kind: str
    rate: str = ""
    text: str = ""


def _words_replaced(text: str, rate: float, rng: random.Random, vocab: list[str]) -> str:
    lines = []
    for line in text.split("\n"):
        words = line.split(" ")
        lines.append(" ".join(rng.choice(vocab) if rng.random() < rate else w for w in words))
    return "\n".join(lines)


def _sentences_dropped(paras: list[list[str]], share: float, rng: random.Random) -> str:
    slots = [(i, j) for i, p in enumerate(paras) for j in range(len(p))]
    drop = set(rng.sample(slots, max(1, round(share * len(slots))))) if len(slots) > 1 else set()
    return text_of(
        [[s for j, s in enumerate(p) if (i, j) not in drop] for i, p in enumerate(paras)]
    )


def _sentences_added(
    paras: list[list[str]], share: float, rng: random.Random, pool: list[str]
) -> str:
    out = [list(p) for p in paras]
    count = sum(len(p) for p in paras)
    for _ in range(max(1, round(share * count))):
        p = rng.randrange(len(out))
        out[p].insert(rng.randint(0, len(out[p])), rng.choice(pool))
    return text_of(out)


def _truncated(text: str, keep: float) -> str:
    words = text.replace("\n", " \n ").split(" ")
    cut = " ".join(words[: max(1, round(keep * len(words)))])
    return cut.replace(" \n ", "\n").strip()


def _mojibake(text: str) -> bytes:
    raw = text.encode("utf-8")
    return "".join(
        bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b)
        for b in raw
    ).encode("utf-8")


def quality_corpus(seed: int = 7) -> list[Doc]:
    stories = bodies()
    rng = random.Random(seed)
    vocab = [w for b in stories for p in b for s in p for w in s.split(" ") if w]
    pool = [s for b in stories for p in b for s in p]
    headlines = [b[0][0][:80] for b in stories]
    docs: list[Doc] = []

    def add(story: int, kind: str, rate: str, text: str | bytes) -> None:
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        name = hashlib.sha256(f"{story} {kind} {rate} {len(docs)}".encode()).hexdigest()[:10]
        docs.append(Doc(f"{name[:2]}/{name}.txt", data, story, kind, rate))

    for n, paras in enumerate(stories):
        body = text_of(paras)
        site, other = rng.sample(SITES, 2)
        own_header, own_footer = chrome(rng, site, headlines)
        header, footer = chrome(rng, other, headlines)
        published = body if n % 2 == 0 else "\n".join([*own_header, body, *own_footer])
        add(n, "original", "", published)
        add(n, "exact", "byte", published)
        add(n, "exact", "case+space", published.upper().replace(" ", "  ").replace("\n", "\n\n"))
        punct = published.replace("’", "'").replace("“", '"').replace("”", '"')
        add(n, "exact", "punctuation", punct.replace(",", " ,").replace(" - ", " — "))
        with_other = "\n".join([*header, body, *footer])
        if n % 2 == 0:
            add(n, "syndicated", "added", with_other)
        else:
            add(n, "syndicated", "removed", body)
            add(n, "syndicated", "replaced", with_other)
        for rate in (0.01, 0.02, 0.05, 0.10):
            add(n, "words", f"{rate:.0%}", _words_replaced(published, rate, rng, vocab))
        for share in (0.05, 0.10, 0.20):
            add(n, "dropped", f"{share:.0%}", _sentences_dropped(paras, share, rng))
            add(n, "added", f"{share:.0%}", _sentences_added(paras, share, rng, pool))
        for keep in (0.95, 0.90, 0.80, 0.60):
            add(n, "truncated", f"{1 - keep:.0%}", _truncated(published, keep))
        with contextlib.suppress(UnicodeEncodeError):
            add(n, "reencoded", "cp1252", published.encode("cp1252"))
        add(n, "reencoded", "utf-16", published.encode("utf-16"))
        add(n, "reencoded", "mojibake", _mojibake(published))
        # hard negatives: another article's words inside this one
        quoted = stories[(n + 1 + rng.randrange(len(stories) - 1)) % len(stories)]
        flat = [s for p in quoted for s in p]
        at = rng.randrange(max(1, len(flat) - 3))
        quote = "“" + " ".join(flat[at : at + rng.choice((2, 3))]) + "”"
        with_quote = [list(p) for p in paras]
        with_quote.insert(len(with_quote) // 2, [quote])
        add(n, "quote", "", text_of(with_quote))
        start = " ".join(body.split(" ")[:80])
        add(n, "quote-long", "", start + "\n" + "“" + " ".join(flat[at : at + 8]) + "”")
    shortest = sorted(range(len(stories)), key=lambda i: len(text_of(stories[i])))[:40]
    for n in shortest:
        short = " ".join(text_of(stories[n]).split(" ")[:120])
        add(n, "template", "", "\n".join([*TEMPLATE_HEADER, short, *TEMPLATE_FOOTER]))
    return docs


def loaded(docs: list[Doc], cfg: PipelineConfig) -> list[Doc]:
    """Every document through the pipeline's load and repair steps (the texts dedup sees)."""
    ctx = Context(run_date=RUN_DATE)
    out = []
    for d in docs:
        doc = Document(source_path=d.path, source_sha256="0", source_bytes=len(d.data), raw=d.data)
        result, _ = load.run(doc, cfg.load, ctx)
        if not isinstance(result, Drop):
            result, _ = repair.run(result, cfg.repair, ctx)
        if isinstance(result, Drop):
            print(f"  dropped by load/repair: {d.kind} {d.rate} ({result.reason})")
            continue
        out.append(dataclasses.replace(d, text=result.text))
    return out


def entries_of(docs: list[Doc], settings: history.Settings) -> list[Entry]:
    out = []
    for d in docs:
        signed = signature.sign(d.text, settings.signature)
        doc_id = document_id(d.path, hashlib.sha256(d.data).hexdigest())
        out.append(
            dedup.entry(
                doc_id, d.path, signed.exact, signed.minhash, signed.normalised, settings.bands
            )
        )
    return out


def run_night(
    items: Iterable[Entry], folder: Path, night: str, settings: history.Settings, record: bool
) -> dict[str, Decision]:
    index = folder / ".state" / "dedup.sqlite"
    kept = folder / f"kept-{night}.sqlite"
    decisions = history.deduplicate_night(items, night, index, kept, settings)
    if record:
        history.record_night(index, night, kept, settings, "bench")
    return decisions


def comparable(decisions: dict[str, Decision]) -> dict[str, tuple[str, str, float]]:
    return {k: (d.duplicate_of, d.kind, d.similarity) for k, d in decisions.items()}


def score(
    docs: list[Doc], entries: list[Entry], decisions: dict[str, Decision], k: int, threshold: float
) -> dict[str, Any]:
    """Pair precision and recall per kind and rate (see the module docstring)."""
    by_id = {e.id: d for e, d in zip(entries, docs, strict=True)}
    original = {d.story: e.id for e, d in zip(entries, docs, strict=True) if d.kind == "original"}
    shingle_sets = {e.id: signature.shingles(d.text, k) for e, d in zip(entries, docs, strict=True)}
    keys = {e.id: set(e.keys) for e in entries}

    def root(doc_id: str) -> str:
        return decisions[doc_id].cluster if doc_id in decisions else doc_id

    rows: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for e, d in zip(entries, docs, strict=True):
        if d.kind == "original":
            continue
        row = rows[(d.kind, d.rate)]
        row["copies"] += 1
        similarity = dedup.jaccard(shingle_sets[e.id], shingle_sets[original[d.story]])
        true_pair = similarity >= threshold
        together = root(e.id) == root(original[d.story])
        both_kept = e.id not in decisions and original[d.story] not in decisions
        row["true_pairs"] += true_pair
        row["found"] += true_pair and together
        row["removed"] += true_pair and not both_kept
        row["candidates"] += true_pair and bool(keys[e.id] & keys[original[d.story]])
        row["below_removed"] += (not true_pair) and e.id in decisions
        row["below_together"] += (not true_pair) and together
    output: dict[str, Counter[str]] = defaultdict(Counter)
    for dup_id, decision in decisions.items():
        d = by_id[dup_id]
        row = output[f"{d.kind} {d.rate}".strip()]
        row["pairs"] += 1
        row["correct"] += by_id[decision.duplicate_of].story == d.story
    table = []
    for (kind, rate), row in sorted(rows.items()):
        out_row = output.get(f"{kind} {rate}".strip(), Counter())
        table.append(
            {
                "kind": kind,
                "rate": rate,
                "copies": row["copies"],
                "true_pairs": row["true_pairs"],
                "recall": row["found"] / row["true_pairs"] if row["true_pairs"] else None,
                "recall_removed": row["removed"] / row["true_pairs"] if row["true_pairs"] else None,
                "lsh_pair_rate": row["candidates"] / row["true_pairs"]
                if row["true_pairs"]
                else None,
                "below_threshold_removed": row["below_removed"],
                "below_threshold_clustered": row["below_together"],
                "output_pairs": out_row["pairs"],
                "precision": out_row["correct"] / out_row["pairs"] if out_row["pairs"] else None,
            }
        )
    true_total = sum(r["true_pairs"] for r in rows.values())
    found_total = sum(r["found"] for r in rows.values())
    removed_total = sum(r["removed"] for r in rows.values())
    candidates_total = sum(r["candidates"] for r in rows.values())
    pairs_total = sum(r["pairs"] for r in output.values())
    correct_total = sum(r["correct"] for r in output.values())
    wrong = [
        (by_id[i].kind, by_id[i].rate, by_id[d.duplicate_of].kind, round(d.similarity, 3))
        for i, d in decisions.items()
        if by_id[d.duplicate_of].story != by_id[i].story
    ]
    return {
        "documents": len(docs),
        "duplicates_found": len(decisions),
        "recall": found_total / true_total if true_total else None,
        "recall_removed": removed_total / true_total if true_total else None,
        "lsh_pair_rate": candidates_total / true_total if true_total else None,
        "true_pairs": true_total,
        "precision": correct_total / pairs_total if pairs_total else None,
        "output_pairs": pairs_total,
        "wrong_pairs": wrong,
        "table": table,
    }


def quality(cfg: PipelineConfig, settings: history.Settings, tmp: Path) -> dict[str, Any]:
    started = time.perf_counter()
    docs = loaded(quality_corpus(), cfg)
    entries = entries_of(docs, settings)
    print(
        f"quality corpus: {len(docs)} documents from the 181 bodies "
        f"({time.perf_counter() - started:.1f} s to build, load, repair and sign)"
    )
    folder = Path(tempfile.mkdtemp(dir=tmp))
    decisions = run_night(entries, folder / "a", NIGHT1, settings, record=False)
    result = score(docs, entries, decisions, settings.signature.shingle_words, settings.threshold)

    # invariance: order, shards, two nights
    reverse = run_night(reversed(entries), folder / "b", NIGHT1, settings, record=False)
    shard = [hash_shard(e.source_path, 4) for e in entries]
    sharded = [e for s in range(4) for e, n in zip(entries, shard, strict=True) if n == s]
    by_shard = run_night(sharded, folder / "c", NIGHT1, settings, record=False)
    ordered = sorted(entries, key=lambda e: (e.source_path, e.id))
    half = len(ordered) // 2
    two = run_night(ordered[:half], folder / "d", NIGHT1, settings, record=True)
    two.update(run_night(ordered[half:], folder / "d", NIGHT2, settings, record=True))
    result["invariance"] = {
        "reverse_order_equal": reverse == decisions,
        "four_shards_equal": by_shard == decisions,
        "two_nights_equal": comparable(two) == comparable(decisions),
        "two_nights_cross_night_duplicates": sum(d.keeper_night == NIGHT1 for d in two.values())
        - sum(1 for e in ordered[:half] if e.id in two),
    }
    shutil.rmtree(folder, ignore_errors=True)
    return result


def hash_shard(path: str, shards: int) -> int:
    from pipeline.io import shard_of

    return shard_of(path, shards)


# --- the speed stream -----------------------------------------------------------------------------

_STATE: dict[str, Any] = {}


def languages(stories: list[list[list[str]]]) -> list[str]:
    """langdetect's answer for every body (seeded): synthetic articles stay in one language."""
    from langdetect import DetectorFactory, detect

    DetectorFactory.seed = 0
    return [detect(text_of(b)) for b in stories]


def _init_worker(settings: history.Settings, seed: int, langs: list[str]) -> None:
    stories = bodies()
    rng = random.Random(seed)
    by_language: dict[str, list[str]] = defaultdict(list)
    for lang, b in zip(langs, stories, strict=True):
        by_language[lang].extend(s for p in b for s in p)
    _STATE.update(
        settings=settings,
        seed=seed,
        pools=[by_language[lang] for lang in langs],
        lengths=[sum(len(p) for p in b) for b in stories],
        vocab=[w for b in stories for p in b for s in p for w in s.split(" ") if w][:50000],
        headlines=[b[0][0][:80] for b in stories],
        chrome=[chrome(rng, site, [b[0][0][:80] for b in stories]) for site in SITES],
    )


def synthetic(i: int) -> tuple[str, str, str]:
    """(path, text, kind) of document i of the stream: deterministic in (seed, i)."""
    rng = random.Random(_STATE["seed"] * 1_000_003 + i)
    path = f"site{rng.randrange(50):02d}/{rng.getrandbits(48):012x}.txt"
    roll = rng.random()
    if i == 0 or roll < 0.70:
        like = rng.randrange(len(_STATE["lengths"]))  # as long as, and in the language of, a body
        k = min(_STATE["lengths"][like], 150)
        pool = _STATE["pools"][like]
        sentences = [pool[rng.randrange(len(pool))] for _ in range(k)]
        paras = [" ".join(sentences[j : j + 3]) for j in range(0, k, 3)]
        return path, "\n".join(paras), "new"
    _path, source, _kind = synthetic(rng.randrange(i))
    if roll < 0.80:
        return path, source, "exact"
    if roll < 0.85:
        return path, source.upper().replace("\n", "\n\n"), "exact"
    choice = rng.random()
    if choice < 0.5:
        rate = rng.choice((0.01, 0.02, 0.05))
        return path, _words_replaced(source, rate, rng, _STATE["vocab"]), "near"
    if choice < 0.75:
        return path, _truncated(source, rng.choice((0.90, 0.95))), "near"
    header, footer = rng.choice(_STATE["chrome"])
    return path, "\n".join([*header, source, *footer]), "near"


Signed = tuple[list[tuple[Any, ...]], dict[str, float], Counter[str]]


def _sign_range(bounds: tuple[int, int]) -> Signed:
    """Generate documents bounds[0]..bounds[1] - 1, then sign them and make their entries (as
    tuples, cheaper to send back); the CPU seconds of each part."""
    settings: history.Settings = _STATE["settings"]
    started = time.process_time()
    made = [synthetic(i) for i in range(*bounds)]
    generated = time.process_time()
    out = []
    for path, text, _kind in made:
        signed = signature.sign(text, settings.signature)
        doc_id = document_id(path, hashlib.sha256(text.encode("utf-8")).hexdigest())
        e = dedup.entry(
            doc_id, path, signed.exact, signed.minhash, signed.normalised, settings.bands
        )
        out.append((e.id, e.source_path, e.exact, e.keys, e.text))
    seconds = {"generate": generated - started, "sign": time.process_time() - generated}
    return out, seconds, Counter(kind for _path, _text, kind in made)


class MemorySampler:
    """Peak memory of this process plus its workers, sampled every 0.2 s: the sum of their
    proportional set sizes (PSS: a page shared by n processes, such as those a forked worker
    shares with its parent, counts 1/n in each), or of their resident sets where PSS is not
    available."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss(pid: int) -> int:
        for path, field in (
            (f"/proc/{pid}/smaps_rollup", "Pss:"),
            (f"/proc/{pid}/status", "VmRSS:"),
        ):
            try:
                with open(path) as handle:
                    for line in handle:
                        if line.startswith(field):
                            return int(line.split()[1]) * 1024
            except OSError:
                continue
        return 0

    def _run(self) -> None:
        while not self._stop.is_set():
            pids = [os.getpid(), *(p.pid for p in multiprocessing.active_children())]
            self.peak = max(self.peak, sum(self._rss(p) for p in pids if p))
            self._stop.wait(0.2)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def speed(
    size: int, settings: history.Settings, workers: int, split: bool, tmp: Path, seed: int = 11
) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(dir=tmp))
    chunk = 1000
    bounds = [(s, min(s + chunk, size)) for s in range(0, size, chunk)]
    cpu = {"generate": 0.0, "sign": 0.0}
    kinds: Counter[str] = Counter()
    order_keys: list[tuple[str, str]] = []

    def stream(
        pool: Any, first: bool, part: int = 0, cut: tuple[str, str] = ("", "")
    ) -> Iterator[Entry]:
        """The workers' entries in order, with at most 2 chunks per worker in flight (a plain
        imap would queue every finished chunk in memory whenever the stage falls behind).
        first: the measured pass; part 1 / 2: only the entries before / from `cut`."""
        pending: deque[Any] = deque()
        for bound in [*bounds, None]:
            if bound is not None:
                pending.append(pool.apply_async(_sign_range, (bound,)))
                if len(pending) < 2 * workers:
                    continue
            while pending and (bound is None or len(pending) >= 2 * workers):
                rows, seconds, counted = pending.popleft().get()
                if first:
                    for name, value in seconds.items():
                        cpu[name] += value
                    kinds.update(counted)
                for row in rows:
                    e = Entry(*row)
                    if first and split:
                        order_keys.append((e.source_path, e.id))
                    if part == 0 or (part == 1) == ((e.source_path, e.id) < cut):
                        yield e

    timings: dict[str, float] = {}
    print(f"speed: {size:,} documents, {workers} workers ...", flush=True)
    index, kept_file = folder / "index.sqlite", folder / "kept.sqlite"
    ctx = multiprocessing.get_context("fork")
    langs = languages(bodies())
    with ctx.Pool(workers, initializer=_init_worker, initargs=(settings, seed, langs)) as pool:
        with MemorySampler() as memory:
            load_before = os.getloadavg()[0]
            started = time.perf_counter()
            decisions = history.deduplicate_night(
                stream(pool, first=True), NIGHT1, index, kept_file, settings, timings
            )
            decided = time.perf_counter()
            history.record_night(index, NIGHT1, kept_file, settings, "bench")
            recorded = time.perf_counter()
        main_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        kept = size - len(decisions)
        index_bytes = index.stat().st_size
        kept_bytes = kept_file.stat().st_size
        found = Counter(d.kind for d in decisions.values())
        total = recorded - started
        result: dict[str, Any] = {
            "documents": size,
            "workers": workers,
            "generated": dict(kinds),
            "duplicates_found": dict(found),
            "kept": kept,
            "seconds": {
                "generation_cpu": round(cpu["generate"], 1),
                "signatures_cpu": round(cpu["sign"], 1),
                "generation_and_signatures_and_staging": round(timings["stage"], 1),
                "decisions": round(timings["decide"], 1),
                "record": round(recorded - decided, 1),
                "total": round(total, 1),
            },
            "docs_per_second": {
                "signatures_wall": round(size / timings["stage"]),
                "signatures_per_core": round(size / cpu["sign"]),
                "generation_per_core": round(size / cpu["generate"]),
                "decisions": round(size / timings["decide"]),
                "record_kept": round(kept / (recorded - decided)),
                "whole_stage": round(size / total),
            },
            "peak_memory_bytes": memory.peak,
            "peak_memory_main_process_bytes": main_peak,
            "index_bytes": index_bytes,
            "index_bytes_per_kept_document": round(index_bytes / kept),
            "index_bytes_per_document": round(index_bytes / size),
            "kept_file_bytes_per_kept_document": round(kept_bytes / kept),
            "load_average_at_start": round(load_before, 2),
            "load_average_at_end": round(os.getloadavg()[0], 2),
        }
        print(f"  {total:.0f} s; peak memory {memory.peak / 2**30:.2f} GiB", flush=True)
        if split:  # the same stream again, as two nights: half then half by path
            cut = sorted(order_keys)[len(order_keys) // 2]
            del order_keys[:]
            two = run_night(stream(pool, False, 1, cut), folder / "two", NIGHT1, settings, True)
            first_night = set(two)
            two.update(
                run_night(stream(pool, False, 2, cut), folder / "two", NIGHT2, settings, True)
            )
            result["two_nights_equal"] = comparable(two) == comparable(decisions)
            result["two_nights_cross_night_duplicates"] = sum(
                1 for i, d in two.items() if i not in first_night and d.keeper_night == NIGHT1
            )
    shutil.rmtree(folder, ignore_errors=True)
    return result


def speed_in_child(size: int, args: argparse.Namespace) -> dict[str, Any]:
    """One size in a fresh process, so that its peak memory is its own."""
    with tempfile.NamedTemporaryFile(suffix=".json", dir=args.tmp) as out:
        cmd = [
            sys.executable,
            "-m",
            "bench.dedup",
            "--skip-quality",
            "--sizes",
            str(size),
            "--split-sizes",
            args.split_sizes,
            "--workers",
            str(args.workers),
            "--json",
            out.name,
            "--one-process",
        ]
        if args.bands:
            cmd += ["--bands", str(args.bands)]
        if args.tmp:
            cmd += ["--tmp", args.tmp]
        subprocess.run(cmd, cwd=ROOT, check=True)
        result: dict[str, Any] = json.loads(Path(out.name).read_text())[f"speed_{size}"]
        return result


# --- report -----------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def print_quality(name: str, q: dict[str, Any]) -> None:
    print(f"\n{name}: {q['documents']} documents, {q['duplicates_found']} removed")
    print(
        f"{'kind':<11} {'rate':<12} {'copies':>6} {'J>=0.8':>6} {'removed':>7} {'cluster':>7} "
        f"{'lsh':>6} {'below:rm':>8} {'out':>5} {'precision':>9}"
    )
    for r in q["table"]:
        print(
            f"{r['kind']:<11} {r['rate']:<12} {r['copies']:>6} {r['true_pairs']:>6} "
            f"{_pct(r['recall_removed']):>7} {_pct(r['recall']):>7} {_pct(r['lsh_pair_rate']):>6} "
            f"{r['below_threshold_removed']:>8} {r['output_pairs']:>5} "
            f"{_pct(r['precision']):>9}"
        )
    print(
        f"all copies at J >= 0.8: recall {_pct(q['recall_removed'])} (not both kept), "
        f"{_pct(q['recall'])} (same cluster), LSH pair rate {_pct(q['lsh_pair_rate'])}, "
        f"of {q['true_pairs']} pairs; "
        f"precision {_pct(q['precision'])} ({q['output_pairs']} output pairs)"
    )
    for wrong in q["wrong_pairs"][:10]:
        print(f"  wrong pair: {wrong}")
    if "invariance" in q:
        print(f"invariance: {q['invariance']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.dedup", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--split-sizes", default="100000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bands", type=int, default=None)
    parser.add_argument("--compare-bands", default="32")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--tmp", default=None)
    parser.add_argument("--json", default=str(RESULTS))
    parser.add_argument("--one-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    cfg = load_config(CONFIG)
    settings = history.Settings.of(cfg)
    if args.bands:
        settings = dataclasses.replace(settings, bands=args.bands)
    tmp = Path(args.tmp or tempfile.gettempdir())
    results: dict[str, Any] = {
        "code": code_state(),
        "machine": {"cpus": os.cpu_count()},
        "settings": {
            "threshold": settings.threshold,
            "bands": settings.bands,
            **dataclasses.asdict(settings.signature),
        },
    }
    if not args.skip_quality:
        results["quality"] = quality(cfg, settings, tmp)
        print_quality(f"quality, bands {settings.bands}", results["quality"])
        for bands in [int(b) for b in args.compare_bands.split(",") if b]:
            other = dataclasses.replace(settings, bands=bands)
            results[f"quality_bands_{bands}"] = quality(cfg, other, tmp)
            print_quality(f"quality, bands {bands}", results[f"quality_bands_{bands}"])
    if not args.skip_speed:
        splits = {int(s) for s in args.split_sizes.split(",") if s}
        for size in [int(s) for s in args.sizes.split(",") if s]:
            if args.one_process:
                result = speed(size, settings, args.workers, size in splits, tmp)
            else:
                result = speed_in_child(size, args)
            results[f"speed_{size}"] = result
            print(json.dumps(result, indent=2))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
