"""/metrics in the Prometheus text format (0.0.4), written by hand: no client library needed.

Events (answers, rate-limited questions) are counted in memory and added to the database's
`metric_counters` every few seconds and before every scrape, so the numbers are the sum over every
process that answers — each `referent serve` worker, and a `referent slack` Socket Mode process beside
them — whichever worker a scrape reaches. Everything else (ingest, fetch and sync runs, digests, last
successful sync, size) is read from the tables that record it when scraped.

The Asker (bot/asker.py) calls one function per event for every channel: `observe_answer(answer, seconds,
channel=...)` and `observe_rate_limited(channel)`.
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from index.model import Answer
from index.runs import COUNTS, last_success, totals
from index.store import Store

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
FLUSH_SECONDS = 5.0
HELP = {
    "referent_answers_total": ("counter", "Questions answered, by channel and outcome (answer, no_answer, error)."),
    "referent_answer_seconds": ("histogram", "Time to answer a question, in seconds."),
    "referent_rate_limited_total": ("counter", "Questions refused because the asker went over the rate limit."),
}

_lock = threading.Lock()
_pending: dict[tuple[str, str], float] = {}


def _labels(labels: dict[str, str]) -> str:
    return json.dumps(labels, sort_keys=True, ensure_ascii=False)


def _add(name: str, labels: dict[str, str], value: float = 1.0) -> None:
    key = (name, _labels(labels))
    with _lock:
        _pending[key] = _pending.get(key, 0.0) + value


def observe_answer(answer: Answer | None, seconds: float, *, channel: str = "web") -> None:
    """Count one question: its outcome (None = answering failed) and how long it took."""
    outcome = "error" if answer is None else "no_answer" if answer.no_answer else "answer"
    _add("referent_answers_total", {"channel": channel, "outcome": outcome})
    for le in BUCKETS:
        if seconds <= le:
            _add("referent_answer_seconds_bucket", {"le": repr(le)})
    _add("referent_answer_seconds_bucket", {"le": "+Inf"})
    _add("referent_answer_seconds_sum", {}, seconds)
    _add("referent_answer_seconds_count", {})


def observe_rate_limited(channel: str) -> None:
    _add("referent_rate_limited_total", {"channel": channel})


# ---- the shared counters ------------------------------------------------------------------------


def flush(conn: sqlite3.Connection) -> None:
    """Add this process's counts to metric_counters in one transaction; kept for next time if it fails."""
    with _lock:
        batch = dict(_pending)
        _pending.clear()
    if not batch:
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO metric_counters(name, labels, value) VALUES (?, ?, ?)"
            " ON CONFLICT(name, labels) DO UPDATE SET value = value + excluded.value",
            [(name, labels, value) for (name, labels), value in batch.items()],
        )
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        with _lock:
            for key, value in batch.items():
                _pending[key] = _pending.get(key, 0.0) + value
        log.warning("metrics: counters not saved yet (%s); retried", exc)


class Flusher:
    """A daemon thread with its own connection that flushes every FLUSH_SECONDS, and once more on stop()."""

    def __init__(self, db_path: str, interval: float = FLUSH_SECONDS) -> None:
        self.db_path, self.interval = db_path, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="referent-metrics", daemon=True)

    def start(self) -> Flusher:
        self._thread.start()
        return self

    def _run(self) -> None:
        conn = sqlite3.connect(self.db_path, isolation_level=None, timeout=30)
        try:
            while not self._stop.wait(self.interval):
                flush(conn)
            flush(conn)
        finally:
            conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)


# ---- the scrape ---------------------------------------------------------------------------------


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _series(name: str, labels: dict[str, str], value: float) -> str:
    inner = ",".join(f'{k}="{_esc(str(v))}"' for k, v in sorted(labels.items()))
    number = "+Inf" if value == math.inf else repr(float(value)) if value % 1 else str(int(value))
    return f"{name}{{{inner}}} {number}" if inner else f"{name} {number}"


def _family(name: str, kind: str, help_text: str, lines: Iterable[str]) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", *lines]


def _epoch(stamp: str | None) -> float | None:
    if not stamp:
        return None
    import datetime as dt

    return dt.datetime.fromisoformat(stamp).timestamp()


def render(store: Store) -> str:
    """The whole exposition; flushes this process's counts first, so they are never a scrape behind."""
    flush(store.conn)
    out: list[str] = []
    counters: dict[str, list[tuple[dict[str, str], float]]] = {}
    for row in store.conn.execute("SELECT name, labels, value FROM metric_counters ORDER BY name, labels"):
        counters.setdefault(row[0], []).append((json.loads(row[1]), row[2]))

    for name in ("referent_answers_total", "referent_rate_limited_total"):
        kind, text = HELP[name]
        out += _family(name, kind, text, (_series(name, lb, v) for lb, v in counters.get(name, [])))
    buckets = {lb["le"]: v for lb, v in counters.get("referent_answer_seconds_bucket", [])}
    count = sum(v for _, v in counters.get("referent_answer_seconds_count", []))
    total = sum(v for _, v in counters.get("referent_answer_seconds_sum", []))
    kind, text = HELP["referent_answer_seconds"]
    out += _family(
        "referent_answer_seconds", kind, text,
        [*(_series("referent_answer_seconds_bucket", {"le": repr(le)}, buckets.get(repr(le), 0)) for le in BUCKETS),
         _series("referent_answer_seconds_bucket", {"le": "+Inf"}, buckets.get("+Inf", 0)),
         _series("referent_answer_seconds_sum", {}, total), _series("referent_answer_seconds_count", {}, count)],
    )  # fmt: skip

    runs = totals(store)
    kinds = sorted({k for k, _ in runs})
    out += _family(
        "referent_ingest_files_total", "counter",
        "Files (or fetched meetings) by run kind (ingest, sync, fetch) and outcome, over every recorded run.",
        (_series("referent_ingest_files_total", {"kind": k, "outcome": c}, runs.get((k, c), 0))
         for k in kinds for c in COUNTS),
    )  # fmt: skip
    out += _family(
        "referent_ingest_runs_total", "counter", "Ingest, sync and fetch runs, and those that stopped on an error.",
        (_series("referent_ingest_runs_total", {"kind": k, "result": r}, runs.get((k, key), 0))
         for k in kinds for r, key in (("done", "runs"), ("error", "errors"))),
    )  # fmt: skip
    lines = []
    for kind in ("sync", "fetch", "ingest"):
        when = _epoch(last_success(store, kind))
        if when is not None:
            lines.append(_series("referent_last_success_timestamp_seconds", {"kind": kind}, when))
    out += _family(
        "referent_last_success_timestamp_seconds", "gauge",
        "When the last sync, fetch or ingest run finished without an error (Unix time).", lines,
    )  # fmt: skip
    sync = _epoch(last_success(store, "sync"))
    out += _family(
        "referent_last_sync_success_timestamp_seconds", "gauge",
        "When the last scheduled or manual `referent sync` finished without an error (Unix time; 0 = never).",
        [_series("referent_last_sync_success_timestamp_seconds", {}, sync or 0)],
    )  # fmt: skip

    digest = store.conn.execute(
        "SELECT platform, status, count(*), max(posted_at) FROM digest_runs GROUP BY platform, status"
    ).fetchall()
    out += _family(
        "referent_digest_runs_total", "counter", "Digest runs by platform and status (posted, partial, pending).",
        (_series("referent_digest_runs_total", {"platform": r[0], "status": r[1]}, r[2]) for r in digest),
    )  # fmt: skip
    posted = [(r[0], _epoch(r[3])) for r in digest if r[1] == "posted" and r[3]]
    out += _family(
        "referent_digest_last_posted_timestamp_seconds", "gauge", "When a digest was last posted, by platform.",
        (_series("referent_digest_last_posted_timestamp_seconds", {"platform": p}, t or 0) for p, t in posted),
    )  # fmt: skip

    counts = store.conn.execute(
        "SELECT (SELECT count(*) FROM meetings), (SELECT count(*) FROM items),"
        " (SELECT count(*) FROM sources WHERE status != 'ok')"
    ).fetchone()
    out += _family("referent_meetings", "gauge", "Meetings stored.", [_series("referent_meetings", {}, counts[0])])
    out += _family("referent_items", "gauge", "Agenda items stored.", [_series("referent_items", {}, counts[1])])
    out += _family(
        "referent_source_files_not_ok", "gauge", "Source files whose last read failed or was skipped.",
        [_series("referent_source_files_not_ok", {}, counts[2])],
    )  # fmt: skip
    out += _family(
        "referent_database_bytes", "gauge", "Size of the database file with its write-ahead log.",
        [_series("referent_database_bytes", {}, database_bytes(store.path))],
    )  # fmt: skip
    return "\n".join(out) + "\n"


def database_bytes(path: str) -> int:
    if path == ":memory:":
        return 0
    return sum(p.stat().st_size for p in (Path(path), Path(path + "-wal")) if p.exists())
