"""Numbers from raw measurements (percentiles, hit@1), the machine, the targets, the table, results.json."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sqlite3
import subprocess
from pathlib import Path

NAMES = {"referent": "Referent", "rank_bm25": "rank-bm25", "bm25s": "bm25s", "fts5": "FTS5 (plain)"}
TARGET_ITEMS = 100_000


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def metrics(out: dict, questions: list[dict]) -> dict:
    lat = out["latencies_ms"]
    res: dict = {"p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95), "max_ms": max(lat, default=None)}
    for name in ("dev", "demo", "generated", "mixed"):
        rows = [(q, top) for q, top in zip(questions, out["tops"], strict=True)
                if q["gold_ids"] and (q["set"] == name or (name == "mixed" and q["set"] in ("dev", "demo")))]  # fmt: skip
        res[f"hit1_{name}"] = (
            sum(bool(top) and top[0] in q["gold_ids"] for q, top in rows) / len(rows) if rows else None
        )
        res[f"n_{name}"] = len(rows)
    if "abstained" in out:
        neg = [
            a for q, a in zip(questions, out["abstained"], strict=True) if not q["gold_ids"] and q["set"] != "generated"
        ]
        res["abstained_unanswerable"] = f"{sum(neg)}/{len(neg)}"
    return res


def machine() -> dict:
    mem = None
    if Path("/proc/meminfo").exists():
        first = Path("/proc/meminfo").read_text().splitlines()[0].split()
        mem = round(int(first[1]) / 1024 / 1024, 1)
    cpu = platform.processor()
    if Path("/proc/cpuinfo").exists():
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), cpu)  # fmt: skip
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).parent, check=False).stdout.strip()  # fmt: skip
    except OSError:
        commit = ""
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": mem,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit,
    }


def targets(result: dict) -> list[dict]:
    """The issue's targets at 100k items on the reference machine; judged only for a full 100k run."""
    ref = result["referent"]
    quality = "hit1_dev" if ref.get("hit1_dev") is not None else "hit1_demo"
    best_peer = max((p.get(quality) or 0 for p in result["peers"].values()), default=None)
    rows = [
        ("ingest from text (s)", ref.get("ingest_text_s"), 90, "<="),
        ("answer() p50 (ms)", ref.get("p50_ms"), 10, "<="),
        ("answer() p95 (ms)", ref.get("p95_ms"), 30, "<="),
        ("serving RSS peak (MB)", ref.get("rss_peak_mb"), 250, "<="),
        ("referent ask cold start (s)", ref.get("cold_start_s"), 1.0, "<="),
        ("database / published text", ref.get("db_ratio"), 2.5, "<="),
    ]
    if best_peer is not None and ref.get(quality) is not None:
        rows.append((f"{quality} over best peer (points)", 100 * (ref[quality] - best_peer), 10, ">="))
    judged = result["items_requested"] == TARGET_ITEMS and not result["quick"]
    out = []
    for name, value, limit, op in rows:
        ok = None if value is None else (value <= limit if op == "<=" else value >= limit)
        out.append({"target": name, "value": value, "limit": f"{op} {limit}", "met": ok, "judged": judged})
    return out


def _f(value, fmt: str = "{:.1f}") -> str:
    return "–" if value is None else fmt.format(value)


def table_rows(result: dict) -> tuple[list[str], list[list[str]]]:
    ref, peers = result["referent"], result["peers"]
    systems = [("referent", ref), *peers.items()]
    head = ["", *(NAMES[n] for n, _ in systems)]
    pct = "{:.0%}"

    def row(label: str, key: str, fmt: str = "{:.1f}", ref_key: str | None = None) -> list[str]:
        cells = [_f(ref.get(ref_key) if n == "referent" and ref_key else s.get(key), fmt) for n, s in systems]
        return [label, *cells]

    rows = [
        ["items", f"{ref['items']:,}", *("same" for _ in peers)],
        row("index build / ingest (s)", "build_s", "{:.1f}", "ingest_s"),
        ["ingest from text (items/s)", _f(ref.get("text_items_per_s"), "{:,.0f}"), *("" for _ in peers)],
        ["PDF parse (pages/s)", _f(ref.get("pdf_pages_per_s"), "{:.1f}"), *("" for _ in peers)],
        ["on disk (MB)", *(_f(s["db_bytes"] / 1e6 if s.get("db_bytes") else None) for _, s in systems)],
        [
            "on disk / published text",
            _f(ref.get("db_ratio"), "{:.2f}×"),
            *("in memory" if n != "fts5" else "" for n in peers),
        ],
        ["on disk / stored raw text", _f(ref.get("db_ratio_stored"), "{:.2f}×"), *("" for _ in peers)],
        row("latency p50 (ms)", "p50_ms", "{:.1f}"),
        row("latency p95 (ms)", "p95_ms", "{:.1f}"),
        ["p50 vs Referent", "1×", *(_ratio(p.get("p50_ms"), ref.get("p50_ms")) for p in peers.values())],
        row("RSS peak, whole process (MB)", "rss_peak_mb", "{:.0f}"),
        row("RSS added by the index (MB)", "rss_index_mb", "{:.0f}"),
        ["cold start `referent ask` (s)", _f(ref.get("cold_start_s"), "{:.2f}"), *("" for _ in peers)],
        row(f"hit@1 dev ({ref.get('n_dev', 0)})", "hit1_dev", pct),
        row(f"hit@1 demo ({ref.get('n_demo', 0)})", "hit1_demo", pct),
        row(f"hit@1 dev+demo ({ref.get('n_mixed', 0)})", "hit1_mixed", pct),
        row(f"hit@1 generated ({ref.get('n_generated', 0)}, indicative)", "hit1_generated", pct),
    ]
    return head, rows


def _ratio(peer: float | None, ref: float | None) -> str:
    if not peer or not ref:
        return "–"
    return f"{peer / ref:.1f}× slower" if peer >= ref else f"{ref / peer:.1f}× faster"


def markdown(result: dict) -> str:
    head, rows = table_rows(result)
    m = result["machine"]
    lines = [
        f"Run {m['date']} at {result['referent']['items']:,} items ({'quick' if result['quick'] else 'full'}), "
        f"commit {m['commit'] or '?'}: {m['cpu']}, {m['cpus']} CPUs, {m['memory_gb']} GB, {m['platform']}, "
        f"Python {m['python']}, SQLite {m['sqlite']}.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
        *("| " + " | ".join(r) + " |" for r in rows),
        "",
        "| target (100k items) | value | limit | met |",
        "|---|---|---|---|",
    ]
    for t in targets(result):
        met = "–" if t["met"] is None else ("yes" if t["met"] else "**no**")
        lines.append(
            f"| {t['target']} | {_f(t['value'], '{:.2f}')} | {t['limit']} | {met if t['judged'] else met + ' (not judged)'} |"
        )
    for note in result.get("notes", []):
        lines.append(f"\nNote: {note}")
    return "\n".join(lines) + "\n"


def print_table(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    head, rows = table_rows(result)
    table = Table(*head, title=f"Referent benchmark, {result['referent']['items']:,} items")
    for r in rows:
        table.add_row(*r)
    console = Console()
    console.print(table)
    for t in targets(result):
        met = "–" if t["met"] is None else ("met" if t["met"] else "MISSED")
        console.print(f"  {t['target']}: {_f(t['value'], '{:.2f}')} (target {t['limit']}) {met}"
                      + ("" if t["judged"] else " (not judged: only a full 100k run is)"), markup=False)  # fmt: skip
    for note in result.get("notes", []):
        console.print(f"  note: {note}", markup=False)


def save_results(path: Path, result: dict) -> None:
    """results.json keeps the latest run per item count, so a quick run does not erase the full one."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    runs = data.get("runs", {})
    result = dict(result, targets=targets(result))
    runs[str(result["items_requested"])] = result
    path.write_text(json.dumps({"runs": dict(sorted(runs.items(), key=lambda kv: int(kv[0])))}, indent=2,
                               ensure_ascii=False) + "\n", encoding="utf-8")  # fmt: skip
