"""The benchmark run. For each haystack scale (and key variant): generate (or reuse) the shared hard haystack,
ingest it with the real and demo minutes into a fresh database, evaluate every question set with Referent in a
serving process of its own, then run the peers on the same items and questions. Then the same inside the real
Greve archive. Figures go to bench/results.json and bench/results.md (see bench/README.md)."""

from __future__ import annotations

import io
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import corpus
from bench import haystack as hay_tool
from bench.peers import PEERS, available, run_peer
from bench.report import machine, peer_metrics, referent_metrics, save_results
from bench.serve import serve
from bench.sets import DEMO_MINUTES, TARGET_SETS, QuestionSet, greve_archive, greve_sets, haystack_sets, own_key_files

QUICK_ITEMS = 10_000
KEYS = ("shared", "own")


class BenchError(Exception):
    pass


@dataclass
class Options:
    items: tuple[int, ...] = (10_000, 100_000)
    keys: tuple[str, ...] = ("shared",)  # "own": the haystack also leaves out our own sets' key phrases
    greve: bool = True  # also measure inside the real Greve archive
    haystack: bool = True
    out: Path = corpus.ROOT / "bench" / "out"
    peers: tuple[str, ...] = PEERS
    shared: Path | None = None  # None: find ../shared
    archive: Path | None = None  # the Greve archive; None: ../shared/corpus/firstagenda
    results: Path | None = corpus.ROOT / "bench" / "results.json"
    seed: int = hay_tool.DEFAULT_SEED
    warmup: int = 20
    cold_runs: int = 5
    pdf_runs: int = 5
    subprocess: bool = True  # serving and peers each in a process of their own (memory figures need it)
    max_per_set: int | None = None  # only the first N questions of each set (for quick checks and tests)
    log: bool = True
    notes: list[str] = field(default_factory=list)


def label(items: int, keys: str) -> str:
    return f"haystack-{items}" + ("-own-keys" if keys == "own" else "")


def _say(opts: Options, text: str) -> None:
    if opts.log:
        print(f"[bench] {text}", file=sys.stderr, flush=True)


def run(opts: Options) -> dict:
    shared = corpus.find_shared(opts.shared)
    if shared is None:
        raise BenchError("the benchmark needs ../shared (its haystack tool, real minutes and dev set); not found")
    result: dict = {"runs": {}, "notes": opts.notes}
    jobs: list[tuple[str, Callable[[], dict]]] = []
    if opts.haystack:
        for items in opts.items:
            for keys in opts.keys:
                jobs.append(
                    (label(items, keys), lambda items=items, keys=keys: _haystack_run(opts, shared, items, keys))
                )
    archive = opts.archive or greve_archive(shared)
    if opts.greve and archive.is_dir():
        jobs.append(("greve", lambda: _greve_run(opts, archive)))
    elif opts.greve:
        opts.notes.append(f"the Greve archive {archive} is missing; its sets were not run")
    for name, job in jobs:
        before = len(opts.notes)
        run = job()
        run["machine"] = machine()
        run["notes"] = opts.notes[before:]
        result["runs"][name] = run
        if opts.results is not None:  # after each run, so a long run that fails later keeps what it measured
            save_results(opts.results, {name: run})
    return result


def _haystack_run(opts: Options, shared: Path, items: int, keys: str) -> dict:
    meetings = hay_tool.meetings_for(items)
    hay = opts.out / f"haystack-m{meetings}-s{opts.seed}-{keys}"
    _say(opts, f"haystack of {meetings:,} meetings ({keys} keys excluded) in {hay}")
    manifest = hay_tool.generate(
        shared, hay, meetings, seed=opts.seed, own_keys=own_key_files() if keys == "own" else None
    )
    real = shared / "corpus" / "real"
    text_paths = [hay / "meetings", shared / "corpus" / "seeds", DEMO_MINUTES]
    run = _measure(
        opts,
        opts.out / label(items, keys),
        text_paths=text_paths,
        layout_paths=[real],
        sets=haystack_sets(shared, opts.max_per_set),
        text_bytes=manifest["bytes"] + corpus.text_file_bytes(text_paths[1:]),
        pdf=next(iter(sorted(real.glob("*.pdf"))), None),
    )
    run.update({"corpus": "haystack", "items_requested": items, "keys": keys, "haystack": manifest})
    return run


def _greve_run(opts: Options, archive: Path) -> dict:
    _say(opts, f"the real Greve archive {archive}")
    run = _measure(
        opts,
        opts.out / "greve",
        text_paths=[],
        layout_paths=[archive],
        sets=greve_sets(archive, opts.max_per_set),
        text_bytes=0,
        pdf=None,
    )
    run.update({"corpus": "greve", "items_requested": None, "keys": None, "archive": str(archive)})
    return run


def _measure(
    opts: Options,
    work: Path,
    *,
    text_paths: list[Path],
    layout_paths: list[Path],
    sets: list[QuestionSet],
    text_bytes: int,
    pdf: Path | None,
) -> dict:
    from index.store import Store

    work.mkdir(parents=True, exist_ok=True)
    db = work / "referent.db"
    ref = _ingest(opts, db, text_paths, layout_paths, text_bytes)
    if pdf is not None:
        ref.update(_pdf_speed(pdf, opts.pdf_runs))

    store = Store(db)
    real_by_sources = {src: corpus.real_meetings(store, src) for src in {s.sources for s in sets}}
    golds = {s.name: [corpus.gold_ids(store, q, real_by_sources[s.sources]) for q in s.questions] for s in sets}
    warmup = corpus.warmup_questions(store, opts.warmup, opts.seed)
    if opts.peers:
        corpus.dump_items(store, work / "items.jsonl")
    store.close()
    for s in sets:
        lost = [q.get("id") for q, g in zip(s.questions, golds[s.name], strict=True) if q.get("gold") and not g]
        if lost:
            opts.notes.append(f"{work.name} {s.name}: gold of {', '.join(map(str, lost))} is in no ingested meeting")

    job = {
        "warmup": warmup,
        "sets": [
            {
                "name": s.name,
                "questions": s.questions,
                "real": sorted(real_by_sources[s.sources]),
                # other sets' real minutes (the demo municipality beside the seeds): an answer from them to
                # a question these minutes cannot answer is no false answer
                "foreign": sorted(set().union(*real_by_sources.values()) - real_by_sources[s.sources]),
            }
            for s in sets
        ],
    }
    job_file = work / "job.json"
    job_file.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    n_questions = sum(len(s.questions) for s in sets)
    _say(opts, f"Referent: {n_questions} questions in {len(sets)} sets")
    served = _in_process_or_not(
        opts, "bench.serve", [str(db), str(job_file)], work / "serve.json", lambda: serve(db, job)
    )
    ref["rss_peak_mb"] = served["rss_peak_mb"] if opts.subprocess else None
    ref["rss_index_mb"] = served["rss_end_mb"] - served["rss_base_mb"] if opts.subprocess else None
    first = next((q["q"] for s in sets for q in s.questions if q.get("gold")), None)
    ref["cold_start_s"] = _cold_start(opts, db, first) if first else None

    flat = [q["q"] for s in sets for q in s.questions]
    qfile = work / "questions.json"
    qfile.write_text(json.dumps({"questions": flat, "warmup": warmup}, ensure_ascii=False), encoding="utf-8")
    peers: dict[str, dict] = {}
    tops: dict[str, list[list[str]]] = {}
    for name in opts.peers if ref["items"] else ():
        if not available(name):
            opts.notes.append(f"peer {name} not installed (pip install -e '.[bench]'); skipped")
            continue
        _say(opts, f"peer {name}: build and {len(flat)} questions")
        out = _in_process_or_not(
            opts, "bench.peers", [name, str(work / "items.jsonl"), str(qfile)], work / f"peer-{name}.json",
            lambda name=name: run_peer(name, work / "items.jsonl", flat, warmup, work),
        )  # fmt: skip
        tops[name] = out.pop("tops")
        latencies = out.pop("latencies_ms")
        if not opts.subprocess:
            out["rss_peak_mb"] = out["rss_index_mb"] = None
        out["latencies_ms"] = latencies
        peers[name] = out
    return _assemble(work, sets, served["rows"], golds, ref, peers, tops)


def _assemble(
    work: Path,
    sets: list[QuestionSet],
    rows: dict[str, list[dict]],
    golds: dict[str, list[list[str]]],
    ref: dict,
    peers: dict[str, dict],
    tops: dict[str, list[list[str]]],
) -> dict:
    """Per set and system the quality figures, pooled groups, and one row per question."""
    from index.store import Store

    store = Store(work / "referent.db", readonly=True)
    ids = {i for t in tops.values() for found in t for i in found[:1]} | {
        i for g in golds.values() for x in g for i in x
    }
    labels = corpus.item_labels(store, ids)
    store.close()
    per_set: dict[str, dict] = {}
    questions: list[dict] = []
    offset = 0
    slices: dict[str, slice] = {}
    for s in sets:
        slices[s.name] = slice(offset, offset + len(s.questions))
        offset += len(s.questions)
    for s in sets:
        sl = slices[s.name]
        systems = {"referent": referent_metrics(rows[s.name])}
        for name, peer in peers.items():
            systems[name] = peer_metrics(s.questions, golds[s.name], tops[name][sl], peer["latencies_ms"][sl])
        per_set[s.name] = {
            "questions": len(s.questions),
            "answerable": s.answerable,
            "unanswerable": len(s.questions) - s.answerable,
            "systems": systems,
        }
        for i, (q, r) in enumerate(zip(s.questions, rows[s.name], strict=True)):
            row = {"set": s.name, "id": q.get("id"), "gold": [labels.get(g, g) for g in golds[s.name][i]]}
            row["referent"] = {k: r[k] for k in ("top", "rank", "key_in_quote", "abstained", "in_candidates")}
            row["referent"]["ms"] = round(r["ms"], 1)
            for name in peers:
                found = tops[name][sl][i]
                row[name] = {"top": labels.get(found[0], found[0]) if found else None,
                             "hit": bool(found) and found[0] in golds[s.name][i]}  # fmt: skip
            questions.append(row)

    def pooled(names: list[str]) -> dict:
        names = [n for n in names if n in rows]
        qs = [q for s in sets if s.name in names for q in s.questions]
        out = {"sets": names, "questions": len(qs), "answerable": sum(bool(q.get("gold")) for q in qs)}
        out["unanswerable"] = out["questions"] - out["answerable"]
        out["systems"] = {"referent": referent_metrics([r for n in names for r in rows[n]])}
        for name, peer in peers.items():
            sl = [slices[n] for n in names]
            out["systems"][name] = peer_metrics(
                qs, [g for n in names for g in golds[n]], [t for x in sl for t in tops[name][x]],
                [v for x in sl for v in peer["latencies_ms"][x]],
            )  # fmt: skip
        return out

    groups = {"all": pooled([s.name for s in sets])}
    if any(s.name in TARGET_SETS for s in sets):
        groups["dev+extra"] = pooled(list(TARGET_SETS))
    everything = groups["all"]["systems"]
    ref.update({k: everything["referent"][k] for k in ("p50_ms", "p95_ms", "max_ms")})
    for name, peer in peers.items():
        peer.pop("latencies_ms")
        peer.update({k: everything[name][k] for k in ("p50_ms", "p95_ms", "max_ms")})
    return {"label": work.name, "referent": ref, "peers": peers, "sets": per_set, "groups": groups,
            "questions": questions}  # fmt: skip


def _ingest(opts: Options, db: Path, text_paths: list[Path], layout_paths: list[Path], text_bytes: int) -> dict:
    from index.ingest import ingest_paths
    from index.store import Store

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    _say(opts, f"ingesting into {db}")
    store = Store(db)
    # Text first, then PDFs, web pages and JSON, each timed on its own: "ingest from text" is the target's figure.
    t0 = time.perf_counter()
    report = ingest_paths(store, [p.resolve() for p in text_paths]) if text_paths else None
    text_s = time.perf_counter() - t0
    text_items = store.item_count()
    rest = ingest_paths(store, [p.resolve() for p in layout_paths]) if layout_paths else None
    ingest_s = time.perf_counter() - t0
    files = [*(report.files if report else []), *(rest.files if rest else [])]
    failed = [f for f in files if f.status == "failed"]
    if failed:
        opts.notes.append(
            f"{db.parent.name}: {len(failed)} files failed to ingest, e.g. {failed[0].path}: {failed[0].reason}"
        )
    items = store.item_count()
    meetings = store.conn.execute("SELECT count(*) FROM meetings").fetchone()[0]
    raw = corpus.raw_text_bytes(store)
    published = corpus.published_text_bytes(store, text_bytes)
    store.close()
    db_bytes = sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists())
    return {
        "items": items,
        "meetings": meetings,
        "files": {status: sum(f.status == status for f in files) for status in sorted({f.status for f in files})},
        "ingest_s": ingest_s,
        "ingest_text_s": text_s if text_paths else None,
        "items_per_s": items / ingest_s if ingest_s else None,
        "text_items_per_s": text_items / text_s if text_paths and text_s else None,
        "published_text_bytes": published,
        "stored_text_bytes": raw,
        "db_bytes": db_bytes,
        "db_ratio": db_bytes / published if published else None,
        "db_ratio_stored": db_bytes / raw if raw else None,
    }


def _pdf_speed(pdf: Path, runs: int) -> dict:
    from pypdf import PdfReader

    from index.readers import read_bytes

    data = pdf.read_bytes()
    pages = len(PdfReader(io.BytesIO(data)).pages)
    times = []
    for _ in range(max(1, runs)):
        t = time.perf_counter()
        read_bytes(data, pdf.name)
        times.append(time.perf_counter() - t)
    return {"pdf_pages": pages, "pdf_s": statistics.median(times), "pdf_pages_per_s": pages / statistics.median(times)}


def _in_process_or_not(opts: Options, module: str, args: list[str], out: Path, inline: Callable[[], dict]) -> dict:
    if not opts.subprocess:
        return inline()
    subprocess.run([sys.executable, "-m", module, *args, str(out)], check=True, cwd=corpus.ROOT)
    return json.loads(out.read_text(encoding="utf-8"))


def _cold_start(opts: Options, db: Path, question: str) -> float | None:
    """Wall time from process start to printed answer of `referent ask` (median of `cold_runs`)."""
    if opts.cold_runs <= 0:
        return None
    script = Path(sys.executable).parent / "referent"
    cmd = [str(script)] if script.exists() else [sys.executable, "-c", "from bot.cli import main; main()"]
    times = []
    for _ in range(opts.cold_runs):
        t = time.perf_counter()
        subprocess.run([*cmd, "ask", question, "--db", str(db)], check=True, capture_output=True, cwd=corpus.ROOT)
        times.append(time.perf_counter() - t)
    return statistics.median(times)
