"""The benchmark run: generate (or reuse) the haystack, ingest it with the real and demo minutes into a fresh
database, measure Referent (ingest, size, answer latency, serving memory, cold start, hit@1) and the three
peers on the same items and questions, and write the results."""

from __future__ import annotations

import io
import json
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import corpus
from bench.generate import VERSION, generate
from bench.peers import PEERS, available, run_peer
from bench.report import machine, metrics, save_results
from bench.serve import serve

QUICK_ITEMS = 10_000


@dataclass
class Options:
    items: int = 100_000
    out: Path = corpus.ROOT / "bench" / "out"
    quick: bool = False
    peers: tuple[str, ...] = PEERS
    questions: int = 250  # the fixed latency set: every dev/demo question plus generated ones up to this count
    warmup: int = 20
    cold_runs: int = 5
    pdf_runs: int = 5
    subprocess: bool = True  # serving and peers each in a process of their own (memory figures need it)
    shared: Path | None | bool = True  # True: find ../shared; False: run without it; a path: use it
    results: Path | None = corpus.ROOT / "bench" / "results.json"
    seed: int = 1
    log: bool = True
    notes: list[str] = field(default_factory=list)


def _say(opts: Options, text: str) -> None:
    if opts.log:
        print(f"[bench] {text}", file=sys.stderr, flush=True)


def run(opts: Options) -> dict:
    shared = corpus.find_shared(None if opts.shared is True else opts.shared) if opts.shared is not False else None
    mix = corpus.mixed(shared)
    work = opts.out / f"items-{opts.items}"
    result: dict = {"items_requested": opts.items, "quick": opts.quick, "shared": bool(shared), "machine": machine()}

    manifest = _haystack(opts, work, mix)
    result["haystack"] = manifest

    db = work / "referent.db"
    result["referent"] = ref = _ingest(opts, db, work, mix, manifest["raw_bytes"], dump=bool(opts.peers))
    if mix.pdf is not None:
        ref.update(_pdf_speed(mix.pdf, opts.pdf_runs))

    questions, warmup = corpus.latency_set(
        work / "questions.jsonl", mix.quality, opts.questions, opts.warmup, opts.seed
    )
    qfile = work / "questions.json"
    qfile.write_text(json.dumps({"questions": [q["q"] for q in questions], "warmup": [q["q"] for q in warmup]},
                                ensure_ascii=False), encoding="utf-8")  # fmt: skip
    result["questions"] = {"total": len(questions), "warmup": len(warmup),
                           **{s: sum(q["set"] == s for q in questions) for s in ("dev", "demo", "generated")}}  # fmt: skip

    _say(opts, f"answering {len(questions)} questions with Referent")
    served = _in_process_or_not(opts, "bench.serve", [str(db), str(qfile)], work / "serve.json",
                                lambda: serve(db, [q["q"] for q in questions], [q["q"] for q in warmup]))  # fmt: skip
    ref.update(metrics(served, questions))
    ref["rss_peak_mb"] = served["rss_peak_mb"] if opts.subprocess else None
    ref["rss_index_mb"] = served["rss_end_mb"] - served["rss_base_mb"] if opts.subprocess else None
    ref["cold_start_s"] = _cold_start(opts, db, questions)

    result["peers"] = {}
    tops = {"referent": served["tops"]}
    for name in opts.peers:
        if not available(name):
            opts.notes.append(f"peer {name} not installed (pip install -e '.[bench]'); skipped")
            continue
        _say(opts, f"peer {name}: build and {len(questions)} questions")
        out = _in_process_or_not(
            opts, "bench.peers", [name, str(work / "items.jsonl"), str(qfile)], work / f"peer-{name}.json",
            lambda name=name: run_peer(name, work / "items.jsonl", [q["q"] for q in questions],
                                       [q["q"] for q in warmup], work),
        )  # fmt: skip
        tops[name] = out["tops"]
        peer = {k: v for k, v in out.items() if k not in ("latencies_ms", "tops")}
        peer.update(metrics(out, questions))
        if not opts.subprocess:
            peer["rss_peak_mb"] = peer["rss_index_mb"] = None
        result["peers"][name] = peer
    result["quality_rows"] = _quality_rows(questions, tops)
    result["notes"] = opts.notes
    if opts.results is not None:
        save_results(opts.results, result)
    return result


def _quality_rows(questions: list[dict], tops: dict[str, list[list[str]]]) -> list[dict]:
    """Per dev/demo question: the gold items and each system's first item (so a miss can be looked at)."""
    rows = []
    for i, q in enumerate(questions):
        if q["set"] == "generated":
            continue
        row = {"id": q.get("id"), "q": q["q"], "gold": q["gold_ids"]}
        row.update({name: (t[i][0] if t[i] else None) for name, t in tops.items()})
        rows.append(row)
    return rows


def _haystack(opts: Options, work: Path, mix: corpus.Mixed) -> dict:
    """Generate the haystack unless the same one (version, seed, size) is already on disk."""
    path = work / "manifest.json"
    want = {"version": VERSION, "seed": opts.seed, "items": opts.items}
    if path.exists():
        have = json.loads(path.read_text(encoding="utf-8"))
        if all(have.get(k) == v for k, v in want.items()) and have.get("reserved") == len(mix.reserved):
            _say(opts, f"reusing the haystack in {work}")
            return have
    shutil.rmtree(work, ignore_errors=True)
    _say(opts, f"generating {opts.items} items into {work}")
    from index.analyze import get_analyzer

    t = time.perf_counter()
    manifest = generate(work, opts.items, seed=opts.seed, vocab_texts=mix.vocab_texts,
                        stopwords=set(get_analyzer().stopwords), reserved=mix.reserved)  # fmt: skip
    manifest["generate_s"] = time.perf_counter() - t
    manifest["reserved"] = len(mix.reserved)
    path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def _ingest(opts: Options, db: Path, work: Path, mix: corpus.Mixed, manifest_bytes: int, *, dump: bool) -> dict:
    from index.ingest import ingest_paths
    from index.store import Store

    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    _say(opts, f"ingesting into {db}")
    store = Store(db)
    # Text first, then the PDF and web page, each timed on its own (ingest_paths reports files only at the end).
    layout = (".pdf", ".html", ".htm")
    text_paths = [work / "haystack", *(p for p in mix.paths if p.suffix.lower() not in layout)]
    t0 = time.perf_counter()
    report = ingest_paths(store, text_paths)
    text_s = time.perf_counter() - t0
    text_items = store.item_count()
    report.files += ingest_paths(store, [p for p in mix.paths if p.suffix.lower() in layout]).files
    ingest_s = time.perf_counter() - t0
    if report.failed:
        opts.notes.append(
            f"{len(report.failed)} files failed to ingest, e.g. {report.failed[0].path}: {report.failed[0].reason}"
        )
    items = store.item_count()
    raw = corpus.raw_text_bytes(store)
    published = corpus.input_text_bytes(store, manifest_bytes, mix.paths)
    if dump:
        corpus.dump_items(store, work / "items.jsonl")
    store.close()
    db_bytes = sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists())
    return {
        "items": items,
        "ingest_s": ingest_s,
        "ingest_text_s": text_s,
        "items_per_s": items / ingest_s,
        "text_items_per_s": text_items / text_s if text_s else None,
        "input_text_bytes": published,
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


def _in_process_or_not(opts: Options, module: str, args: list[str], out: Path, inline) -> dict:
    if not opts.subprocess:
        return inline()
    subprocess.run([sys.executable, "-m", module, *args, str(out)], check=True, cwd=corpus.ROOT)
    return json.loads(out.read_text(encoding="utf-8"))


def _cold_start(opts: Options, db: Path, questions: list[dict]) -> float | None:
    """Wall time from process start to printed answer of `referent ask` (median of `cold_runs`)."""
    if opts.cold_runs <= 0:
        return None
    script = Path(sys.executable).parent / "referent"
    cmd = [str(script)] if script.exists() else [sys.executable, "-c", "from bot.cli import main; main()"]
    q = next((q["q"] for q in questions if q["set"] == "dev"), questions[0]["q"])
    times = []
    for _ in range(opts.cold_runs):
        t = time.perf_counter()
        subprocess.run([*cmd, "ask", q, "--db", str(db)], check=True, capture_output=True, cwd=corpus.ROOT)
        times.append(time.perf_counter() - t)
    return statistics.median(times)
