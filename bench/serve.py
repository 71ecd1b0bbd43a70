"""Referent as a serving process: open the store, warm up, then time `answer()` (full answer, quotes included)
on every question of the fixed set. `python -m bench.serve DB QUESTIONS.json OUT.json` runs it in a process of
its own, so the memory peak read at the end is the serving process's."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench.rss import rss_mb


def serve(db: Path, questions: list[str], warmup: list[str]) -> dict:
    rss_base = rss_mb()
    from index.answer import answer
    from index.config import load_config
    from index.store import Store

    cfg = load_config()
    store = Store(db)
    rss_open = rss_mb()
    for q in warmup:
        answer(store, q, cfg=cfg)
    latencies, tops, abstained = [], [], []
    for q in questions:
        t = time.perf_counter()
        ans = answer(store, q, cfg=cfg)
        latencies.append((time.perf_counter() - t) * 1000)
        tops.append([f"{h.meeting.id}#{h.item.number}" for h in ans.answers])
        abstained.append(ans.no_answer)
    store.close()
    end = rss_mb()
    return {
        "latencies_ms": latencies,
        "tops": tops,
        "abstained": abstained,
        "rss_base_mb": rss_base["rss"],
        "rss_open_mb": rss_open["rss"],
        "rss_end_mb": end["rss"],
        "rss_peak_mb": end["hwm"],
    }


def main(argv: list[str]) -> None:
    db, questions, out = argv
    data = json.loads(Path(questions).read_text(encoding="utf-8"))
    Path(out).write_text(json.dumps(serve(Path(db), data["questions"], data["warmup"])), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
