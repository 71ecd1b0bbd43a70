"""Which schema migrations a database has and which it still needs, read without changing it.

Opening a Store applies every pending migration (each in its own transaction, recorded with its
time in `_sqlite_migrations`); `referent migrate --status` uses this module to look first.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from index.store import Store, migrations


def status(path: str | Path) -> dict:
    """{'path', 'applied': [{'name', 'applied_at'}], 'pending': [names]}; FileNotFoundError without a file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path}")
    conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    try:
        db = sqlite_utils.Database(conn)
        return {
            "path": str(path),
            "applied": [{"name": m.name, "applied_at": m.applied_at} for m in migrations.applied(db)],
            "pending": [m.name for m in migrations.pending(db)],
        }
    finally:
        conn.close()


def apply(path: str | Path) -> list[str]:
    """Apply what is pending (as every start does); returns the names applied."""
    before = status(path)["pending"]  # refuses a missing file: a typo must not create an empty database
    Store(path).close()
    return before
