"""The question sets the benchmark judges, and which minutes each is over.

- In the haystack: `dev` (../shared/eval/dev.jsonl), every `bench/questions/*.jsonl` that is not `greve-*`
  (over the five seed extracts and the two Aarhus files, ../shared/corpus/seeds + real) and `demo`
  (demo/questions.jsonl, over demo/minutes). `TARGET_SETS` are the ones the issue's quality targets name.
- In the real Greve archive (../shared/corpus/firstagenda): `bench/questions/greve-*.jsonl`.

A set's gold counts only in the meetings read from its own sources (`sources`): a haystack meeting can share
a real one's forum, date and item number.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.evaluate import load_questions

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "bench" / "questions"
DEMO_MINUTES = ROOT / "demo" / "minutes"
DEMO_QUESTIONS = ROOT / "demo" / "questions.jsonl"
GREVE_PREFIX = "greve-"
TARGET_SETS = ("dev", "extra-1", "extra-2")


@dataclass
class QuestionSet:
    name: str
    path: Path
    sources: tuple[Path, ...]  # the folders (or files) of minutes its gold items are in
    questions: list[dict]

    @property
    def answerable(self) -> int:
        return sum(bool(q.get("gold")) for q in self.questions)


def _load(name: str, path: Path, sources: tuple[Path, ...], limit: int | None) -> QuestionSet:
    qs = load_questions(path)
    return QuestionSet(name, path, tuple(s.resolve() for s in sources), qs[:limit] if limit else qs)


def real_minutes(shared: Path) -> tuple[Path, ...]:
    return (shared / "corpus" / "seeds", shared / "corpus" / "real")


def greve_archive(shared: Path) -> Path:
    return shared / "corpus" / "firstagenda"


def haystack_sets(shared: Path, limit: int | None = None) -> list[QuestionSet]:
    sets = []
    if (shared / "eval" / "dev.jsonl").exists():
        sets.append(_load("dev", shared / "eval" / "dev.jsonl", real_minutes(shared), limit))
    for path in sorted(QUESTIONS.glob("*.jsonl")):
        if not path.name.startswith(GREVE_PREFIX):
            sets.append(_load(path.stem, path, real_minutes(shared), limit))
    sets.append(_load("demo", DEMO_QUESTIONS, (DEMO_MINUTES,), limit))
    return sets


def own_key_files() -> list[Path]:
    """Our own sets whose answers sit in minutes the haystack draws sentences from (or beside them)."""
    return [p for p in sorted(QUESTIONS.glob("*.jsonl")) if not p.name.startswith(GREVE_PREFIX)] + [DEMO_QUESTIONS]


def greve_sets(archive: Path, limit: int | None = None) -> list[QuestionSet]:
    return [_load(p.stem, p, (archive,), limit) for p in sorted(QUESTIONS.glob(f"{GREVE_PREFIX}*.jsonl"))]
