"""`referent backup`: a consistent copy of the database, safe while the server and an ingest run.

Copying referent.db with `cp` while it is in use can catch a meeting half written or miss what still
sits in the -wal file. SQLite's online backup API reads the database inside one read transaction, so
the copy is a snapshot between two committed meetings; in WAL mode that read blocks no writer.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import time
from pathlib import Path

# Counted in the copy so the report says what it holds; all exist from migration m001 on.
COUNTED = ("meetings", "items", "sections", "revisions", "feedback")


class BackupError(Exception):
    """The backup could not be made; the message is one line for the operator."""


def default_name(db_path: str | Path, moment: dt.datetime | None = None) -> str:
    """'referent-20250101-083000.db' for a backup written into a folder."""
    stamp = (moment or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return f"{Path(db_path).stem}-{stamp}.db"


def backup(db_path: str | Path, dest: str | Path, *, force: bool = False) -> dict:
    """Copy `db_path` to `dest` (a file, or a folder to put a dated file in) and verify the copy.

    Refuses to overwrite an existing file unless `force`. The copy is written beside `dest` under a
    temporary name and renamed only once it passed integrity_check, so a failed or interrupted backup
    never replaces a good one. Returns what the copy holds: path, bytes, counts, seconds.
    """
    src = Path(db_path)
    if not src.is_file():
        raise BackupError(f"no database at {src}")
    target = Path(dest)
    if target.is_dir():
        target = target / default_name(src)
    if target.resolve() == src.resolve():
        raise BackupError("the backup cannot be the database itself")
    if target.exists() and not force:
        raise BackupError(f"{target} exists; pass --force to overwrite it")
    if not target.parent.is_dir():
        raise BackupError(f"no such folder: {target.parent}")

    started = time.monotonic()
    tmp = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        _copy(src, tmp)
        report = verify(tmp)
        os.replace(tmp, target)
    except sqlite3.Error as exc:
        raise BackupError(f"backup failed: {exc}") from exc
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            leftover.unlink(missing_ok=True)
    report.update(path=str(target), bytes=target.stat().st_size, seconds=round(time.monotonic() - started, 3))
    return report


def _copy(src: Path, tmp: Path) -> None:
    # A plain (not read-only) connection: a read-only one cannot open a WAL database whose -shm the
    # server has not created yet. It never writes; `timeout` waits out a checkpoint holding a lock.
    source = sqlite3.connect(src, timeout=30)
    target = sqlite3.connect(tmp)
    try:
        # pages=-1 copies everything in one step, inside one read transaction: a stepwise copy restarts
        # whenever another connection commits, and could never finish beside a busy ingest.
        source.backup(target, pages=-1)
        # The source is in WAL mode and the copy inherits it; a backup should be one self-contained file.
        target.execute("PRAGMA journal_mode=DELETE")
        target.commit()
    finally:
        target.close()
        source.close()
    with open(tmp, "rb+") as fh:  # on disk before the rename makes it the backup
        os.fsync(fh.fileno())


def verify(path: str | Path) -> dict:
    """integrity_check, FTS5's own check, and that every meeting holds all its items; raises BackupError."""
    if not Path(path).is_file():
        raise BackupError(f"no database at {path}")
    # Read-write: FTS5's 'integrity-check' is issued as an INSERT, which a read-only connection refuses.
    # It changes nothing, and the file is the backup's own copy, not the live database.
    conn = sqlite3.connect(path)
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        if problems != ["ok"]:
            raise BackupError(f"the copy failed integrity_check: {'; '.join(problems[:3])}")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED if t in tables}
        if "meetings" in tables:
            partial = conn.execute(
                "SELECT count(*) FROM meetings m WHERE m.item_count != "
                "(SELECT count(*) FROM items i WHERE i.meeting_id = m.id)"
            ).fetchone()[0]
            if partial:
                raise BackupError(f"the copy has {partial} meeting(s) without all their items")
        if "items_fts" in tables:
            try:
                # A command, not a write: FTS5 checks its index and raises SQLITE_CORRUPT if it is broken.
                conn.execute("INSERT INTO items_fts(items_fts) VALUES('integrity-check')")
            except sqlite3.DatabaseError as exc:
                raise BackupError(f"the copy's search index is damaged: {exc}") from exc
            indexed = conn.execute("SELECT count(*) FROM items_fts").fetchone()[0]
            stored = conn.execute("SELECT count(*) FROM items").fetchone()[0]
            if indexed != stored:
                raise BackupError(f"the copy's search index holds {indexed} items, the tables {stored}")
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the copy cannot be read: {exc}") from exc
    finally:
        conn.close()
    return {"integrity": "ok", **counts}
