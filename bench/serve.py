"""Referent as a serving process: open the store, warm up, then `index.evaluate.evaluate()` every question set
(the whole `answer()` with quotes and case history is what is timed; candidate recall runs the stages once
more, untimed). `python -m bench.serve DB JOB.json OUT.json` runs it in a process of its own, so the memory
peak read at the end is the serving process's.

JOB.json: {"warmup": [question, ...], "sets": [{"name", "questions": [...], "real": [meeting id, ...]}]};
a set's gold counts only in its `real` meetings; an unanswerable question answered only from `foreign`
meetings (other sets' real minutes) counts as abstained."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

from bench.rss import rss_mb


def serve(db: Path, job: dict) -> dict:
    rss_base = rss_mb()
    from index.answer import answer
    from index.config import load_config
    from index.evaluate import evaluate
    from index.store import Store

    cfg = load_config()
    store = Store(db)
    rss_open = rss_mb()
    for q in job["warmup"]:
        answer(store, q, cfg=cfg)
    rows = {}
    for s in job["sets"]:
        real = frozenset(s["real"])
        foreign = frozenset(s.get("foreign", ()))
        report = evaluate(
            store, s["questions"], cfg=cfg, is_real=real.__contains__, is_foreign=foreign.__contains__, recall=True
        )
        rows[s["name"]] = [dataclasses.asdict(r) for r in report.rows]
    store.close()
    end = rss_mb()
    return {
        "rows": rows,
        "rss_base_mb": rss_base["rss"],
        "rss_open_mb": rss_open["rss"],
        "rss_end_mb": end["rss"],
        "rss_peak_mb": end["hwm"],
    }


def main(argv: list[str]) -> None:
    db, job, out = argv
    result = serve(Path(db), json.loads(Path(job).read_text(encoding="utf-8")))
    Path(out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
