"""The benchmark harness: gold only in real meetings, metrics and targets from rows, the own-keys haystack, and
the whole runner in-process on a tiny haystack (no timing assertions)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bench import corpus, haystack
from bench.report import TARGETS, markdown, peer_metrics, percentile, referent_metrics, targets
from bench.run import Options, run
from bench.sets import own_key_files
from index.evaluate import load_questions
from index.ingest import ingest_paths
from index.store import Store
from tests.conftest import ADGANG, SHARED, minutes, needs_shared


def test_gold_counts_only_in_the_sets_own_meetings(tmp_path: Path) -> None:
    # A haystack meeting with the same forum, date and item number as the real one must never be gold.
    real, hay = tmp_path / "real", tmp_path / "hay"
    real.mkdir()
    hay.mkdir()
    (real / "cf.txt").write_text(minutes("Chefforum", "15-11-2017", [ADGANG]), encoding="utf-8")
    decoy = ADGANG.replace("Ny adgangskontrol på Rådhuset", "Nøglekort i Gearhallen").replace("ID-kort", "brik")
    (hay / "synth.txt").write_text(minutes("Chefforum", "15-11-2017", [decoy]), encoding="utf-8")
    store = Store(tmp_path / "t.db")
    ingest_paths(store, [real.resolve(), hay.resolve()])
    assert store.conn.execute("SELECT count(*) FROM meetings").fetchone()[0] == 2
    ids = corpus.real_meetings(store, (real.resolve(),))
    q = {"q": "adgangskontrol", "gold": [{"date": "2017-11-15", "item": 1}]}
    gold = corpus.gold_ids(store, q, ids)
    assert len(ids) == 1 and len(gold) == 1 and gold[0].startswith(next(iter(ids)))
    assert corpus.gold_ids(store, {**q, "gold": [{"date": "2017-11-15", "item": 1, "forum": "Byråd"}]}, ids) == []
    store.close()


def _row(answerable: bool, rank: int | None, abstained: bool = False, key: bool = False, ms: float = 1.0) -> dict:
    return {"id": "x", "question": "q", "answerable": answerable, "rank": rank, "key_in_quote": key,
            "abstained": abstained, "top": "-", "in_candidates": rank is not None, "ms": ms}  # fmt: skip


def test_metrics_from_rows() -> None:
    rows = [_row(True, 1, key=True), _row(True, 2), _row(True, None, abstained=True), _row(True, 1),
            _row(False, None, abstained=True), _row(False, None)]  # fmt: skip
    m = referent_metrics(rows)
    assert m["hit1"] == 0.5 and m["key_in_first_quote"] == 0.25 and m["candidate_recall"] == 0.75
    assert m["false_nothing"] == 1 and m["false_per_100"] == 25 and m["abstained"] == 1 and m["unanswerable"] == 2
    questions = [{"gold": [1]}, {"gold": [1]}, {"gold": [1]}, {"gold": []}]
    p = peer_metrics(questions, [["a"], ["b"], ["c"], []], [["a", "x"], ["x", "b"], [], ["y"]], [3.0, 1.0, 2.0, 9.0])
    assert p["hit1"] == pytest.approx(1 / 3) and p["hit3"] == pytest.approx(2 / 3)
    assert p["false_nothing"] == 1 and p["abstained"] == 0 and p["key_in_first_quote"] is None
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0 and percentile([], 95) is None


def _run(items: int, hit1: float, peer_hit1: float, p95: float) -> dict:
    systems = {"referent": {"hit1": hit1, "false_per_100": 0.0, "abstained": 2, "unanswerable": 2},
               "bm25s": {"hit1": peer_hit1}}  # fmt: skip
    return {"corpus": "haystack", "items_requested": items, "keys": "shared", "peers": {"bm25s": {}},
            "groups": {"dev+extra": {"systems": systems}, "all": {"systems": systems}},
            "referent": {"p50_ms": 5.0, "p95_ms": p95}}  # fmt: skip


def test_targets_are_judged_at_their_scale_only() -> None:
    rows = {
        r["target"]: r for r in targets({"small": _run(10_000, 0.9, 0.8, 45.0), "big": _run(100_000, 0.9, 0.8, 45.0)})
    }
    margin = rows["hit@1 over the best peer, dev+extra (points)"]["runs"]
    assert margin["big"]["value"] == pytest.approx(10) and margin["big"]["met"] is False and margin["big"]["judged"]
    assert not margin["small"]["judged"]
    p95 = rows["answer() p95 (ms)"]["runs"]
    assert p95["big"]["met"] is False and not rows["answer() p95 at 1M items (ms)"]["runs"]["big"]["judged"]
    abstained = rows["unanswerable questions abstained, all sets (share)"]["runs"]
    assert abstained["small"]["judged"] and abstained["small"]["met"]
    assert len(rows) == len(TARGETS)


def _paragraph_keys(folder: Path, keys: set[str]) -> set[str]:
    found = set()
    for f in folder.glob("*.txt"):
        for line in f.read_text(encoding="utf-8").lower().splitlines():
            if line and not line.startswith(("punkt ", "referat ", "mødedato", "mødested")):
                found |= {k for k in keys if k in line}
    return found


@needs_shared
def test_own_keys_haystack_leaves_out_our_keys(tmp_path: Path) -> None:
    keys = {str(q.get("key") or "").lower() for p in own_key_files() for q in load_questions(p)} - {""}
    # The tool splits sentences at every ". ", so a key that holds one can come back when pieces are recombined.
    whole = {k for k in keys if not re.search(r"[.!?]\s", k)}
    plain = haystack.generate(SHARED, tmp_path / "shared", 20)
    own = haystack.generate(SHARED, tmp_path / "own", 20, own_keys=own_key_files())
    assert plain["keys"] == "shared" and own["keys"] == "own" and own["files"] == plain["files"] == 20
    assert _paragraph_keys(tmp_path / "shared" / "meetings", whole)  # the tool as it is keeps some of our keys
    assert not _paragraph_keys(tmp_path / "own" / "meetings", whole)
    assert haystack.generate(SHARED, tmp_path / "own", 20, own_keys=own_key_files()) == own  # reused, not redone


@needs_shared
def test_runner_in_process(tmp_path: Path) -> None:
    archive = SHARED / "corpus" / "firstagenda" / "greve-other-bodies"  # 12 real meetings: small and fast
    opts = Options(items=(200,), out=tmp_path / "out", archive=archive, peers=("rank_bm25", "fts5"), warmup=2,
                   cold_runs=1, pdf_runs=1, subprocess=False, max_per_set=3, log=False,
                   results=tmp_path / "results.json")  # fmt: skip
    result = run(opts)
    assert set(result["runs"]) == {"haystack-200", "greve"}
    hay = result["runs"]["haystack-200"]
    assert hay["haystack"]["files"] == 20 and hay["referent"]["items"] > hay["haystack"]["items"]
    assert hay["referent"]["db_bytes"] > 0 and hay["referent"]["cold_start_s"] > 0
    assert {"dev", "extra-1", "extra-2", "seeds-aarhus", "demo"} <= set(hay["sets"])
    assert set(hay["groups"]) == {"all", "dev+extra"}
    for block in [*hay["sets"].values(), *hay["groups"].values()]:
        assert set(block["systems"]) == {"referent", "rank_bm25", "fts5"}
        assert block["systems"]["referent"]["p50_ms"] is not None
    assert len(hay["questions"]) == 3 * len(hay["sets"])
    dev = {q["id"]: q for q in hay["questions"] if q["set"] == "dev"}
    gold = load_questions(SHARED / "eval" / "dev.jsonl")[0]["gold"][0]
    assert dev["dev-01"]["gold"] == [f"Chefforum {gold['date']} #{gold['item']}"]  # the real item only
    greve = result["runs"]["greve"]
    greve_sets = {p.stem for p in (Path(__file__).resolve().parents[1] / "bench" / "questions").glob("greve-*.jsonl")}
    assert set(greve["sets"]) == greve_sets and len(greve_sets) >= 3 and greve["referent"]["meetings"] == 12
    saved = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert set(saved["runs"]) == {"haystack-200", "greve"} and saved["targets"]
    text = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "## haystack 200 items" in text and "| hit@1, dev+extra |" in text
    assert "rank-bm25" in markdown(result["runs"])
