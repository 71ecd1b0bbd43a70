"""Figures from raw measurements (per set and system), the issue's targets, the markdown tables, results.json."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

NAMES = {"referent": "Referent", "rank_bm25": "rank-bm25", "bm25s": "bm25s", "fts5": "FTS5 (plain)"}
RESULTS_VERSION = 2  # results.json of the shared-haystack benchmark (version 1 was bench/generate.py's)


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def _latency(values: list[float]) -> dict:
    return {"p50_ms": percentile(values, 50), "p95_ms": percentile(values, 95), "max_ms": max(values, default=None)}


def referent_metrics(rows: list[dict]) -> dict:
    """Quality of Referent's rows (index.evaluate.Row as dicts), with index.evaluate's own definitions."""
    from index.evaluate import Report, Row

    m = Report(rows=[Row(**r) for r in rows]).metrics()
    ans = m["answerable"]
    neg = [r for r in rows if not r["answerable"]]
    return {
        "answerable": ans,
        "unanswerable": len(neg),
        "hit1": m["hit@1"] if ans else None,
        "hit3": m["hit@3"] if ans else None,
        "key_in_first_quote": m["key_in_first_quote"] if ans else None,
        "false_nothing": m["false_abstentions"],
        "false_per_100": 100 * m["false_abstentions"] / ans if ans else None,
        "abstained": sum(r["abstained"] for r in neg),
        "candidate_recall": m["candidate_recall"] if ans else None,
        **_latency([r["ms"] for r in rows]),
    }


def peer_metrics(questions: list[dict], golds: list[list[str]], tops: list[list[str]], latencies: list[float]) -> dict:
    """A peer's quality on the same questions: its first item against the gold items. A peer has no
    abstention: an empty result (no word of the question in any item) is its only "nothing found"."""
    ans = [(g, t) for q, g, t in zip(questions, golds, tops, strict=True) if q.get("gold")]
    neg = [t for q, t in zip(questions, tops, strict=True) if not q.get("gold")]
    n = len(ans)
    return {
        "answerable": n,
        "unanswerable": len(neg),
        "hit1": sum(bool(t) and t[0] in g for g, t in ans) / n if n else None,
        "hit3": sum(any(i in g for i in t[:3]) for g, t in ans) / n if n else None,
        "key_in_first_quote": None,
        "false_nothing": sum(not t for _, t in ans),
        "false_per_100": 100 * sum(not t for _, t in ans) / n if n else None,
        "abstained": sum(not t for t in neg),
        "candidate_recall": None,
        **_latency(latencies),
    }


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


# --- targets ------------------------------------------------------------------------------------------------


def _group(run: dict, group: str, key: str, system: str = "referent") -> float | None:
    g = run.get("groups", {}).get(group)
    return g["systems"].get(system, {}).get(key) if g else None


def _margin(run: dict) -> float | None:
    ours = _group(run, "dev+extra", "hit1")
    peers = [_group(run, "dev+extra", "hit1", p) for p in run.get("peers", {})]
    peers = [p for p in peers if p is not None]
    return 100 * (ours - max(peers)) if ours is not None and peers else None


def _abstained_share(run: dict) -> float | None:
    ref = run.get("groups", {}).get("all", {}).get("systems", {}).get("referent")
    return ref["abstained"] / ref["unanswerable"] if ref and ref["unanswerable"] else None


@dataclass(frozen=True)
class Target:
    name: str
    op: str  # "<=" or ">="
    limit: float
    scale: int | None  # judged in haystack runs of this many items; None: in every run
    value: Callable[[dict], float | None]
    fmt: str = "{:.2f}"

    def judged(self, run: dict) -> bool:
        return self.scale is None or (run.get("corpus") == "haystack" and run.get("items_requested") == self.scale)

    def met(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return value <= self.limit + 1e-9 if self.op == "<=" else value >= self.limit - 1e-9


K100, M1 = 100_000, 1_000_000
TARGETS = (
    Target("hit@1, dev+extra", ">=", 0.85, K100, lambda r: _group(r, "dev+extra", "hit1")),
    Target("hit@1 over the best peer, dev+extra (points)", ">=", 20, K100, _margin, "{:+.0f}"),
    Target(
        "key phrase in the first quote, dev+extra",
        ">=",
        0.85,
        K100,
        lambda r: _group(r, "dev+extra", "key_in_first_quote"),
    ),  # fmt: skip
    Target("candidate recall, dev+extra", ">=", 0.98, K100, lambda r: _group(r, "dev+extra", "candidate_recall")),
    Target(
        'false "nothing found" per 100 answerable, all sets',
        "<=",
        2,
        None,
        lambda r: _group(r, "all", "false_per_100"),
        "{:.1f}",
    ),  # fmt: skip
    Target("unanswerable questions abstained, all sets (share)", ">=", 1.0, None, _abstained_share),
    Target("answer() p50 (ms)", "<=", 15, K100, lambda r: r["referent"].get("p50_ms"), "{:.1f}"),
    Target("answer() p95 (ms)", "<=", 40, K100, lambda r: r["referent"].get("p95_ms"), "{:.1f}"),
    Target("answer() p95 at 1M items (ms)", "<=", 150, M1, lambda r: r["referent"].get("p95_ms"), "{:.1f}"),
    Target("ingest from text (s)", "<=", 90, K100, lambda r: r["referent"].get("ingest_text_s"), "{:.0f}"),
    Target("serving RSS peak (MB)", "<=", 250, K100, lambda r: r["referent"].get("rss_peak_mb"), "{:.0f}"),
    Target("database / published text", "<=", 2.5, K100, lambda r: r["referent"].get("db_ratio")),
    Target("cold start `referent ask` (s)", "<=", 1.0, K100, lambda r: r["referent"].get("cold_start_s")),
)


def targets(runs: dict[str, dict]) -> list[dict]:
    """One row per target: its value, whether it is met and whether it is judged, in each run."""
    out = []
    for t in TARGETS:
        cells = {}
        for name, run in runs.items():
            value = t.value(run)
            cells[name] = {"value": value, "met": t.met(value), "judged": t.judged(run)}
        out.append({"target": t.name, "limit": f"{t.op} {t.limit:g}", "runs": cells})
    return out


# --- tables -------------------------------------------------------------------------------------------------


def _f(value, fmt: str = "{:.1f}") -> str:
    return "–" if value is None else fmt.format(value)


def describe(run: dict) -> str:
    ref = run["referent"]
    if run.get("corpus") == "greve":
        return f"the real Greve archive, {ref['meetings']:,} meetings, {ref['items']:,} items (`{run.get('archive')}`)"
    hay = run.get("haystack") or {}
    if run.get("keys") == "shared":
        keys = "the tool as it is: sentences with a key phrase of `../shared/eval/*.jsonl` left out"
    else:
        keys = "sentences with a key phrase of " + ", ".join(hay.get("key_sets", [])) + " left out (own keys)"
    return (
        f"{ref['items']:,} items: {hay.get('files', 0):,} meetings of `../shared/tools/haystack.py` "
        f"(seed {hay.get('seed')}; {keys}) with the seeds, Aarhus and demo minutes"
    )


def title(name: str, run: dict) -> str:
    if run.get("corpus") == "greve":
        return "Greve archive (real)"
    return f"haystack {scale(run.get('items_requested') or 0)}" + (
        ", own keys left out" if run.get("keys") == "own" else ""
    )


def scale(items: int) -> str:
    for size, suffix in ((1_000_000, "M"), (1000, "k")):
        if items >= size and items % size == 0:
            return f"{items // size}{suffix}"
    return f"{items:,} items"


def _header(run: dict) -> str:
    m = run.get("machine", {})
    return (
        f"Run {m.get('date', '?')}, commit {m.get('commit') or '?'}: {m.get('cpu')}, {m.get('cpus')} CPUs, "
        f"{m.get('memory_gb')} GB, Python {m.get('python')}, SQLite {m.get('sqlite')}."
    )


def _systems(run: dict) -> list[str]:
    return ["referent", *run.get("peers", {})]


def quality_table(run: dict) -> list[str]:
    lines = [
        "Key phrase and candidate recall are Referent's only (the peers have no quotes and no candidate stage); "
        'the peers never abstain, so their only "nothing found" is an empty result.',
        "",
        '| set (answerable + unanswerable) | system | hit@1 | key phrase in 1st quote | false "nothing found" (n; per 100) '
        "| unanswerable abstained | candidate recall | p50 ms | p95 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    pct = "{:.0%}"
    blocks = [(name, s) for name, s in run["sets"].items()] + [
        (f"**{name}**", g) for name, g in run.get("groups", {}).items()
    ]
    for name, block in blocks:
        head = f"{name} ({block['answerable']} + {block['unanswerable']})"
        for system in _systems(run):
            m = block["systems"].get(system)
            if m is None:
                continue
            peer = system != "referent"
            abst = f"{m['abstained']}/{m['unanswerable']}" if m["unanswerable"] else "–"
            if peer and m["unanswerable"]:
                abst += " (no abstention)"
            false = f"{m['false_nothing']}; {_f(m['false_per_100'])}" if m["answerable"] else "–"
            lines.append(
                f"| {head} | {NAMES[system]} | {_f(m['hit1'], pct)} | {_f(m['key_in_first_quote'], pct)} | {false} "
                f"| {abst} | {_f(m['candidate_recall'], pct)} | {_f(m['p50_ms'])} | {_f(m['p95_ms'])} |"
            )
            head = ""
    return lines


def speed_table(run: dict) -> list[str]:
    ref, peers = run["referent"], run.get("peers", {})
    systems = [("referent", ref), *peers.items()]
    blank = ["" for _ in peers]

    def row(label: str, key: str, fmt: str, ref_key: str | None = None) -> str:
        cells = [_f(s.get(ref_key if n == "referent" and ref_key else key), fmt) for n, s in systems]
        return "| " + " | ".join([label, *cells]) + " |"

    lines = [
        "| | " + " | ".join(NAMES[n] for n, _ in systems) + " |",
        "|---" * (len(systems) + 1) + "|",
        "| items | " + " | ".join([f"{ref['items']:,}", *("same" for _ in peers)]) + " |",
        row("index build / ingest (s)", "build_s", "{:.1f}", "ingest_s"),
        "| ingest from text (s; items/s) | "
        + " | ".join([f"{_f(ref.get('ingest_text_s'))}; {_f(ref.get('text_items_per_s'), '{:,.0f}')}", *blank])
        + " |",
        "| PDF parse (pages/s) | " + " | ".join([_f(ref.get("pdf_pages_per_s")), *blank]) + " |",
        "| on disk (MB) | "
        + " | ".join(_f(s["db_bytes"] / 1e6 if s.get("db_bytes") else None) for _, s in systems)
        + " |",
        "| on disk / published text | "
        + " | ".join([_f(ref.get("db_ratio"), "{:.2f}×"), *("" if n == "fts5" else "in memory" for n in peers)])
        + " |",
        "| on disk / stored raw text | " + " | ".join([_f(ref.get("db_ratio_stored"), "{:.2f}×"), *blank]) + " |",
        row("latency p50, all questions (ms)", "p50_ms", "{:.1f}"),
        row("latency p95, all questions (ms)", "p95_ms", "{:.1f}"),
        row("RSS peak, whole process (MB)", "rss_peak_mb", "{:.0f}"),
        row("RSS added by the index (MB)", "rss_index_mb", "{:.0f}"),
        "| cold start `referent ask` (s) | " + " | ".join([_f(ref.get("cold_start_s"), "{:.2f}"), *blank]) + " |",
    ]
    return lines


def targets_table(runs: dict[str, dict]) -> list[str]:
    names = list(runs)
    lines = [
        "| target | limit | " + " | ".join(title(n, runs[n]) for n in names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    fmts = {t.name: t.fmt for t in TARGETS}
    for row in targets(runs):
        cells = []
        for n in names:
            c = row["runs"][n]
            text = _f(c["value"], fmts[row["target"]])
            if c["value"] is None:
                cells.append(text)
            elif not c["judged"]:
                cells.append(f"({text})")
            else:
                cells.append(f"{text} yes" if c["met"] else f"**{text} no**")
        lines.append(f"| {row['target']} | {row['limit']} | " + " | ".join(cells) + " |")
    return lines


def summary_table(runs: dict[str, dict]) -> list[str]:
    """hit@1 per set across runs: Referent, and the best peer of the same run (named)."""
    names = list(runs)
    blocks: list[str] = []
    for run in runs.values():
        for name in [*run["sets"], *run.get("groups", {})]:
            if name not in blocks:
                blocks.append(name)
    lines = [
        "| hit@1: Referent / best peer | " + " | ".join(title(n, runs[n]) for n in names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for block in blocks:
        cells = []
        for n in names:
            b = runs[n]["sets"].get(block) or runs[n].get("groups", {}).get(block)
            if b is None:
                cells.append("")
                continue
            ours = _f(b["systems"]["referent"]["hit1"], "{:.0%}")
            peers = [(m["hit1"], p) for p, m in b["systems"].items() if p != "referent" and m["hit1"] is not None]
            best = max(peers, default=None)
            cells.append(f"{ours} / {best[0]:.0%} {NAMES[best[1]]}" if best else ours)
        label = f"**{block}**" if block in ("all", "dev+extra") else block
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def speed_summary(runs: dict[str, dict]) -> list[str]:
    """Referent's speed, size and memory per run, with the peers' latency and memory beside it."""
    lines = [
        "| run | items | ingest from text (s; items/s) | DB (MB; × published) | Referent p50 / p95 (ms) "
        "| peers p50 / p95 (ms) | serving RSS (MB) | peers' RSS peak (MB) | cold start (s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, run in runs.items():
        ref, peers = run["referent"], run.get("peers", {})
        ingest = ref.get("ingest_text_s") or ref.get("ingest_s")
        per_s = ref.get("text_items_per_s") or ref.get("items_per_s")
        lat = "; ".join(f"{NAMES[p]} {_f(m.get('p50_ms'))} / {_f(m.get('p95_ms'))}" for p, m in peers.items())
        rss = "; ".join(f"{NAMES[p]} {_f(m.get('rss_peak_mb'), '{:,.0f}')}" for p, m in peers.items())
        lines.append(
            f"| {title(name, run)} | {ref['items']:,} | {_f(ingest, '{:.0f}')}; {_f(per_s, '{:,.0f}')} "
            f"| {_f(ref['db_bytes'] / 1e6, '{:,.0f}')}; {_f(ref.get('db_ratio'), '{:.2f}×')} "
            f"| {_f(ref.get('p50_ms'))} / {_f(ref.get('p95_ms'))} | {lat or '–'} | {_f(ref.get('rss_peak_mb'), '{:.0f}')} "
            f"| {rss or '–'} | {_f(ref.get('cold_start_s'), '{:.2f}')} |"
        )
    return lines


def misses(run: dict) -> list[str]:
    out = []
    for q in run.get("questions", []):
        r = q["referent"]
        if q["gold"] and r["rank"] != 1:
            why = "nothing found" if r["abstained"] else f"rank {r['rank']}" if r["rank"] else "gold not among answers"
            out.append(f"- {q['set']} {q['id']}: {why}; first {r['top']}; gold in candidates: {r['in_candidates']}")
        elif not q["gold"] and not r["abstained"]:
            out.append(f"- {q['set']} {q['id']}: unanswerable, answered with {r['top']}")
    return out


def ordered(runs: dict[str, dict]) -> dict[str, dict]:
    def key(kv: tuple[str, dict]) -> tuple:
        run = kv[1]
        return (run.get("corpus") != "haystack", run.get("items_requested") or 0, run.get("keys") != "shared")

    return dict(sorted(runs.items(), key=key))


def markdown(runs: dict[str, dict], notes: list[str] | None = None, *, with_misses: bool = True) -> str:
    runs = ordered(runs)
    lines = [
        "## Targets",
        "",
        "Values in parentheses are shown but not judged at that scale; dev+extra = dev, extra-1 and extra-2.",
        "",
    ]
    lines += targets_table(runs)
    lines += ["", "## hit@1 per set", ""] + summary_table(runs)
    lines += ["", "## Speed, size, memory", ""] + speed_summary(runs)
    for name, run in runs.items():
        lines += ["", f"## {title(name, run)}", "", describe(run) + ". " + _header(run), ""]
        lines += quality_table(run) + [""] + speed_table(run)
        missed = misses(run) if with_misses else []
        if missed:
            lines += [
                "",
                f"<details><summary>Referent's misses ({len(missed)})</summary>",
                "",
                *missed,
                "",
                "</details>",
            ]
        for note in run.get("notes", []):
            lines += ["", f"Note: {note}"]
    for note in notes or []:
        lines += ["", f"Note: {note}"]
    return "\n".join(lines) + "\n"


def print_table(runs: dict[str, dict], notes: list[str] | None = None) -> None:
    from rich.console import Console
    from rich.markdown import Markdown

    Console().print(Markdown(markdown(runs, notes, with_misses=False)))


def load_results(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data.get("runs", {}) if data.get("version") == RESULTS_VERSION else {}


def _dump(data: dict) -> str:
    """Indented JSON with one line per question row, so a new run's diff stays readable."""
    marker = "\u0000questions\u0000"
    rows = {name: run.get("questions", []) for name, run in data["runs"].items()}
    bare = {**data, "runs": {name: {**run, "questions": f"{marker}{name}"} for name, run in data["runs"].items()}}
    text = json.dumps(bare, indent=2, ensure_ascii=False)
    for name, qs in rows.items():
        lines = ",\n".join("        " + json.dumps(q, ensure_ascii=False) for q in qs)
        token = json.dumps(f"{marker}{name}", ensure_ascii=False)
        text = text.replace(token, "[\n" + lines + "\n      ]" if qs else "[]", 1)
    return text


def save_results(path: Path, new_runs: dict[str, dict]) -> dict[str, dict]:
    """results.json keeps the latest run of each kind (scale, key variant, Greve), so a quick run does not
    erase the full one; results.md beside it is rewritten from all of them."""
    runs = load_results(path)
    runs.update(new_runs)
    runs = ordered(runs)
    data = {"version": RESULTS_VERSION, "targets": targets(runs), "runs": runs}
    path.write_text(_dump(data) + "\n", encoding="utf-8")
    path.with_suffix(".md").write_text(
        "# Benchmark results\n\nWritten by `python -m bench` from `results.json` (the latest run of each kind); "
        "the method is in `bench/README.md`.\n\n" + markdown(runs),
        encoding="utf-8",
    )
    return runs
