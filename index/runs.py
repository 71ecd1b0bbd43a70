"""The record of ingest, sync and fetch runs: one row per run and source, read by /admin and /metrics.

An ingest report covers every file of a run; a sync or fetch names its sources, so the report is split
by source (a file belongs to the first source its path lies under) and each source gets its own row,
which is what "last fetch per source" on the status page shows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import PurePath

from index.store import Store, now

KINDS = ("ingest", "sync", "fetch")
COUNTS = ("added", "updated", "unchanged", "failed", "skipped", "warnings")


def record_run(
    store: Store, kind: str, source: str, summary: dict, *, started_at: str, error: str | None = None
) -> int:
    """Store one run of `kind` over `source` from an ingest summary (IngestReport.summary() or alike)."""
    if kind not in KINDS:
        raise ValueError(f"run kind {kind!r}: one of {', '.join(KINDS)}")
    values = [int(summary.get(c, 0)) for c in COUNTS]
    with store.transaction():
        cur = store.conn.execute(
            "INSERT INTO ingest_runs(kind, source, started_at, finished_at, added, updated, unchanged, failed,"
            " skipped, warnings, items, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, source, started_at, now(), *values, int(summary.get("items_stored", 0)), error),
        )
    assert cur.lastrowid is not None
    return cur.lastrowid


def split_by_source(summary: dict, sources: Iterable[str]) -> dict[str, dict]:
    """Per source, the summary of the files under it (counts recomputed from the files)."""
    roots = [str(s) for s in sources]
    out: dict[str, dict] = {root: {"files": []} for root in roots}
    for f in summary.get("files", []):
        path = PurePath(str(f.get("path", "")))
        root = next((r for r in roots if path == PurePath(r) or PurePath(r) in path.parents), None)
        if root is None and roots:
            root = roots[0]  # a folder error names the folder itself; never drop a file from the record
        if root is not None:
            out[root]["files"].append(f)
    for part in out.values():
        files = part["files"]
        status = [f.get("status") for f in files]
        part.update(
            added=status.count("added"), updated=status.count("updated"),
            unchanged=status.count("unchanged") + status.count("duplicate"), failed=status.count("failed"),
            skipped=status.count("skipped"), warnings=sum(len(f.get("warnings") or []) for f in files),
            items_stored=sum(int(f.get("items") or 0) for f in files if f.get("status") in ("added", "updated")),
        )  # fmt: skip
    return out


def record_sources(
    store: Store, kind: str, sources: Iterable[str], summary: dict, *, started_at: str, error: str | None = None
) -> None:
    """One row per source of a sync or fetch run."""
    for source, part in split_by_source(summary, sources).items():
        record_run(store, kind, source, part, started_at=started_at, error=error)


def last_runs(store: Store) -> list[sqlite3.Row]:
    """The newest run of every (kind, source), newest first."""
    return store.conn.execute(
        "SELECT r.* FROM ingest_runs r JOIN (SELECT kind, source, max(id) AS id FROM ingest_runs"
        " GROUP BY kind, source) last ON last.id = r.id ORDER BY r.finished_at DESC, r.id DESC"
    ).fetchall()


def totals(store: Store) -> dict[tuple[str, str], int]:
    """Files per (kind, outcome) over every recorded run, and ('<kind>', 'runs'/'errors') run counts."""
    out: dict[tuple[str, str], int] = {}
    cols = ", ".join(f"sum({c})" for c in COUNTS)
    for row in store.conn.execute(
        f"SELECT kind, count(*), sum(error IS NOT NULL), {cols} FROM ingest_runs GROUP BY kind"
    ):
        kind = row[0]
        out[(kind, "runs")], out[(kind, "errors")] = row[1], row[2] or 0
        for c, v in zip(COUNTS, row[3:], strict=True):
            out[(kind, c)] = v or 0
    return out


def last_success(store: Store, kind: str) -> str | None:
    """When the last run of `kind` finished without an error (files may still have failed)."""
    row = store.conn.execute(
        "SELECT max(finished_at) FROM ingest_runs WHERE kind = ? AND error IS NULL", (kind,)
    ).fetchone()
    return row[0] if row else None
