"""What keeping closed text out of the database file costs on a large store.

`python -m bench.purge --items 100000 [--out DIR]` generates (or reuses) the benchmark's haystack
(../shared/tools/haystack.py, bench/haystack.py), ingests it
twice (PRAGMA secure_delete on, as the Store runs, and off), then on the secure store times ordinary
corrections (an open item's text changed: no purge) and corrections that make an open item closed (the
purge: FTS5 'optimize', term_df refresh, WAL checkpoint). Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import time
from pathlib import Path

from bench import haystack
from bench.corpus import find_shared
from index.ingest import ingest_paths
from index.readers import read_bytes, read_file
from index.store import Store


def _ingest(db: Path, hay: Path, secure: bool) -> float:
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    store = Store(db)
    if not secure:
        store.conn.execute("PRAGMA secure_delete=OFF")
    t = time.perf_counter()
    ingest_paths(store, [hay])
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return time.perf_counter() - t


def _open_item(path: Path) -> str | None:
    """The heading of an open item with a decision in the minutes at `path` (to close it), if any."""
    meeting, _ = read_file(path)
    for item in meeting.items:
        if not item.closed and item.decision and item.number > 1:
            return next(
                line
                for line in path.read_text(encoding="utf-8").splitlines()
                if line.startswith(f"Punkt {item.number}:")
            )
    return None


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.purge")
    p.add_argument("--items", type=int, default=100_000)
    p.add_argument("--out", type=Path, default=Path("bench/out"))
    p.add_argument("--corrections", type=int, default=20)
    a = p.parse_args(argv)
    shared = find_shared()
    if shared is None:
        raise SystemExit("bench.purge needs ../shared (the haystack tool); not found")
    work = a.out / f"purge-{a.items}"
    hay = work / "haystack" / "meetings"
    haystack.generate(shared, work / "haystack", haystack.meetings_for(a.items))
    files = sorted(hay.glob("*.txt"))
    result: dict = {"items": a.items, "files": len(files)}
    result["ingest_secure_delete_off_s"] = round(_ingest(work / "plain.db", hay, secure=False), 1)
    db = work / "secure.db"
    result["ingest_secure_delete_on_s"] = round(_ingest(db, hay, secure=True), 1)
    result["db_mb"] = round(db.stat().st_size / 2**20, 1)

    rng = random.Random(1)
    sample = rng.sample(files, a.corrections * 2)
    store = Store(db)
    ordinary, closing, purges = [], [], []
    real_purge = Store.purge

    def timed_purge(self: Store) -> str | None:
        t = time.perf_counter()
        note = real_purge(self)
        purges.append(time.perf_counter() - t)
        return note

    Store.purge = timed_purge  # type: ignore[method-assign]
    try:
        for path in sample[: a.corrections]:  # a word of an open decision changed
            text = path.read_text(encoding="utf-8")
            changed = re.sub(r"(Beslutning\n\n)", r"\1Rettet: ", text, count=1)
            t = time.perf_counter()
            store.ingest(read_bytes(changed.encode(), path.name), source_path=str(path))
            store.refresh_vocab()
            ordinary.append(time.perf_counter() - t)
        for path in sample[a.corrections :]:  # an open item made closed
            heading = _open_item(path)
            if heading is None:
                continue
            number = heading.split(":", 1)[0]
            text = path.read_text(encoding="utf-8").replace(heading, f"{number}: Lukket", 1)
            t = time.perf_counter()
            store.ingest(read_bytes(text.encode(), path.name), source_path=str(path))
            closing.append(time.perf_counter() - t)
    finally:
        Store.purge = real_purge  # type: ignore[method-assign]
        store.close()

    def stats(xs: list[float]) -> dict:
        xs = sorted(xs)
        return {"n": len(xs), "median_s": round(xs[len(xs) // 2], 3), "max_s": round(xs[-1], 3)} if xs else {}

    result["ordinary_correction"] = stats(ordinary)
    result["correction_to_closed"] = stats(closing)
    result["of_which_purge"] = stats(purges)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
