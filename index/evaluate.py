"""`referent eval`: hit@1, hit@3, MRR, key phrase in the first quote, false "nothing found", abstention and
candidate recall, on questions in the format of ../shared/eval/dev.jsonl:
{"id", "q", "gold": [{"date", "item", "forum"?}], "key"} (empty gold = the minutes cannot answer it).

A gold entry names a meeting by date (and forum, where several bodies met that day) and an item by number.
`is_real` lets a benchmark say which meetings may count as gold: in a haystack a synthetic meeting can share
a real one's date and item number.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index.answer import answer, trace
from index.config import Config
from index.store import Store


@dataclass
class Row:
    id: str
    question: str
    answerable: bool
    rank: int | None  # 1-based rank of the first gold item among the answers, None if absent
    key_in_quote: bool
    abstained: bool
    top: str = ""
    in_candidates: bool = False  # a gold item was among the retrieval stage's candidates
    ms: float = 0.0


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)

    def metrics(self) -> dict:
        ans = [r for r in self.rows if r.answerable]
        neg = [r for r in self.rows if not r.answerable]
        n = len(ans) or 1
        times = sorted(r.ms for r in self.rows)
        return {
            "questions": len(self.rows),
            "answerable": len(ans),
            "hit@1": sum(r.rank == 1 for r in ans) / n,
            "hit@3": sum(r.rank is not None and r.rank <= 3 for r in ans) / n,
            "mrr": sum(1 / r.rank for r in ans if r.rank) / n,
            "key_in_first_quote": sum(r.key_in_quote for r in ans) / n,
            "false_abstentions": sum(r.abstained for r in ans),
            "candidate_recall": sum(r.in_candidates for r in ans) / n,
            "unanswerable": len(neg),
            "abstention_accuracy": (sum(r.abstained for r in neg) / len(neg)) if neg else None,
            "p50_ms": times[len(times) // 2] if times else 0.0,
            "p95_ms": times[max(0, -(-len(times) * 95 // 100) - 1)] if times else 0.0,
        }


def load_questions(path: str | Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def is_gold(q: dict, date: str, number: int, forum: str) -> bool:
    return any(
        g["date"] == date and int(g["item"]) == number and (not g.get("forum") or g["forum"] == forum)
        for g in q.get("gold") or []
    )


def evaluate(
    store: Store,
    questions: list[dict],
    cfg: Config | None = None,
    *,
    is_real: Callable[[str], bool] | None = None,
    is_foreign: Callable[[str], bool] | None = None,
    recall: bool = True,
) -> Report:
    """Answer every question; `recall` also runs the stages once more to see whether a gold item was among
    the candidates (the benchmark's "candidate recall"). `is_foreign` names meetings of other municipalities'
    real minutes mixed into the same store: a question these minutes cannot answer may be answered there."""
    real = is_real or (lambda _meeting_id: True)
    report = Report()
    for q in questions:
        started = time.perf_counter()
        ans = answer(store, q["q"], cfg=cfg)
        ms = (time.perf_counter() - started) * 1000
        gold = [
            h for h in ans.answers if real(h.meeting.id) and is_gold(q, h.meeting.date, h.item.number, h.meeting.forum)
        ]
        rank = ans.answers.index(gold[0]) + 1 if gold else None
        first_quote = ans.answers[0].quotes[0].text if ans.answers and ans.answers[0].quotes else ""
        key = q.get("key")
        in_candidates = False
        if recall and q.get("gold"):
            t = trace(store, q["q"])
            rows = store.items_by_rowid([c.rowid for c in t.candidates])
            in_candidates = any(
                real(r["meeting_id"]) and is_gold(q, r["date"], r["number"], r["forum"]) for r in rows.values()
            )
        top = ans.answers[0] if ans.answers else None
        report.rows.append(
            Row(
                id=q.get("id", ""),
                question=q["q"],
                answerable=bool(q.get("gold")),
                rank=rank,
                key_in_quote=bool(key) and rank == 1 and str(key).lower() in first_quote.lower(),
                abstained=ans.no_answer
                or (
                    not q.get("gold") and is_foreign is not None and all(is_foreign(h.meeting.id) for h in ans.answers)
                ),
                top=f"{top.meeting.forum} {top.meeting.date} #{top.item.number}" if top else "-",
                in_candidates=in_candidates,
                ms=ms,
            )
        )
    return report
