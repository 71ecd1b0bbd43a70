"""`referent eval`: hit@1, hit@3, MRR, key phrase in the first quote, abstention — on questions in the
format of ../shared/eval/dev.jsonl ({"id", "q", "gold": [{"date", "item"}], "key"})."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from index.answer import answer
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


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)

    def metrics(self) -> dict:
        ans = [r for r in self.rows if r.answerable]
        neg = [r for r in self.rows if not r.answerable]
        n = len(ans) or 1
        return {
            "questions": len(self.rows),
            "answerable": len(ans),
            "hit@1": sum(r.rank == 1 for r in ans) / n,
            "hit@3": sum(r.rank is not None and r.rank <= 3 for r in ans) / n,
            "mrr": sum(1 / r.rank for r in ans if r.rank) / n,
            "key_in_first_quote": sum(r.key_in_quote for r in ans) / n,
            "false_abstentions": sum(r.abstained for r in ans),
            "unanswerable": len(neg),
            "abstention_accuracy": (sum(r.abstained for r in neg) / len(neg)) if neg else None,
        }


def load_questions(path: str | Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(store: Store, questions: list[dict], cfg: Config | None = None) -> Report:
    report = Report()
    for q in questions:
        gold = {(g["date"], int(g["item"])) for g in q.get("gold") or []}
        ans = answer(store, q["q"], cfg=cfg)
        ranked = [(h.meeting.date, h.item.number) for h in ans.answers]
        rank = next((i + 1 for i, key in enumerate(ranked) if key in gold), None)
        first_quote = ans.answers[0].quotes[0].text if ans.answers and ans.answers[0].quotes else ""
        key = q.get("key")
        report.rows.append(
            Row(
                id=q.get("id", ""),
                question=q["q"],
                answerable=bool(gold),
                rank=rank,
                key_in_quote=bool(key) and rank == 1 and str(key).lower() in first_quote.lower(),
                abstained=ans.no_answer,
                top=f"{ranked[0][0]} #{ranked[0][1]}" if ranked else "-",
            )
        )
    return report
