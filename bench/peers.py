"""The alternatives a team would otherwise pick, retrieval only, over the same item texts and questions:

- rank_bm25: rank-bm25's BM25Okapi in memory, lower-case whitespace tokens (the naive baseline);
- bm25s: bm25s with PyStemmer's Snowball Danish stemmer and bm25s's Danish stopwords;
- fts5: plain SQLite FTS5 (unicode61) over the raw item text, query = OR of the question's words.

`python -m bench.peers NAME ITEMS.jsonl QUESTIONS.json OUT.json` runs one peer in its own process, so its
memory peak is its own; `run_peer` does the same in-process (for the smoke test).
"""

from __future__ import annotations

import gc
import json
import re
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.rss import rss_mb

PEERS = ("rank_bm25", "bm25s", "fts5")
TOP_K = 10
Search = Callable[[str], list[int]]


def available(name: str) -> bool:
    try:
        __import__({"rank_bm25": "rank_bm25", "bm25s": "bm25s", "fts5": "sqlite3"}[name])
    except ImportError:
        return False
    return True


def build_rank_bm25(texts: list[str], workdir: Path) -> Search:
    import numpy as np
    from rank_bm25 import BM25Okapi

    index = BM25Okapi([t.lower().split() for t in texts])

    def search(q: str) -> list[int]:
        scores = index.get_scores(q.lower().split())
        top = np.argpartition(-scores, min(TOP_K, len(scores) - 1))[:TOP_K]
        return [int(i) for i in sorted(top, key=lambda i: -scores[i]) if scores[i] > 0]

    return search


def build_bm25s(texts: list[str], workdir: Path) -> Search:
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("danish")
    index = bm25s.BM25()
    index.index(bm25s.tokenize(texts, stopwords="da", stemmer=stemmer, show_progress=False), show_progress=False)
    k = min(TOP_K, len(texts))

    def search(q: str) -> list[int]:
        tokens = bm25s.tokenize([q], stopwords="da", stemmer=stemmer, return_ids=False, show_progress=False)
        if not any(t in index.vocab_dict for t in tokens[0]):
            return []
        docs, scores = index.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        return [int(d) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    return search


def build_fts5(texts: list[str], workdir: Path) -> Search:
    path = workdir / "peer-fts5.db"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(text, tokenize='unicode61')")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO docs(rowid, text) VALUES (?, ?)", ((i, t) for i, t in enumerate(texts)))
    conn.execute("COMMIT")

    def search(q: str) -> list[int]:
        words = {w for w in re.findall(r"\w+", q.lower())}
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in sorted(words))
        rows = conn.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?", (match, TOP_K))
        return [r[0] for r in rows]

    search.db_path = path  # type: ignore[attr-defined]
    return search


BUILDERS = {"rank_bm25": build_rank_bm25, "bm25s": build_bm25s, "fts5": build_fts5}


def run_peer(name: str, items_path: Path, questions: list[str], warmup: list[str], workdir: Path) -> dict:
    """Build one peer over the items in `items_path` and time its queries. Memory figures are the process's:
    meaningful only when this runs in a process of its own."""
    ids, texts = [], []
    rss_base = rss_mb()
    for line in items_path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        ids.append(row["id"])
        texts.append(row["text"])
    rss_loaded = rss_mb()
    t0 = time.perf_counter()
    search = BUILDERS[name](texts, workdir)
    build_s = time.perf_counter() - t0
    gc.collect()
    rss_built = rss_mb()  # measured with the texts still loaded: the delta is what the build added
    del texts
    for q in warmup:
        search(q)
    latencies, tops = [], []
    for q in questions:
        t = time.perf_counter()
        found = search(q)
        latencies.append((time.perf_counter() - t) * 1000)
        tops.append([ids[i] for i in found])
    out = {
        "peer": name,
        "build_s": build_s,
        "latencies_ms": latencies,
        "tops": tops,
        "rss_base_mb": rss_base["rss"],
        "rss_items_mb": rss_loaded["rss"] - rss_base["rss"],
        "rss_index_mb": rss_built["rss"] - rss_loaded["rss"],
        "rss_peak_mb": rss_mb()["hwm"],
    }
    db_path = getattr(search, "db_path", None)
    if db_path is not None:
        out["db_bytes"] = sum(
            Path(f"{db_path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db_path}{s}").exists()
        )
    return out


def main(argv: list[str]) -> None:
    name, items, questions, out = argv
    data = json.loads(Path(questions).read_text(encoding="utf-8"))
    result = run_peer(name, Path(items), data["questions"], data["warmup"], Path(out).parent)
    Path(out).write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
