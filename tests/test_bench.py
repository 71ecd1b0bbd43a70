"""Smoke test of the benchmark: a tiny haystack, the whole runner in-process, a table that renders."""

from __future__ import annotations

import json
from pathlib import Path

from bench.generate import generate
from bench.report import markdown
from bench.run import Options, run
from index.readers import read_bytes


def test_generator_is_deterministic_and_readable(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", 300, seed=7, vocab_texts=["budgetopfølgning budgetopfølgning kommunen"])
    b = generate(tmp_path / "b", 300, seed=7, vocab_texts=["budgetopfølgning budgetopfølgning kommunen"])
    assert a == b and a["items"] == 300
    files_a = sorted((tmp_path / "a" / "haystack").rglob("*.txt"))
    assert [f.read_bytes() for f in files_a] == [f.read_bytes() for f in sorted((tmp_path / "b").rglob("*.txt"))]
    meetings = [read_bytes(f.read_bytes(), f.name) for f in files_a]
    assert sum(len(m.items) for m in meetings) == 300
    assert all(m.kind == "referat" for m in meetings)
    assert any(i.case_number for m in meetings for i in m.items)
    assert any(s.kind == "beslutning" for m in meetings for i in m.items for s in i.sections)
    questions = (tmp_path / "a" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    assert questions and all(json.loads(q)["gold_ids"] for q in questions)


def test_runner_in_process(tmp_path: Path) -> None:
    opts = Options(items=300, out=tmp_path, questions=40, warmup=3, cold_runs=1, pdf_runs=1, subprocess=False,
                   results=tmp_path / "results.json", log=False, peers=("rank_bm25", "fts5"))  # fmt: skip
    result = run(opts)
    ref = result["referent"]
    assert ref["items"] >= 300 and ref["db_bytes"] > 0 and ref["p50_ms"] is not None
    assert ref["cold_start_s"] > 0
    assert ref["hit1_demo"] is not None  # the demo minutes and questions are always mixed in
    assert set(result["peers"]) == {"rank_bm25", "fts5"}
    assert all(p["p50_ms"] is not None and p["hit1_demo"] is not None for p in result["peers"].values())
    saved = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert "300" in saved["runs"] and saved["runs"]["300"]["targets"]
    assert "| latency p50 (ms) |" in markdown(result)
